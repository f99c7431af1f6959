"""The contexts of the files machines read: the article feed, the sitemap (and robots.txt), and
the pages that redirect an article's old paths."""

from __future__ import annotations

import datetime as dt
import uuid
from urllib.parse import quote

from ..urls import site_url
from .shared import PageBuilder

FEED_ARTICLES = 50


def feed(b: PageBuilder) -> dict:
    """/feed.xml: the newest and most recently updated articles (drafts never)."""
    site = b.site
    config = site.config
    newest = sorted((a for a in site.articles if not a.draft),
                    key=lambda a: (a.updated or a.date or dt.date.min, a.url), reverse=True)[:FEED_ARTICLES]
    entries = []
    for article in newest:
        changed = article.updated or article.date or site.today
        entries.append({
            "title": article.title, "link": b.absolute(article.url),
            "id": uuid.uuid5(uuid.NAMESPACE_URL, "kb-article:" + article.source).urn,
            "updated": f"{changed.isoformat()}T00:00:00Z",
            "published": f"{(article.date or changed).isoformat()}T00:00:00Z",
            "summary": b.rendered[article.source].excerpt,
            "category": b.categories[article.category].title,
        })
    updated = entries[0]["updated"] if entries else f"{site.today.isoformat()}T00:00:00Z"
    return {"feed": {
        "title": f"{config.title}: new and updated articles", "link": b.absolute("/"),
        "self": b.absolute("/feed.xml"), "updated": updated, "entries": entries,
        "id": uuid.uuid5(uuid.NAMESPACE_URL, "kb-feed:" + (config.base_url or config.title)).urn,
    }}


def sitemap(b: PageBuilder) -> dict:
    """Every listed URL with its last change, for sitemap.xml (and robots.txt, which names it)."""
    site = b.site
    base = site.config.base_url.rstrip("/")
    newest = [a.updated or a.date for a in site.articles if not a.draft and (a.updated or a.date)]
    entries = [{"loc": base + "/", "lastmod": max(newest, default=None)}]
    for category in site.categories:
        dates = [a.updated or a.date for a in b.articles_under(category) if not a.draft and (a.updated or a.date)]
        entries.append({"loc": base + quote(category.url), "lastmod": max(dates, default=None)})
    entries += [
        {"loc": base + quote(a.url), "lastmod": a.updated or a.date}
        for a in sorted(site.articles, key=lambda a: a.url) if not a.draft
    ]
    return {"entries": entries, "base_url": site.config.base_url}


def redirect(b: PageBuilder, old: str) -> dict:
    """The page at an article's old path (an alias) that sends the reader on to the article."""
    config = b.site.config
    target = b.site.redirects[old]
    return {
        "language": config.language, "title": b.by_url[target].title,
        "target": site_url(target, config.url_prefix), "canonical": b.absolute(target),
    }
