"""The contexts of the System Status pages, their history feeds and the badge (only built when
the site has a status report)."""

from __future__ import annotations

from ...status.view import StatusView
from .shared import PageBuilder


def _view(b: PageBuilder) -> StatusView:
    assert b.status is not None  # page_list lists status pages only for a site with a report
    return b.status


def status(b: PageBuilder) -> dict:
    """/status/: overall status, components with uptime bars, open incidents, maintenance."""
    view = _view(b)
    name = view.report.file.page.name
    context = b.common(name, "/status/", f"{view.report.description}: the current status of {b.site.config.title}.")
    context["breadcrumbs"] = b.crumbs(None)
    context["status"] = view.status_page()
    return context


def history(b: PageBuilder) -> dict:
    """/status/history/: past incidents and maintenance by month and day."""
    view = _view(b)
    context = b.common("Incident history", "/status/history/", f"Past incidents and maintenance of {b.site.config.title}.")
    context["breadcrumbs"] = [*b.crumbs(None), {"title": "System status", "url": "/status/"}]
    context["status"] = view.history()
    return context


def incident(b: PageBuilder, key: str) -> dict:
    """One incident's or maintenance's page: its timeline, components and workaround articles."""
    found = _view(b).incident(key)
    item = found["incident"]
    context = b.common(item["title"], item["url"], f"{item['status_label']}: {item['title']}.")
    context["breadcrumbs"] = [*b.crumbs(None), {"title": "System status", "url": "/status/"},
                              {"title": "History", "url": "/status/history/"}]
    context["status"] = found
    return context


def feed(b: PageBuilder) -> dict:
    """The history feeds' context (Atom and RSS): links are absolute when base_url is."""
    return {"feed": _view(b).feed(b.absolute)}


def badge(b: PageBuilder) -> dict:
    """/status/badge.svg: the overall status as a small image."""
    return {"badge": _view(b).badge()}
