"""The state of every article's translations: `kb translate status`'s table (every article × every
language of the site) and `kb check --translations`' notes (missing translations, translations
never marked as reviewed)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from ..errors import INFO, Diagnostic, NoContentFolder, error
from ..model import Article, Site, SiteConfig
from ..runner import Runner
from .articles import parse_articles
from .config import SITE_FILE, load_config
from .parse import discover, load_categories, tree_problems
from .translations import is_outdated, place_translations

STATES = ("original", "up to date", "outdated", "unchecked", "missing")


@dataclass(frozen=True)
class Cell:
    """One article in one language: its state, and the file and page of that version (None when missing)."""

    state: str
    path: str | None = None
    url: str | None = None  # its page's path in the site; None for a draft (not published)
    draft: bool = False


@dataclass(frozen=True)
class Row:
    """An article (by its original's source) and its state in each of the site's languages, in their order."""

    article: str
    title: str
    language: str  # the original's language code
    cells: tuple[tuple[str, Cell], ...]


def load_articles(root: Path, run: Runner | None = None) -> tuple[SiteConfig, list[Article], list[Diagnostic]]:
    """Every article, drafts included, with its language and its original as a build places them;
    and every problem found on the way (the caller decides what an error stops)."""
    if not root.is_dir():
        raise NoContentFolder("is not a folder" if root.exists() else "does not exist")
    tree = discover(root)
    found = [error(rel, 1, 1, "symbolic link leads outside the content folder; refused") for rel in tree.outside]
    found.extend(tree_problems(tree))
    config, problems = load_config(root) if SITE_FILE not in tree.outside else (SiteConfig(), ())
    found.extend(problems)
    categories, problems = load_categories(root, tree, config.languages)
    found.extend(problems)
    articles, problems = parse_articles(root, tree.articles, config, categories, run or Runner())
    found.extend(problems)
    articles, problems = place_translations(config, categories, articles)
    found.extend(problems)
    return config, articles, found


def state_of(translation: Article, original: Article) -> str:
    """"unchecked" (no source_hash), "outdated" (the original's body changed since) or "up to date"."""
    if translation.source_hash is None:
        return "unchecked"
    return "outdated" if is_outdated(translation, original) else "up to date"


def translation_table(config: SiteConfig, articles: list[Article]) -> list[Row]:
    """A row per original article (sorted by its path), a cell per language of the site."""
    default = config.default_language
    versions: dict[str, dict[str, Article]] = {}
    for article in articles:
        if article.original is None:
            versions[article.source] = {article.lang or default: article}
    for article in articles:
        if article.original in versions:
            versions[article.original][article.lang or default] = article
    rows = []
    for source in sorted(versions):
        original = versions[source][next(iter(versions[source]))]
        own = original.lang or default
        cells = []
        for lang in config.languages:
            version = versions[source].get(lang.code)
            if version is None:
                cells.append((lang.code, Cell("missing")))
                continue
            state = "original" if lang.code == own else state_of(version, original)
            url = None if version.draft else config.url_prefix + version.url.lstrip("/")
            cells.append((lang.code, Cell(state, version.source, url, version.draft)))
        rows.append(Row(source, original.title, own, tuple(cells)))
    return rows


def totals(config: SiteConfig, rows: list[Row]) -> dict[str, dict[str, int]]:
    """For each language, how many articles are in each state."""
    counts = {lang.code: dict.fromkeys(STATES, 0) for lang in config.languages}
    for row in rows:
        for code, cell in row.cells:
            counts[code][cell.state] += 1
    return counts


def report(config: SiteConfig, rows: list[Row]) -> dict:
    """The table as JSON data: the languages, each article with its state in each, and the totals."""
    return {
        "languages": [{"code": lang.code, "name": lang.name, "default": index == 0}
                      for index, lang in enumerate(config.languages)],
        "articles": [{"article": row.article, "title": row.title, "language": row.language,
                      "languages": {code: {"state": cell.state, "path": cell.path, "url": cell.url, "draft": cell.draft}
                                    for code, cell in row.cells}}
                     for row in rows],
        "totals": totals(config, rows),
    }


def translation_notes(site: Site) -> list[Diagnostic]:
    """For `kb check --translations`: a note per article and language it is not translated into (at
    the original), and one per translation without `source_hash` (at the translation)."""
    config = site.config
    if not config.multilingual:
        return []
    by_source = {a.source: a for a in site.articles}
    notes = []
    for source, versions in sorted(site.translations.items()):
        for lang in config.languages:
            if lang.code not in versions:
                notes.append(Diagnostic(source, 1, 1, f"missing translation into '{lang.code}' ({lang.name})",
                                        INFO, "missing translation"))
        for path in versions.values():
            article = by_source.get(path)
            if path != source and article is not None and article.source_hash is None:
                line = article.lines.get("translation_of", 1)
                notes.append(Diagnostic(path, line, 1, "translation has no source_hash: once it is reviewed, run "
                                                       f"'kb translate done {shlex.quote(path)}'",
                                        INFO, "translation without source_hash"))
    return notes
