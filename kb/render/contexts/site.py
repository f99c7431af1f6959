"""The contexts of the site's own pages: tags, search, contact, 404."""

from __future__ import annotations

from ..urls import tag_url
from .shared import PageBuilder


def tag_index(b: PageBuilder) -> dict:
    """Every tag with its count."""
    context = b.common(b._("Tags"), b.local("/tags/"), b._("Browse articles by tag."), versions=b.versions("own", "/tags/"))
    context["breadcrumbs"] = b.crumbs(None)
    context["tags"] = [
        {"name": b.tag_label[k], "url": b.local(tag_url(k)), "count": len(b.tags[k])} for k in b.tag_keys()
    ]
    return context


def tag(b: PageBuilder, key: str) -> dict:
    """A tag page: every article carrying the tag."""
    label = b.tag_label[key]
    context = b.common(b._("Articles tagged “%(tag)s”") % {"tag": label}, b.local(tag_url(label)),
                       b._("Articles tagged %(tag)s.") % {"tag": label})
    context["tag"] = label
    context["breadcrumbs"] = [*b.crumbs(None), {"title": b._("Tags"), "url": b.local("/tags/")}]
    context["articles"] = [b.item(a) for a in b.tags[key]]
    return context


def search(b: PageBuilder) -> dict:
    """The search page: the form, and the category and tag filters the index knows."""
    context = b.common(b._("Search"), b.local("/search/"), b._("Search the %(title)s.") % {"title": b.site.config.title},
                       versions=b.versions("own", "/search/"))
    context["breadcrumbs"] = b.crumbs(None)
    context["filters"] = {
        "categories": [c.title for c in b.top if b.articles_under(c)],
        "tags": [b.tag_label[k] for k in b.tag_keys()],
    }
    return context


def contact(b: PageBuilder) -> dict:
    """The contact page: a subject that suggests answers as it is typed, and where the form goes."""
    contact = b.site.config.contact
    context = b.common(b._("Contact us"), b.local("/contact/"), b._("Ask the support team a question."),
                       versions=b.versions("own", "/contact/"))
    context["breadcrumbs"] = b.crumbs(None)
    method, action = ("post", contact.form) if contact.form else ("get", f"mailto:{contact.email}") if contact.email else ("", "")
    context["form"] = {"method": method, "action": action, "posts": bool(contact.form)}
    return context


def not_found(b: PageBuilder) -> dict:
    """The 404 page."""
    return b.common(b._("Page not found"), b.local("/404.html"), b._("The page you asked for does not exist."))
