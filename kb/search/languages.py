"""One search bundle per language: which pages each language's Pagefind index holds, and where it goes.

The default language's bundle is the index folder itself (`pagefind/`); every other language's is a
folder in it named after the language's path (`pagefind/es/`, `pagefind/pt-br/`). A page belongs to
the language whose path is its first path segment, else to the default language. Each bundle is
indexed with one language forced (its code's primary subtag), so Pagefind never splits a bundle in
two by the pages' `<html lang>` (`pt-BR` and `pt-br` are one index).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import SearchError
from .pages import SUBDIR

Page = tuple[str, bool | None]  # digest of the page's bytes, and whether Pagefind may read its marked element alone
_PATH = re.compile(r"[a-z0-9][a-z0-9_-]*")
_PAGEFIND_NAMES = re.compile(r"fragment|index|filter|shard-\d+")  # the folders Pagefind and the shards use


@dataclass(frozen=True)
class Bundle:
    """A language's part of the index: its folder in the site, its Pagefind language and its pages."""

    folder: str  # "pagefind" or "pagefind/es"
    code: str  # the language Pagefind is told the pages are in ("pt" for pt-BR)
    path: str  # the language's path ("" for the default language)
    pages: dict[str, Page]


def language_code(language: str) -> str:
    """Pagefind wants an ISO 639-1 code: `en` from `en-US` or `en_GB`."""
    return re.split(r"[-_]", language.strip() or "en")[0].lower() or "en"


def language_paths(languages: str | Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (code, path) of every language, default first with path "", each path once (lower-cased;
    two codes with one path are one language, the first code kept); a bad path is a SearchError."""
    if isinstance(languages, str):
        languages = [(languages, "")]
    found: dict[str, str] = {}
    for number, (code, path) in enumerate(languages):
        path = "" if number == 0 else path.strip("/").lower()
        if path and (not _PATH.fullmatch(path) or _PAGEFIND_NAMES.fullmatch(path)):
            raise SearchError(f"language '{code}' cannot have a search index at '{SUBDIR}/{path}/'")
        found.setdefault(path, code)
    if not found:
        found[""] = "en"
    return [(code, path) for path, code in found.items()]


def site_languages(config: object) -> list[tuple[str, str]]:
    """The (code, path) of a site's languages, default first: its `languages` when it has them, else
    its one `language` at the root."""
    languages = getattr(config, "languages", None)
    if languages:
        return [(language.code, language.path) for language in languages]
    return [(getattr(config, "language", "") or "en", "")]


def split_pages(languages: str | Sequence[tuple[str, str]], pages: dict[str, Page]) -> list[Bundle]:
    """The bundles of the index, one per language, default first: every page in the bundle of its language."""
    paths = language_paths(languages)
    shares: dict[str, dict[str, Page]] = {path: {} for _, path in paths}
    for page, info in pages.items():
        first = page.split("/", 1)[0] if "/" in page else ""
        shares[first if first in shares else ""][page] = info
    return [Bundle(f"{SUBDIR}/{path}" if path else SUBDIR, language_code(code), path, shares[path])
            for code, path in paths]
