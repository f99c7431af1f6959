"""Every path a build would write, checked before anything is written: two sources for one path
(an alias, a content file, a theme file, a page of kb's), a file where another one needs a folder,
a name longer than file systems allow, a content file where the search index goes."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostic, error
from ..model import Site
from .folder import MARKER
from ..render.pages import MANIFEST, REDIRECTS, all_pages, static_paths
from ..search import SUBDIR as SEARCH_FOLDER
from ..status.api import API_FILES
from ..status.model import StatusFile
from ..render.theme import theme_dir
from ..render.urls import tag_key

NAME_MAX = 255  # bytes in one file or folder name, on the common file systems


@dataclass(frozen=True)
class Origin:
    """What puts a file in the site, and where to point a writer at it (lower `rank`: a better place)."""

    what: str
    shown: str = ""
    line: int = 1
    rank: int = 9  # 9: a file of kb's own, which no writer wrote
    url: str = ""  # the URL of a page or alias, whose clashes kb.site reports already
    in_content: bool = True  # whether `shown` is relative to the content folder (a theme's file is not)


def output_problems(site: Site, status: StatusFile | None, theme: Path | None, root: Path) -> list[Diagnostic]:
    """An error for each path two sources would write, each file where a folder is needed, and each
    name longer than NAME_MAX bytes."""
    origin = _Origins(site, status)
    owners: dict[str, tuple] = {}
    twice: dict[str, list[tuple]] = {}
    for path, source in _outputs(site, status, theme, root):
        if path in owners:
            twice.setdefault(path, [owners[path]]).append(source)
        else:
            owners[path] = source
    found: list[Diagnostic] = []
    for path, sources in twice.items():
        first, second = sorted(map(origin, sources), key=lambda o: o.rank)[:2]
        if not (first.url and first.url == second.url):  # kb.site reports these
            found.append(_at(first, f"{first.what} and {second.what} would both be published as /{path}"))
    found.extend(_twins(owners, origin))
    for path, source in owners.items():
        if path.startswith(SEARCH_FOLDER + "/") and source[0] != "kb":
            found.append(_at(origin(source), f"{origin(source).what} would be published in /{SEARCH_FOLDER}/, "
                                             "where kb writes the search index"))
        if len(path.encode("utf-8", "surrogatepass")) > NAME_MAX:  # then one of its names may be too
            long = next((part for part in path.split("/") if len(part.encode("utf-8", "surrogatepass")) > NAME_MAX), None)
            if long is not None:
                size = len(long.encode("utf-8", "surrogatepass"))
                found.append(_at(origin(source), f"{origin(source).what} would be published under a name of {size} "
                                                 f"bytes ('{_short(long, 24)}'); file systems allow {NAME_MAX}"))
    reported: set[str] = set()
    for path in sorted(owners):
        end = path.find("/")
        while end > 0:
            folder, end = path[:end], path.find("/", end + 1)
            if folder in owners and folder not in reported:
                reported.add(folder)
                file, user = origin(owners[folder]), origin(owners[path])
                where = min((file, user), key=lambda o: o.rank)
                found.append(_at(where, f"{file.what} is published as /{folder}, where {user.what} needs a folder"))
    return found


def _twins(owners: dict[str, tuple], origin: _Origins) -> list[Diagnostic]:
    """Paths that differ only in letter case or in how their Unicode is composed: a disk of macOS or
    Windows takes them for one file, and one replaces the other there. (Two files of one folder are
    told apart when the folder is read.)"""
    seen: dict[str, str] = {}
    found = []
    for path in sorted(owners):
        key = unicodedata.normalize("NFC", path).casefold()
        other = seen.setdefault(key, path)
        if other == path:
            continue
        one, two = origin(owners[other]), origin(owners[path])
        if owners[other][0] == owners[path][0] == "file" and \
                owners[other][1].rpartition("/")[0] == owners[path][1].rpartition("/")[0]:
            continue
        where, then = sorted((one, two), key=lambda o: o.rank)
        found.append(_at(where, f"{where.what} and {then.what} would be published as /{path} and /{other}, which "
                                "differ only in letter case or Unicode form: on macOS and Windows one replaces the other"))
    return found


def _short(text: str, limit: int = 48) -> str:
    """A name as a message quotes it: a long one cut, with `…`."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _at(origin: Origin, message: str) -> Diagnostic:
    return error(origin.shown or "site", origin.line, 1, message, "output path collision",
                 in_content=origin.in_content and bool(origin.shown))


def _outputs(site: Site, status: StatusFile | None, theme: Path | None, root: Path) -> list[tuple[str, tuple]]:
    """Every path the build writes, with what writes it: (kind, what it is about)."""
    keys = [i.key for i in status.incidents] if status is not None else None
    found: list[tuple[str, tuple]] = [
        (path, what if what[0] in _CONTENT_PAGES else ("kb", _KB_PAGES.get(what[0], path) if path.endswith(".html") else path))
        for path, _, what in all_pages(site, keys)
    ]
    found += [(site.asset_url(rel), ("file", rel)) for rel in site.assets]
    themes = [d for d in (theme_dir("default", root), theme) if d is not None]
    found += [(path, ("theme", source)) for path, source in static_paths(themes).items()]
    found += [(name, ("kb", name)) for name in (MARKER, MANIFEST, *([REDIRECTS] if site.redirects else []))]
    if status is not None:
        found += [(f"api/v2/{name}", ("kb", f"api/v2/{name}")) for name in API_FILES]
    found.append((f"{SEARCH_FOLDER}/", ("kb", f"search index (/{SEARCH_FOLDER}/)")))  # a folder: nothing else may be it
    return found


class _Origins:
    """What writes a path, as a message names it and where it points the writer (made only for the
    paths with a problem)."""

    def __init__(self, site: Site, status: StatusFile | None) -> None:
        self.site = site
        self.incidents = {i.key: i for i in status.incidents} if status is not None else {}

    def __call__(self, source: tuple) -> Origin:
        kind, site = source[0], self.site
        if kind == "article":
            article = source[1]
            return Origin(f"the page of '{article.source}'", article.source, article.lines.get("slug", 1), 2,
                          article.url)
        if kind == "category":
            return Origin(f"the page of the folder '{source[1].key}'", source[1].key or ".", 1, 3,
                          source[1].url)
        if kind == "tag":
            article, tag = next((a, t) for a in site.articles for t in a.tags if tag_key(t) == source[1])
            return Origin(f"the page of the tag '{_short(tag)}'", article.source, article.lines.get("tags", 1), 4)
        if kind == "incident":
            return Origin(f"the page of the incident '{_short(source[1])}'", "status.yaml",
                          self.incidents[source[1]].line, 4)
        if kind == "redirect":
            article = next(a for a in site.articles if a.url == site.redirects[source[1]])
            return Origin(f"the alias {source[1]} of '{article.source}'", article.source,
                          article.lines.get("aliases", 1), 1, source[1])
        if kind == "file":
            return Origin(f"the file '{source[1]}'", source[1], 1, 0)
        if kind == "theme":
            return Origin(f"the theme's file '{Path(source[1]).name}'", source[1], 1, 5, in_content=False)
        return Origin(f"kb's {source[1]}")


_CONTENT_PAGES = frozenset({"article", "category", "tag", "incident", "redirect"})
_KB_PAGES = {"home": "home page", "tags": "tag list", "search": "search page", "contact": "contact page",
             "status": "status page", "status history": "incident history", "not found": "404 page"}
