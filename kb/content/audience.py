"""Who a build is for. `visibility: internal` marks an article, or a topic or section in its
`_category.yaml`, as for agents only; the public build takes the content model once, before
anything renders, without them and without the agent notes of public articles (kb.content.notes),
and every page, listing, feed, index and file is made from that view."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..errors import Diagnostic, error
from ..model import Article, Category
from ..render.urls import alias_path
from .notes import MARKER, Block, find_notes
from .schema import Reader
from .site import resolve_related

VISIBILITIES = ("public", "internal")


@dataclass(frozen=True)
class Withheld:
    """What a public build leaves out, to look for in its output (kb.output.leaks)."""

    articles: tuple[Article, ...] = ()  # the internal articles (bodies as written, agent notes included)
    categories: tuple[Category, ...] = ()  # the internal topics and sections, in every language
    blocks: tuple[Block, ...] = ()  # each agent note taken out of a public article
    media: tuple[str, ...] = ()  # content files only internal articles and notes use: not copied

    def __bool__(self) -> bool:
        return bool(self.articles or self.categories or self.blocks or self.media)


def read_visibility(r: Reader) -> str | None:
    """`visibility`: "public" or "internal" (None when not given)."""
    value = r.string("visibility")
    if value is None:
        return None
    if value.lower() not in VISIBILITIES:
        r.at(("visibility",), f"visibility must be 'public' or 'internal', not '{value}'")
        return None
    return value.lower()


def mark_internal(categories: tuple[Category, ...], articles: list[Article]) -> tuple[list[Article], list[Diagnostic]]:
    """Each article for agents only when it says so, or its section or topic does, or (a
    translation) its original is; an article that says `visibility: public` there is an error."""
    folders = {c.key: c for c in categories if not c.lang}
    by_source = {a.source: a for a in articles}
    found: list[Diagnostic] = []
    marked: list[Article] = []
    for article in articles:
        original = by_source.get(article.original) if article.original else None
        inherited = next((c for c in (folders.get(article.section or ""), folders.get(article.category)) if c and c.internal), None)
        explicit = "visibility" in article.lines
        if explicit and not article.internal and original is not None and original.internal:
            found.append(error(article.source, article.lines["visibility"], 1,
                               f"a translation of an internal article is internal: '{article.original}' is for agents only"))
        elif explicit and not article.internal and inherited is not None:
            found.append(error(article.source, article.lines["visibility"], 1,
                               f"public article in internal folder '{inherited.key}'; move it out, or remove "
                               "'visibility: public'"))
        internal = article.internal or inherited is not None or (original is not None and original.internal)
        marked.append(dataclasses.replace(article, internal=True) if internal and not article.internal else article)
    return marked, found


def audience_view(
    audience: str, categories: tuple[Category, ...], articles: list[Article],
) -> tuple[tuple[tuple[Category, ...], list[Article], Withheld], list[Diagnostic]]:
    """The categories and articles a build for `audience` shows, and what it leaves out: for the
    public, no internal article or folder, no folder left without articles, and no agent note."""
    keep = audience == "internal"
    found: list[Diagnostic] = []
    shown: list[Article] = []
    blocks: list[Block] = []
    for article in articles:
        if article.internal and not keep:
            continue
        notes = find_notes(article.body, article.body_line, article.source, keep)
        found.extend(error(article.source, line, col, "'[!INTERNAL]' opens an agent note only at the start of a "
                           "quote of its own ('> [!INTERNAL]' on a line of its own); here it would publish the text")
                     for line, col in notes.stray)
        found.extend(error(article.source, article.lines.get(key) or article.lines.get("description", 1), 1,
                           f"'{MARKER}' in '{key}' opens no agent note; an agent note is a quote in the article's text")
                     for key, value in (("title", article.title), ("summary", article.summary))
                     if MARKER.lower() in value.lower())
        blocks.extend(notes.blocks)
        shown.append(dataclasses.replace(article, body=notes.body) if notes.body != article.body else article)
    if keep:
        return (categories, shown, Withheld()), found
    hidden = tuple(a for a in articles if a.internal)
    shown = _unrelated(shown, hidden)
    used = {a.category for a in shown} | {a.section for a in shown if a.section is not None}
    dropped = tuple(c for c in categories if c.internal or (hidden and c.key not in used))
    kept = tuple(c for c in categories if c not in dropped)
    return (kept, shown, Withheld(hidden, tuple(c for c in dropped if c.internal), tuple(blocks))), found


def _unrelated(shown: list[Article], hidden: tuple[Article, ...]) -> list[Article]:
    """The public articles without the internal ones in their `related:` (named by path or id):
    not shown, as a draft would not be, and not "not found" either."""
    if not hidden:
        return shown
    by_source = {a.source: a for a in hidden}
    ids = {a.id: a.source for a in hidden if a.id}
    kept = []
    for article in shown:
        related = tuple(ref for ref in article.related if resolve_related(ref, article.source, by_source, ids) is None)
        kept.append(dataclasses.replace(article, related=related) if related != article.related else article)
    return kept


def alias_problems(articles: list[Article], withheld: Withheld) -> list[Diagnostic]:
    """An alias of a public article that is the URL or an alias of what the public build leaves
    out: an error, as in the internal build, which has both (published, it would name it)."""
    urls = {a.url: a.source for a in withheld.articles} | {c.url: c.key for c in withheld.categories}
    aliases = {path: a.source for a in withheld.articles for path in map(alias_path, a.aliases) if path}
    found = []
    for article in articles:
        for path in filter(None, map(alias_path, article.aliases)):
            line = article.lines.get("aliases", 1)
            if urls.get(path, article.source) != article.source:
                found.append(error(article.source, line, 1, f"alias {path} is the URL of '{urls[path]}'; an alias must "
                                   "be a URL no page uses"))
            elif aliases.get(path, article.source) != article.source:
                found.append(error(article.source, line, 1, f"alias {path} is also an alias of '{aliases[path]}'"))
    return found


# a link's target, an HTML attribute's, a reference definition's; each try ends at its line's end
_TARGETS = re.compile(r"\]\([ \t]*<?([^)\s>]+)|(?:src|href)[ \t]*=[ \t]*[\"']([^\"'\n]+)|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:\s|$)",
                      re.M | re.I)


def withheld_media(withheld: Withheld, assets: tuple[str, ...], categories: tuple[Category, ...],
                   public: set[str]) -> Withheld:
    """`withheld` with the content files only internal articles and agent notes use: those in an
    internal folder and those they link to, but none a public page uses (`public`)."""
    if not withheld:
        return withheld
    folders = _internal_folders(withheld)
    texts = [(a.source, a.body) for a in withheld.articles] + [(b.source, b.text) for b in withheld.blocks]
    linked = {path for source, text in texts for path in _linked_files(source, text)}
    present = set(assets)
    media = sorted(p for p in present if (p.startswith(folders) or p in linked) and p not in public)
    return dataclasses.replace(withheld, media=tuple(media))


def _linked_files(source: str, text: str) -> set[str]:
    """The content paths `text` (Markdown of `source`) links to, as a link would resolve them."""
    found = set()
    here = posixpath.dirname(source)
    for match in _TARGETS.finditer(text):
        target = unquote(urlsplit((match.group(1) or match.group(2) or match.group(3)).replace("\\", "/")).path)
        if target and "://" not in target:
            path = target.lstrip("/") if target.startswith("/") else posixpath.join(here, target)
            found.add(posixpath.normpath(path))
    return found


def internal_files_used(withheld: Withheld, articles: tuple[Article, ...],
                        used: dict[str, tuple[str, ...]]) -> list[Diagnostic]:
    """An error for each file inside an internal folder that a public article uses (`used`: its
    source -> the content files it links to): published, its path would name the folder."""
    folders = _internal_folders(withheld)
    found = []
    for article in articles:
        for path in used.get(article.source, ()):
            if folders and path.startswith(folders):
                folder = next(f for f in folders if path.startswith(f))[:-1]
                name = path.rpartition("/")[2]
                lines = article.body.split("\n")
                line = next((i for i, text in enumerate(lines) if name in text), 0)
                col = lines[line].find(name) + 1 if name in lines[line] else 1
                found.append(error(article.source, article.body_line + line, col,
                                   f"'{path}' is in internal folder '{folder}'; a public article cannot use it "
                                   "(move the file to a public folder)"))
    return found


def _internal_folders(withheld: Withheld) -> tuple[str, ...]:
    """The content folders of the internal topics and sections, each with its `/`."""
    return tuple(c.key + "/" for c in withheld.categories if not c.lang and c.key)
