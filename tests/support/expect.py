"""What the browser tests expect to see: kb's own model of the content folder, plus a small oracle.

Titles, URLs, summaries, tags, dates, drafts, categories and sections come from kb's loader
(`kbsite.load_site`), so the tests check the browser side: that what kb read reaches the page.
The oracle below only counts Markdown constructs in an article's body (callouts, fenced code
blocks and their languages, tables, images, `##`/`###` headings, links to other articles), read
line by line with a few regular expressions; the tests compare those counts with the rendered page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import posixpath
import re
import urllib.parse
from pathlib import Path

import pytest

from kb.model import Article, Category, SiteConfig

from .kbsite import load_site

_CALLOUT = re.compile(r"^\s*>\s?\[!(note|tip|important|warning|caution)\]", re.I | re.M)
_ADMONITION = re.compile(r"^\s*!!!\s+[\w-]+", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.M)
_IMAGE = re.compile(r"!\[[^\]]*\]\((?:<[^>]+>|[^)\s]+)\)|^\s*:::image\b", re.M)
_MD_LINK = re.compile(r"(?<!!)\[((?:[^\[\]]|\n)+?)\]\((<[^>]+>|[^)\s]+)\)")
_HEADING = re.compile(r"^#{2,3}\s+\S", re.M)
_FENCE_OPEN = re.compile(r"^\s*(`{3,}|~{3,})[ \t]*([^\s`{]*)")


def without_code(body: str) -> str:
    """The Markdown body with its fenced code blocks left out."""
    out, fence = [], None
    for line in body.split("\n"):
        opened = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence:
            if opened and opened.group(1)[0] == fence[0]:
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        out.append(line)
    return "\n".join(out)


def code_languages(body: str) -> tuple[str, ...]:
    """The language of each fenced code block ("" when it names none)."""
    found, fence = [], None
    for line in body.split("\n"):
        opened = _FENCE_OPEN.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) and not opened.group(2):
                fence = None
        elif opened:
            fence = opened.group(1)
            found.append(opened.group(2).lower())
    return tuple(found)


@dataclasses.dataclass(frozen=True)
class Doc:
    """One article as kb loaded it, with the Markdown features of its body counted by the oracle."""

    article: Article

    def __getattr__(self, name: str):
        if name == "article":  # not set yet (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.article, name)  # title, summary, tags, draft, updated, slug, order, url, body, ...

    @property
    def rel(self) -> str:
        """The file's path relative to the content folder (posix)."""
        return self.article.source

    @property
    def callouts(self) -> int:
        """GitHub callouts (`> [!NOTE]`) plus `!!! note` admonitions."""
        text = without_code(self.article.body)
        return len(_CALLOUT.findall(text)) + len(_ADMONITION.findall(text))

    @property
    def code_languages(self) -> tuple[str, ...]:
        return code_languages(self.article.body)

    @property
    def has_table(self) -> bool:
        return bool(_TABLE_RULE.search(without_code(self.article.body)))

    @property
    def images(self) -> int:
        return len(_IMAGE.findall(without_code(self.article.body)))

    @property
    def headings(self) -> int:
        return len(_HEADING.findall(without_code(self.article.body)))

    def article_links(self) -> list[tuple[str, str]]:
        """(link text, target .md path relative to the content folder) for links to other articles."""
        found = []
        for text, target in _MD_LINK.findall(without_code(self.article.body)):
            target = target.strip("<>").split("#")[0]
            if not target.lower().endswith(".md") or re.match(r"^[a-z]+:", target, re.I):
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(self.rel), urllib.parse.unquote(target)))
            found.append((" ".join(text.split()), path))
        return found


class Expected:
    """The content folder as kb models it (drafts included, marked), asked the way the tests ask."""

    def __init__(self, root: Path, now: str | dt.datetime | None = None) -> None:
        self.root = root
        site = load_site(root, now, drafts=True)
        self.config: SiteConfig = site.config
        self.docs: tuple[Doc, ...] = tuple(Doc(a) for a in sorted(site.articles, key=lambda a: a.source))
        self.by_rel = {d.rel: d for d in self.docs}
        self._folders: dict[str, Category] = {c.key: c for c in site.categories}

    @property
    def published(self) -> list[Doc]:
        return [d for d in self.docs if not d.draft]

    @property
    def own(self) -> list[Doc]:
        """The published articles in the default language (what its tag pages and search index hold);
        `published` also has the originals in other languages its topic pages list untranslated."""
        return [d for d in self.published if not d.lang]

    @property
    def drafts(self) -> list[Doc]:
        return [d for d in self.docs if d.draft]

    def folder(self, key: str) -> Category:
        """The topic or section of a folder (a path relative to the content folder)."""
        return self._folders[key]

    @functools.cached_property
    def categories(self) -> list[Category]:
        """First-level folders that hold published articles, by folder name."""
        keys = sorted({d.category for d in self.published if d.category})
        return [self.folder(k) for k in keys]

    def category(self, title: str) -> Category:
        return next(c for c in self.categories if c.title == title)

    def articles_in(self, category_key: str) -> list[Doc]:
        return [d for d in self.published if d.category == category_key]

    def sections_of(self, category_key: str) -> list[Category]:
        keys = sorted({d.section for d in self.articles_in(category_key) if d.section})
        return [self.folder(k) for k in keys]

    def doc(self, title: str) -> Doc:
        return next(d for d in self.docs if d.title == title)

    def pick(self, test, prefer: str | None = None) -> Doc:
        """A published article passing `test`: `prefer` (a path under the content folder) if it does, else the
        first; the test is skipped when none does."""
        if prefer and prefer in self.by_rel and not self.by_rel[prefer].draft and test(self.by_rel[prefer]):
            return self.by_rel[prefer]
        for doc in self.published:
            if test(doc):
                return doc
        pytest.skip("no article in the example content has the feature this test needs")

    def resolve(self, source: Doc, ref: str) -> Doc | None:
        """A `related:` entry (an article's id, or a path relative to the article or to the content folder)."""
        by_id = next((d for d in self.docs if d.id and d.id == ref), None)
        if by_id is not None:
            return by_id
        ref = ref.replace("\\", "/")
        for candidate in (posixpath.normpath(posixpath.join(posixpath.dirname(source.rel), ref)), ref.lstrip("/")):
            if candidate in self.by_rel:
                return self.by_rel[candidate]
        return None
