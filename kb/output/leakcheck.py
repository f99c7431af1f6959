"""The leak check as a build step: after a public build of a centre with internal content, before
its output is swapped in, look for what it withheld in every file it wrote (kb.output.leaks),
leaving out of the canaries whatever the public site may show anyway."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..content.audience import Withheld
from ..content.notes import find_notes
from ..errors import Diagnostic
from ..model import RenderedArticle, Site
from ..runner import Runner
from .leaks import collect_canaries, find_leaks

FILES_SHOWN = 5  # files named for one canary; the others are counted
THEME_TEXT = (".html", ".xml", ".txt", ".po", ".atom", ".rss", ".svg", ".json", ".js")


def leak_problems(site: Site, rendered: dict[str, RenderedArticle], withheld: Withheld, staging: Path,
                  shown: str, folders: Sequence[Path] = (), run: Runner | None = None) -> list[Diagnostic]:
    """An error for each output file showing internal content, the first place it does so for
    each internal source (with the count of the others); none when nothing was withheld. The
    check's jobs run on `run` (every core, and kept in its cache folder, unless it is the plain one)."""
    if not withheld:
        return []
    run = run or Runner()
    texts = list(public_text(site, rendered, withheld, folders))
    # the canaries depend on what was withheld and the public text alone: kept by their digest
    canaries = list(run.map("canaries", lambda _: collect_canaries(withheld, texts, run), [None],
                            key=lambda _: _digest(withheld, texts)))[0]
    paths = []
    for base, _, names in os.walk(staging):
        paths.extend(Path(base, name).relative_to(staging).as_posix() for name in names)
    found = find_leaks(staging, sorted(paths), canaries, shown, run)
    return _first_per_source(found)


def _digest(withheld: Withheld, texts: list[str]) -> str:
    digest = hashlib.sha256(repr(withheld).encode("utf-8", "surrogatepass"))
    for text in texts:
        digest.update(b"\0" + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def public_text(site: Site, rendered: dict[str, RenderedArticle], withheld: Withheld,
                folders: Sequence[Path] = ()) -> Iterator[str]:
    """Everything the public site may show, without the URLs of what `withheld` names written as
    paths of this site: no public page has one, so a public text that writes one (a link by URL in
    an article, a status update or a footer link) publishes it, and the check must see it."""
    urls = sorted({a.url for a in withheld.articles} | {c.url for c in withheld.categories}, key=len, reverse=True)
    # as a path of this site only: `/agents/` inside `https://example.com/agents/` or `/media/agents/x.png`
    # stays, or the check, which looks for it anywhere, would see it there
    pattern = re.compile(r"(?<![\w.~%/-])(?:" + "|".join(map(re.escape, urls)) + ")") if urls else None
    for text in _public_text(site, rendered, withheld, folders):
        yield pattern.sub(" ", text) if pattern is not None else text


def _public_text(site: Site, rendered: dict[str, RenderedArticle], withheld: Withheld,
                 folders: Sequence[Path] = ()) -> Iterator[str]:
    """Everything the public site may show: its articles (Markdown and HTML), folders, tags, URLs,
    files, site strings, status page and the theme's own words. Read from the site the pages were
    made from, but without anything `withheld` names, agent notes taken out again: a filter that
    let something through must not make it look public here, or the check would not see it."""
    config = site.config
    hidden = {a.source for a in withheld.articles}
    folders_out = {(c.key, c.lang) for c in withheld.categories}
    media = set(withheld.media)
    yield "\n".join(filter(None, (config.title, config.tagline, config.base_url, config.notice.text if config.notice else "",
                                  config.contact.email or "", config.contact.url or "")))
    yield "\n".join(f"{link.title}\n{link.url}" for link in config.footer_links)
    for _, strings in config.i18n:
        yield "\n".join(filter(None, (strings.title, strings.tagline, strings.notice_text)))
    for category in (*site.categories, *site.localized):
        if (category.key, category.lang) not in folders_out:
            yield f"{category.title}\n{category.description}\n{category.url}\n{category.key}"
    urls = set()
    for article in site.articles:
        if article.source in hidden:
            continue
        urls.add(article.url)
        yield "\n".join((article.title, article.summary, article.url, article.source, *article.aliases, *article.tags,
                         article.id or ""))
        yield find_notes(article.body, article.body_line, article.source, keep=False).body
        if article.source in rendered:  # after its title, as a page and its search record read
            yield f"<h1>{html.escape(article.title)}</h1>\n{without_notes(rendered[article.source].html)}"
    yield "\n".join((*(a for a in site.assets if a not in media), *(site.asset_url(a) for a in site.assets if a not in media),
                     *(old for old, url in site.redirects.items() if url in urls)))
    if site.status is not None:
        yield repr(site.status)  # its names, titles and updates, as the status page shows them
    for folder in folders:
        yield from _theme_text(folder)


_NOTE = re.compile(r'<div class="admonition internal">')
_DIV = re.compile(r"<(/?)div\b", re.I)


def without_notes(html: str) -> str:
    """`html` without the agent notes rendered in it (`<div class="admonition internal">`)."""
    while (start := _NOTE.search(html)) is not None:
        depth, end = 0, len(html)
        for tag in _DIV.finditer(html, start.start()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = html.find(">", tag.end()) + 1 or len(html)
                break
        html = html[:start.start()] + html[end:]
    return html


def _theme_text(folder: Path) -> Iterator[str]:
    """The text files of a theme's templates or catalogs."""
    for base, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(THEME_TEXT):
                try:
                    yield Path(base, name).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    continue


def _first_per_source(found: list[Diagnostic], files_shown: int = FILES_SHOWN) -> list[Diagnostic]:
    """One error per output file and internal source: the first, saying how many more there are;
    and for a canary found in many files (a topic in every page's footer), its first few files."""
    groups: dict[tuple[str, str], list[Diagnostic]] = {}
    for diagnostic in found:
        source = diagnostic.message.rpartition("' of '")[2].partition("' is in")[0]
        groups.setdefault((diagnostic.path, source), []).append(diagnostic)
    per_canary: dict[str, list[Diagnostic]] = {}
    for hits in groups.values():
        first = hits[0]
        more = f" (and {len(hits) - 1} more of it in this file)" if len(hits) > 1 else ""
        per_canary.setdefault(first.message, []).append(dataclasses.replace(first, message=first.message + more))
    kept = []
    for files in per_canary.values():
        files.sort()
        if len(files) > files_shown:
            last = files[files_shown - 1]
            files[files_shown - 1] = dataclasses.replace(last, message=f"{last.message}; and in {len(files) - files_shown} "
                                                                       "more files")
        kept.extend(files[:files_shown])
    return sorted(kept)
