"""The site model of a content folder, loaded by kb itself: the one place the tests call kb's loader.

The browser tests and the benches take their expectations (titles, URLs, summaries, tags,
categories) from here rather than from a front-matter parser of their own. If kb's loading API
moves, only `load_site` changes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kb.load import load_site as load
from kb.model import Site
from kb.options import BuildOptions
from kb.render.editions import edition
from kb.runner import Runner


def load_site(content: Path, now: str | dt.datetime | None = None, drafts: bool = False, language: str | None = None) -> Site:
    """`content` as kb models it: validated config, categories and articles (with `drafts`, drafts too), nothing written.
    On a site of several languages, the edition of `language` (default: the default language's):
    its categories, and the articles its pages list (its own and the originals it lists untranslated).

    `now` is the build's clock (an ISO 8601 string such as "2026-11-26T20:00:00Z" or a datetime);
    dates from git are not read, as in a project outside any repository."""
    if isinstance(now, str):
        now = dt.datetime.fromisoformat(now.replace("Z", "+00:00"))
    options = BuildOptions(content=Path(content), drafts=drafts, search=False, now=now,
                           git_dates=False)
    site = load(options, Runner()).site
    return edition(site, language or site.config.default_language)
