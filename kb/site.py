"""Cross-file rules and the assembled Site: URLs, ids, related articles, ordering."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from collections import defaultdict

from .errors import Diagnostic, error, join_display, warning
from .model import Article, Category, Site, SiteConfig

RELATED_LIMIT = 5
_LEADING = re.compile(r"^[\W_]+")
RESERVED_PATHS = ("/tags/", "/assets/", "/404.html", "/search/", "/status/", "/api/", "/contact/")


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
    display: str,
    drafts: bool = False,
) -> tuple[Site, tuple[Diagnostic, ...]]:
    """Check the rules that span files and return the Site, ordered for listing."""
    def shown(rel: str) -> str:
        return join_display(display, rel)

    kept = tuple(a for a in articles if drafts or not a.draft)
    diagnostics: list[Diagnostic] = []
    owners: dict[str, str] = {}
    for category in categories:
        where = shown(category.key or ".")
        if category.url in owners:
            diagnostics.append(error(where, 1, 1, f"folders '{owners[category.url]}' and '{category.key}' share the URL {category.url}"))
        owners[category.url] = category.key
    for article in kept:
        if article.url in owners:
            other = owners[article.url]
            diagnostics.append(error(shown(article.source), article.lines.get("slug", 1), 1, f"'{article.source}' and '{other}' share the URL {article.url}"))
        elif article.url.startswith(RESERVED_PATHS) or article.url == "/":
            diagnostics.append(error(shown(article.source), article.lines.get("slug", 1), 1, f"URL {article.url} is reserved for kb's own pages"))
        owners[article.url] = article.source
    ids: dict[str, str] = {}
    for article in kept:
        if article.id:
            if article.id in ids:
                diagnostics.append(error(shown(article.source), article.lines.get("id", 1), 1, f"id '{article.id}' is also used by '{ids[article.id]}'"))
            ids.setdefault(article.id, article.source)
    by_source = {a.source: a for a in kept}
    related: dict[str, tuple[str, ...]] = {}
    for article in kept:
        explicit = []
        for ref in article.related:
            target = _resolve(ref, article.source, by_source, ids)
            if target is None:
                line = article.lines.get("related", 1)
                diagnostics.append(warning(shown(article.source), line, 1, f"related article not found: '{ref}'", "related article not found"))
            elif target != article.source:
                explicit.append(target)
        related[article.source] = tuple(dict.fromkeys(explicit))
    related = _infer_related(kept, related)
    ordered_categories = tuple(sorted(categories, key=category_sort_key))
    site = Site(
        config=config,
        categories=ordered_categories,
        articles=tuple(sorted(kept, key=article_sort_key)),
        assets=assets,
        today=now.date(),
        generated=now,
        related=related,
    )
    return site, tuple(diagnostics)


def _resolve(ref: str, source: str, by_source: dict[str, Article], ids: dict[str, str]) -> str | None:
    if ref in ids:
        return ids[ref]
    ref = ref.replace("\\", "/")
    for candidate in (posixpath.normpath(posixpath.join(posixpath.dirname(source), ref)), ref.lstrip("/")):
        if candidate in by_source:
            return candidate
    return None


def _infer_related(articles: tuple[Article, ...], explicit: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Explicit `related` wins; else articles sharing the most tags, then the same section."""
    by_tag: dict[str, list[Article]] = defaultdict(list)
    by_group: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for tag in article.tags:
            by_tag[tag].append(article)
        by_group[article.section or article.category].append(article)
    for group in by_group.values():
        group.sort(key=article_sort_key)
    result: dict[str, tuple[str, ...]] = {}
    for article in articles:
        if explicit.get(article.source):
            result[article.source] = explicit[article.source][:RELATED_LIMIT]
            continue
        shared: dict[str, int] = defaultdict(int)
        titles: dict[str, Article] = {}
        for tag in article.tags:
            for other in by_tag[tag]:
                if other.source != article.source:
                    shared[other.source] += 1
                    titles[other.source] = other
        ranked = sorted(shared, key=lambda s: (-shared[s], article_sort_key(titles[s])))
        for other in by_group[article.section or article.category]:
            if len(ranked) >= RELATED_LIMIT * 2:
                break
            if other.source != article.source and other.source not in shared:
                ranked.append(other.source)
        result[article.source] = tuple(ranked[:RELATED_LIMIT])
    return result
