"""Cross-file rules and the assembled Site: URLs, ids, related articles, ordering."""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import posixpath
import re
from collections import defaultdict

from ..errors import Diagnostic, error, warning
from ..runner import Runner
from ..model import Article, Category, Site, SiteConfig
from ..render.urls import alias_path, asset_path
from .translations import edition_articles, is_outdated, translation_groups

RELATED_LIMIT = 5
COMMON_TAG = 100  # a tag on more articles than this is not counted when ranking related articles
_LEADING = re.compile(r"^[\W_]+")
RESERVED_PATHS = ("/tags/", "/assets/", "/404.html", "/search/", "/status/", "/api/v2/", "/contact/", "/pagefind/")


@functools.lru_cache(maxsize=16384)  # `kb serve` sorts the same titles at every edit
def title_key(title: str) -> str:
    """A title for sorting: case-insensitive, leading quotes and brackets ignored."""
    return _LEADING.sub("", title).casefold() or title.casefold()


def article_sort_key(article: Article) -> tuple:
    """Articles list by `order`, then title."""
    return (article.order is None, article.order or 0, title_key(article.title), article.source)


def category_sort_key(category: Category) -> tuple:
    """Categories list by `order`, then title."""
    return (category.order is None, category.order or 0, title_key(category.title), category.key)


def assemble_site(
    config: SiteConfig,
    categories: tuple[Category, ...],
    articles: tuple[Article, ...],
    assets: tuple[str, ...],
    now: dt.datetime,
    drafts: bool = False,
    run: Runner | None = None,
) -> tuple[Site, tuple[Diagnostic, ...]]:
    """Check the rules that span files and return the Site, ordered for listing."""
    drafted = {a.source for a in articles if a.draft}  # a translation of a draft is a draft too
    kept = tuple(a for a in articles if drafts or not (a.draft or a.original in drafted))
    diagnostics: list[Diagnostic] = []
    owners: dict[str, str] = {}
    if config.multilingual:  # a folder holding only translations published elsewhere (`es/`) has no page
        used = {a.category for a in articles} | {a.section for a in articles if a.section is not None}
        categories = tuple(c for c in categories if c.key in used)
    localized = tuple(c for c in categories if c.lang)
    categories = tuple(c for c in categories if not c.lang)
    _language_folders(config, categories, kept, diagnostics)
    for category in (*categories, *localized):
        where = category.key or "."
        if category.url in owners:
            diagnostics.append(error(where, 1, 1, f"folders '{owners[category.url]}' and '{category.key}' share the URL {category.url}"))
        owners[category.url] = category.key
    for article in kept:
        if article.url in owners:
            other = owners[article.url]
            diagnostics.append(error(article.source, article.lines.get("slug", 1), 1, f"'{article.source}' and '{other}' share the URL {article.url}"))
        elif article.url.startswith(RESERVED_PATHS) or article.url == "/":
            diagnostics.append(error(article.source, article.lines.get("slug", 1), 1, f"URL {article.url} is reserved for kb's own pages"))
        owners[article.url] = article.source
    redirects = _redirects(kept, owners, diagnostics)
    titles: dict[tuple[str, str], str] = {}
    for article in kept:
        key = (article.lang, article.title.casefold())
        if key in titles:
            diagnostics.append(warning(article.source, article.lines.get("title", 1), 1,
                                       f"title '{article.title}' is also used by '{titles[key]}'", "duplicate title"))
        titles.setdefault(key, article.source)
    ids: dict[str, str] = {}
    for article in kept:
        if article.id:
            if article.id in ids:
                diagnostics.append(error(article.source, article.lines.get("id", 1), 1, f"id '{article.id}' is also used by '{ids[article.id]}'"))
            ids.setdefault(article.id, article.source)
    by_source = {a.source: a for a in kept}
    related: dict[str, tuple[str, ...]] = {}
    for article in kept:
        explicit = []
        for ref in article.related:
            target = resolve_related(ref, article.source, by_source, ids)
            if target is None:
                line = article.lines.get("related", 1)
                diagnostics.append(warning(article.source, line, 1, f"related article not found: '{ref}'", "related article not found"))
            elif target != article.source:
                explicit.append(target)
        related[article.source] = tuple(dict.fromkeys(explicit))
    groups = translation_groups(kept, config.default_language) if config.multilingual else {}
    related = _related_by_language(config, kept, groups, related, run)
    ordered_categories = tuple(sorted(categories, key=category_sort_key))
    folders = {c.key: c.url for c in categories if c.key}
    published = {rel: path for rel in assets if (path := asset_path(rel, folders)) != rel}
    site = Site(
        config=config,
        categories=ordered_categories,
        articles=tuple(sorted(kept, key=article_sort_key)),
        assets=assets,
        today=now.date(),
        generated=now,
        related=related,
        redirects=redirects,
        asset_urls=published,
        localized=tuple(sorted(localized, key=category_sort_key)),
        translations=groups,
        outdated=frozenset(a.source for a in kept if a.original in by_source and is_outdated(a, by_source[a.original])),
    )
    return site, tuple(diagnostics)


