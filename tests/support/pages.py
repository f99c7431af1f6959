"""The built site read back: each page's kind (from its body class) and its first <h1>, as a reader sees them."""

from __future__ import annotations

import dataclasses
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path


class _PageInfo(HTMLParser):
    """The body class and first <h1> text (without badges) of a built page."""

    def __init__(self) -> None:
        super().__init__()
        self.body_class = ""
        self.h1 = ""
        self._depth = 0  # inside h1
        self._skip = 0  # inside a badge span
        self._done = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.body_class = attrs.get("class") or ""
        elif tag == "h1" and not self._done:
            self._depth = 1
        elif self._depth and tag == "span" and "badge" in (attrs.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "h1" and self._depth:
            self._depth = 0
            self._done = True
        elif tag == "span" and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if self._depth and not self._skip:
            self.h1 += data


@dataclasses.dataclass(frozen=True)
class BuiltPage:
    """One folder/index.html of a built site."""

    url: str  # its URL path from the site's root, percent-encoded, ending in "/"
    kind: str  # the page-* class of its body ("article", "category", ...; "" when none)
    title: str  # the first <h1>'s text, badges left out, white space collapsed


def built_pages(site: Path) -> list[BuiltPage]:
    """Every folder/index.html page under `site` (Pagefind's files left out), sorted by path."""
    found = []
    for page in sorted(site.rglob("index.html")):
        rel = page.parent.relative_to(site).as_posix()
        if rel == "pagefind" or rel.startswith("pagefind/"):
            continue
        info = _PageInfo()
        info.feed(page.read_text(encoding="utf-8", errors="replace"))
        kinds = [c[len("page-"):] for c in info.body_class.split() if c.startswith("page-")]
        url = "/" + urllib.parse.quote(rel + "/") if rel != "." else "/"
        found.append(BuiltPage(url, kinds[0] if kinds else "", " ".join(info.h1.split())))
    return found
