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
    newest = sorted((a for a in site.articles if not a.draft and a.lang == b.lang),
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
    name = (config.base_url or config.title) + (b.home if b.lang else "")  # the default language's as it ever was
    return {"lang": config.language, "feed": {
        "title": b._("%(title)s: new and updated articles") % {"title": config.title}, "link": b.absolute(b.home),
        "self": b.absolute(b.local("/feed.xml")), "updated": updated, "entries": entries, "language": config.language,
        "id": uuid.uuid5(uuid.NAMESPACE_URL, "kb-feed:" + name).urn,
    }}


def sitemap(b: PageBuilder) -> dict:
    """Every listed URL with its last change and its other languages' versions, for sitemap.xml
    (and robots.txt, which names it)."""
    base = b.site.config.base_url.rstrip("/")
    entries = []
    for code, site in b.editions.items():
        pages = b if site is b.site else PageBuilder(site, b.rendered, b.editions, b._)
        own = [a for a in site.articles if not a.draft and a.lang == pages.lang]
        newest = [a.updated or a.date for a in site.articles if not a.draft and (a.updated or a.date)]
        entries.append({"loc": base + quote(pages.home), "lastmod": max(newest, default=None),
                        "alternates": pages.languages(b.versions("own", "/"))[1]})
        for category in site.categories:
            dates = [a.updated or a.date for a in pages.articles_under(category) if not a.draft and (a.updated or a.date)]
            entries.append({"loc": base + quote(category.url), "lastmod": max(dates, default=None),
                            "alternates": pages.languages(b.versions("category", category.key))[1]})
        entries += [
            {"loc": base + quote(a.url), "lastmod": a.updated or a.date,
             "alternates": pages.languages(b.versions("article", a.source))[1]}
            for a in sorted(own, key=lambda a: a.url)
        ]
    return {"lang": b.site.config.language, "entries": entries, "base_url": b.site.config.base_url,
            "audience": b.site.config.audience}


def redirect(b: PageBuilder, old: str) -> dict:
    """The page at an article's old path (an alias) that sends the reader on to the article."""
    config = b.site.config
    target = b.site.redirects[old]
    article = b.all_by_url[target]
    return {
        "lang": article.lang or config.default_language, "language": article.lang or config.default_language,
        "title": article.title,
        "target": site_url(target, config.url_prefix), "canonical": b.absolute(target),
    }
