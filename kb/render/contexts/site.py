"""The contexts of the site's own pages: tags, search, contact, 404."""

from __future__ import annotations

from ..urls import tag_url
from .shared import PageBuilder


def tag_index(b: PageBuilder) -> dict:
    """Every tag with its count."""
    context = b.common("Tags", "/tags/", "Browse articles by tag.")
    context["breadcrumbs"] = [{"title": "Home", "url": "/"}]
    context["tags"] = [
        {"name": b.tag_label[k], "url": tag_url(k), "count": len(b.tags[k])} for k in b.tag_keys()
    ]
    return context


def tag(b: PageBuilder, key: str) -> dict:
    """A tag page: every article carrying the tag."""
    label = b.tag_label[key]
    context = b.common(f"Articles tagged “{label}”", tag_url(label), f"Articles tagged {label}.")
    context["tag"] = label
    context["breadcrumbs"] = [{"title": "Home", "url": "/"}, {"title": "Tags", "url": "/tags/"}]
    context["articles"] = [b.item(a) for a in b.tags[key]]
    return context


def search(b: PageBuilder) -> dict:
    """The search page: the form, and the category and tag filters the index knows."""
    context = b.common("Search", "/search/", f"Search the {b.site.config.title}.")
    context["breadcrumbs"] = [{"title": "Home", "url": "/"}]
    context["filters"] = {
        "categories": [c.title for c in b.top if b.articles_under(c)],
        "tags": [b.tag_label[k] for k in b.tag_keys()],
    }
    return context


def contact(b: PageBuilder) -> dict:
    """The contact page: a subject that suggests answers as it is typed, and where the form goes."""
    contact = b.site.config.contact
    context = b.common("Contact us", "/contact/", "Ask the support team a question.")
    context["breadcrumbs"] = [{"title": "Home", "url": "/"}]
    method, action = ("post", contact.form) if contact.form else ("get", f"mailto:{contact.email}") if contact.email else ("", "")
    context["form"] = {"method": method, "action": action, "posts": bool(contact.form)}
    return context


def not_found(b: PageBuilder) -> dict:
    """The 404 page."""
    return b.common("Page not found", "/404.html", "The page you asked for does not exist.")
