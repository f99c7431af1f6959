"""The Pagefind index: built over the staged site, before it is swapped in."""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .pagefindfiles import normalise_index

SUBDIR = "pagefind"
_PAGES = re.compile(r"Indexed (\d+) pages?")


@dataclass(frozen=True)
class SearchReport:
    """What the indexer did."""

    pages: int
    seconds: float
    bytes: int


class SearchError(Exception):
    """The index could not be built; the message says why."""


def pagefind_executable() -> Path:
    """The Pagefind binary shipped by the `pagefind[bin]` dependency."""
    try:
        import pagefind_bin
    except ImportError:
        raise SearchError("the Pagefind binary is not installed (pip install 'pagefind[bin]'); use --no-search to skip the index") from None
    try:
        return pagefind_bin.get_executable()
    except FileNotFoundError as exc:
        raise SearchError(f"the Pagefind binary is missing: {exc}") from None


def index_site(site_dir: Path, language: str) -> SearchReport:
    """Index the pages of `site_dir` into `site_dir/pagefind/` (only what is marked data-pagefind-body)."""
    started = time.perf_counter()
    command = [
        str(pagefind_executable()), "--site", str(site_dir), "--output-subdir", SUBDIR,
        "--force-language", _language_code(language),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(f"Pagefind could not run: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError("Pagefind failed: " + (detail[-1] if detail else f"exit status {done.returncode}"))
    normalise_index(site_dir / SUBDIR)  # the same input gives the same files, build after build
    found = _PAGES.search(done.stdout)
    size = sum(p.stat().st_size for p in (site_dir / SUBDIR).rglob("*") if p.is_file())
    return SearchReport(int(found.group(1)) if found else 0, time.perf_counter() - started, size)


def _language_code(language: str) -> str:
    """Pagefind wants an ISO 639-1 code: `en` from `en-US` or `en_GB`."""
    return re.split(r"[-_]", language.strip() or "en")[0].lower() or "en"
