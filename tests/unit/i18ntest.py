"""Helpers for the tests of multilingual sites: a small project built in memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kb.build import compile_site
from kb.errors import ContentError
from kb.options import BuildOptions
from kbtest import write_tree

NOW = dt.datetime(2020, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
SITE = "title: T\nbase_url: https://x.example/\nlanguages: [en, es]\n"


def article(title: str, body: str = "Body.", **front: str) -> str:
    """An article's text: `title` and the other front matter fields, then `body`."""
    fields = "".join(f"{key}: {value}\n" for key, value in front.items())
    return f"---\ntitle: {title}\n{fields}---\n{body}\n"


def build(root: Path, files: dict[str, str], drafts: bool = False):
    """Build `files` (site.yaml defaults to SITE) in memory: (Compiled, {page path: text})."""
    write_tree(root, {"site.yaml": SITE, **files})
    options = BuildOptions(content=root, search=False, now=NOW, git_dates=False, jobs=1, drafts=drafts)
    compiled = compile_site(options)
    pages = {f.path: f.data.decode("utf-8") for f in compiled.files if f.data is not None}
    return compiled, pages


def errors(root: Path, files: dict[str, str]) -> list[str]:
    """The formatted problems a build of `files` fails with."""
    try:
        build(root, files)
    except ContentError as exc:
        return [d.format() for d in exc.diagnostics]
    raise AssertionError("the build did not fail")