def _language_folders(config: SiteConfig, categories: tuple[Category, ...], articles: tuple[Article, ...],
                      diagnostics: list[Diagnostic]) -> None:
    """The other languages' folders (`/es/`) are theirs: no topic or article of the default language there."""
    folders = {lang.path: lang for lang in config.languages[1:]}
    if not folders:
        return
    for category in categories:
        lang = folders.get(category.url.strip("/").partition("/")[0])
        if lang is not None and category.parent is None:
            diagnostics.append(error(category.key or ".", 1, 1, f"URL {category.url} is where the pages in {lang.name} "
                                     f"go; give the folder another slug in _category.yaml"))
    for article in articles:
        lang = folders.get(article.url.strip("/").partition("/")[0])
        if lang is not None and not article.lang and article.category == "":
            diagnostics.append(error(article.source, article.lines.get("slug", 1), 1,
                                     f"URL {article.url} is where the pages in {lang.name} go; give it another slug"))


def _related_by_language(
    config: SiteConfig, articles: tuple[Article, ...], groups: dict[str, dict[str, str]],
    explicit: dict[str, tuple[str, ...]], run: Runner | None,
) -> dict[str, tuple[str, ...]]:
    """Related articles, chosen in each language among the articles its pages list."""
    if not config.multilingual:
        return _related(articles, explicit, run.memo("related") if run is not None else None)
    related: dict[str, tuple[str, ...]] = {}
    default = config.default_language
    for lang in config.languages:
        code = "" if lang.code == default else lang.code
        listed = edition_articles(articles, groups, lang.code, default, config.fallback)
        here = {a.source: tuple(_in_language(t, lang.code, groups) for t in explicit.get(a.source, ())) for a in listed}
        memo = run.memo(f"related {lang.code}") if run is not None else None
        found = _related(listed, here, memo)
        related.update((a.source, found[a.source]) for a in listed if a.lang == code)
    return related


def _in_language(source: str, code: str, groups: dict[str, dict[str, str]]) -> str:
    """The version of `source`'s article in language `code`, when it has one; else `source`."""
    return groups.get(source, {}).get(code, source)


def _redirects(articles: tuple[Article, ...], owners: dict[str, str], diagnostics: list[Diagnostic]) -> dict[str, str]:
    """Every alias of every article as old path → new URL; collisions and unsafe paths are errors."""
    redirects: dict[str, str] = {}
    claimed: dict[str, str] = {}
    for article in articles:
        line = article.lines.get("aliases", 1)
        for alias in article.aliases:
            path = alias_path(alias)
            where = article.source
            if path is None:
                diagnostics.append(error(where, line, 1, f"alias '{alias}' is not a path on this site (write it as /old/path/)"))
            elif path in owners:
                diagnostics.append(error(where, line, 1, f"alias {path} is the URL of '{owners[path]}'; an alias must be a URL no page uses"))
            elif path.startswith(RESERVED_PATHS) or path == "/":
                diagnostics.append(error(where, line, 1, f"alias {path} is reserved for kb's own pages"))
            elif path in claimed and claimed[path] != article.source:
                diagnostics.append(error(where, line, 1, f"alias {path} is also an alias of '{claimed[path]}'"))
            else:
                claimed[path] = article.source
                redirects[path] = article.url
    return dict(sorted(redirects.items()))


