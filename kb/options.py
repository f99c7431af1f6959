"""What a command asked kb to do, and the build's clock."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .status.times import epoch_time


@dataclass(frozen=True)
class BuildOptions:
    """What `kb build`, `kb check` or `kb serve` was asked to do."""

    content: Path
    out: Path | None = None  # where `kb build` writes the site; None: nowhere (`kb check`, `kb serve`)
    base_url: str | None = None
    drafts: bool = False
    strict: bool = False
    search: bool = True
    now: dt.datetime | None = None
    git_dates: bool = True
    cache: Path | None = None  # where rendered articles are kept between builds; None: nowhere
    theme: Path | None = None  # a theme folder given on the command line (it may be anywhere); None: site.yaml's
    jobs: int = 0  # processes that render articles; 0: one per core
    untrusted: bool = False  # --untrusted: the untrusted mode, whatever site.yaml says
    audience: str = "public"  # --audience: "public" (customers) or "internal" (agents: everything)


def build_clock(now: dt.datetime | None = None) -> dt.datetime:
    """The build's "now": given, else SOURCE_DATE_EPOCH, else the wall clock (UTC)."""
    if now is not None:
        return now
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isascii() and epoch.isdigit():
        return epoch_time(epoch)  # a usage error (exit 2) past the year 9998
    return dt.datetime.now(dt.timezone.utc)
