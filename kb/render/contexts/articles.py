"""The contexts of the reading pages: home, topic and section pages, articles."""

from __future__ import annotations

from urllib.parse import quote

from ...model import Article, Category
from ..seo import article_data, breadcrumb_data, faq_data, json_ld
from ..urls import tag_url
from .shared import PageBuilder


def home(b: PageBuilder) -> dict:
    """The home page: tagline, notice, featured articles, a card per category."""
    context = b.common(b.site.config.title, b.home, b.site.config.tagline, versions=b.versions("own", "/"))
    context["featured"] = [b.item(a) for a in b.site.articles if a.featured]
    context["cards"] = [b.card(c) for c in b.top if b.articles_under(c)]
    return context


def category(b: PageBuilder, category: Category) -> dict:
    """A category or section page: its sections, then every article with an excerpt."""
    description = category.description or b._("Articles about %(topic)s.") % {"topic": category.title}
    context = b.common(category.title, category.url, description, versions=b.versions("category", category.key))
    context["category"] = {"title": category.title, "description": category.description, "url": category.url,
                           "internal": category.internal}
    context["breadcrumbs"] = b.crumbs(category.parent) if category.parent else b.crumbs(None)
    trail = [(c["title"], b.absolute(c["url"])) for c in context["breadcrumbs"]]
    context["page"]["jsonld"] = [json_ld(breadcrumb_data([*trail, (category.title, b.absolute(category.url))]))]
    context["articles"] = [b.item(a) for a in b.in_group.get(category.key, [])]
    context["sections"] = [
        {"title": s.title, "url": s.url, "description": s.description,
         "articles": [b.item(a) for a in b.in_group.get(s.key, [])]}
        for s in b.children.get(category.key, [])
    ]
    return context


def article(b: PageBuilder, article: Article) -> dict:
    """An article page: breadcrumbs, body, table of contents, tags, related articles."""
    rendered = b.rendered[article.source]
    config = b.site.config
    context = b.common(article.title, article.url, rendered.excerpt, kind="article",
                       versions=b.versions("article", article.source))
    minimum = config.markdown.toc_min_headings
    context["breadcrumbs"] = b.crumbs(article.section or article.category)
    context["article"] = {
        "title": article.title,
        "category": b.categories[article.category].title,
        "section": b.categories[article.section].title if article.section else "",
        "url": article.url,
        "body": rendered.html,
        "date": article.date,
        "updated": article.updated or article.date,
        "draft": article.draft,
        "internal": article.internal,
        "toc": [e for e in rendered.toc] if minimum and len(rendered.toc) >= minimum else [],
        "tags": [{"name": t, "url": b.local(tag_url(t))} for t in article.tags],
        "related": [b.item(b.by_source[s]) for s in b.site.related.get(article.source, ()) if s in b.by_source],
        "known_issues": b.known_issues.get(article.source, []),
        "edit_url": config.edit_url.replace("{path}", quote(article.source)) if config.edit_url else "",
        "outdated": b.outdated(article),
    }
    url = b.absolute(article.url)
    trail = [(c["title"], b.absolute(c["url"])) for c in context["breadcrumbs"]]
    structured = [
        article_data(article.title, rendered.excerpt, url, config.language, config.title, article.date,
                     article.updated),
        breadcrumb_data([*trail, (article.title, url)]),
    ]
    faq = faq_data(rendered.html) if article.faq else None
    context["page"]["jsonld"] = [json_ld(d) for d in (*structured, *([faq] if faq else []))]
    return context