def resolve_related(ref: str, source: str, by_source: dict[str, Article], ids: dict[str, str]) -> str | None:
    """The article a `related:` entry of `source` names, by id or by path (from its folder or the
    content folder), among `by_source`; None when it names none of them."""
    if ref in ids:
        return ids[ref]
    ref = ref.replace("\\", "/")
    for candidate in (posixpath.normpath(posixpath.join(posixpath.dirname(source), ref)), ref.lstrip("/")):
        if candidate in by_source:
            return candidate
    return None


def _related(
    articles: tuple[Article, ...], explicit: dict[str, tuple[str, ...]], memo: dict | None,
) -> dict[str, tuple[str, ...]]:
    """Every article's related articles; with `memo` (`kb serve`), worked out again only for the
    articles an edit can change.

    An article's related articles are chosen among those sharing one of its tags or its section,
    by their tags, section, order and title: they change only when one of those articles changed,
    or an article that has (or had) one of its tags or its section.
    """
    inputs = {a.source: (tuple(dict.fromkeys(a.tags)), a.section or a.category, a.order, a.title, explicit[a.source])
              for a in articles}
    before = memo.get("inputs") if memo is not None else None
    if before is None or memo is None:
        result = _infer_related(articles, explicit)
    else:
        changed = {s for s in inputs.keys() | before.keys() if inputs.get(s) != before.get(s)}
        marks: set[tuple[str, str]] = set()  # the tags and sections of the changed articles, before and after
        for source in changed:
            for version in (before.get(source), inputs.get(source)):
                if version is not None:
                    marks.update(("tag", tag) for tag in version[0])
                    marks.add(("group", version[1]))
        affected = {
            source for source, (tags, group, *_) in inputs.items()
            if source in changed or ("group", group) in marks or any(("tag", tag) in marks for tag in tags)
        }
        fresh = _infer_related(articles, explicit, affected) if affected else {}
        result = {a.source: fresh[a.source] if a.source in affected else memo["related"][a.source] for a in articles}
    if memo is not None:
        memo.update(inputs=inputs, related=result)
    return result


def _infer_related(
    articles: tuple[Article, ...], explicit: dict[str, tuple[str, ...]], only: set[str] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Explicit `related` wins; else articles sharing the most tags, then the same section (for
    every article, or the articles in `only`).

    A tag that more than COMMON_TAG articles carry says little about any two of them: it is
    not counted, and its articles come after those sharing rarer tags, in listing order.
    This keeps the work per article small however large the site.
    """
    order = {a.source: article_sort_key(a) for a in articles}
    by_tag: dict[str, list[str]] = defaultdict(list)
    by_group: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        for tag in dict.fromkeys(article.tags):
            by_tag[tag].append(article.source)
        by_group[article.section or article.category].append(article.source)
    for members in (*by_tag.values(), *by_group.values()):
        members.sort(key=order.__getitem__)
    wanted = RELATED_LIMIT * 2
    result: dict[str, tuple[str, ...]] = {}
    for article in articles:
        if only is not None and article.source not in only:
            continue
        if explicit.get(article.source):
            result[article.source] = explicit[article.source][:RELATED_LIMIT]
            continue
        tags = list(dict.fromkeys(article.tags))
        shared: dict[str, int] = defaultdict(int)
        for tag in tags:
            if len(by_tag[tag]) <= COMMON_TAG:
                for other in by_tag[tag]:
                    shared[other] += 1
        shared.pop(article.source, None)
        ranked = sorted(shared, key=lambda s: (-shared[s], order[s]))[:wanted]
        seen = set(ranked) | {article.source}
        common = [by_tag[t] for t in tags if len(by_tag[t]) > COMMON_TAG]
        for source in heapq.merge(*common, key=order.__getitem__) if common else ():
            if len(ranked) >= wanted:
                break
            if source not in seen:
                seen.add(source)
                ranked.append(source)
        for other in by_group[article.section or article.category]:
            if len(ranked) >= wanted:
                break
            if other not in seen:
                seen.add(other)
                ranked.append(other)
        result[article.source] = tuple(ranked[:RELATED_LIMIT])
    return result
