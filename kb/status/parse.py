"""`status.yaml` → StatusFile: components, incidents and maintenances, validated with positions."""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, error
from ..model import Article, Site
from ..content.schema import Reader
from ..content.textio import read_text
from ..content.yamlpos import YamlDoc, YamlProblem, load_yaml
from ..render.urls import is_absolute_base
from .incidents import choice, read_incident, read_key
from .model import COMPONENT_STATUSES, Component, ComponentGroup, Incident, StatusFile, StatusPage, stable_id
from .times import EARLIEST, LATEST, RANGE, parse_datetime

STATUS_FILE = "status.yaml"
TOP_KEYS = ("page", "groups", "incidents", "maintenance")
PAGE_KEYS = ("name", "url", "time_zone")
GROUP_KEYS = ("key", "name", "description", "category", "components")
COMPONENT_KEYS = ("key", "name", "description", "status", "since")

__all__ = ["STATUS_FILE", "StatusLinks", "load_status", "parse_datetime", "parse_status", "stable_id", "status_links"]


@dataclass(frozen=True)
class StatusLinks:
    """What status.yaml may link to: articles and categories, each by every name a writer may use."""

    page_name: str = "Status"
    page_url: str = ""
    articles: dict[str, str] = field(default_factory=dict)  # id, source or URL -> article source
    categories: dict[str, str] = field(default_factory=dict)  # key, slug or URL -> category key
    internal: dict[str, str] = field(default_factory=dict)  # the internal articles, by the same names

    def internal_article(self, ref: str) -> str | None:
        """The source of the internal article `ref` names, or None."""
        return _lookup(self.internal, ref)

    def article(self, ref: str) -> str | None:
        """The source of the article `ref` names, or None."""
        return _lookup(self.articles, ref)

    def category(self, ref: str) -> str | None:
        """The key of the category `ref` names, or None."""
        return _lookup(self.categories, ref)


def status_links(site: Site, withheld: tuple[Article, ...] = ()) -> StatusLinks:
    """The articles and categories of `site`, under every name status.yaml may use for them; the
    internal ones (of `site` or `withheld` from it) apart, since the status page is public."""
    articles: dict[str, str] = {}
    internal: dict[str, str] = {}
    for article in (*site.articles, *withheld):
        table = internal if article.internal else articles
        table[article.source] = article.source
        table[article.url] = article.source
        if article.id:
            table[article.id] = article.source
    categories: dict[str, str] = {}
    for category in site.categories:
        categories.setdefault(category.slug, category.key)
        categories[category.url] = category.key
        categories[category.key] = category.key
    base = site.config.base_url
    url = base.rstrip("/") + "/status/" if is_absolute_base(base) else ""
    return StatusLinks(f"{site.config.title} Status", url, articles, categories, internal)


def _lookup(table: dict[str, str], ref: str) -> str | None:
    ref = ref.strip().replace("\\", "/")
    for candidate in (ref, ref.lstrip("/"), "/" + ref.strip("/") + "/"):
        if candidate in table:
            return table[candidate]
    return None


def load_status(root: Path, links: StatusLinks) -> tuple[StatusFile | None, tuple[Diagnostic, ...]]:
    """Read `status.yaml` under `root`; None (and no problem) when there is none."""
    path = root / STATUS_FILE
    if not os.path.lexists(path):  # anything else there is read, or said why it cannot be
        return None, ()
    shown = STATUS_FILE
    text, problem = read_text(path, shown)
    if problem is not None:
        return None, (problem,)
    try:
        doc = load_yaml(text)
    except YamlProblem as exc:
        return None, (error(shown, exc.line, exc.col, exc.message),)
    if doc.data is None:
        doc = YamlDoc({}, {}, {})
    if not isinstance(doc.data, dict):
        return None, (error(shown, 1, 1, "status.yaml must be a mapping with page, groups, incidents and maintenance"),)
    return parse_status(doc, shown, links)


def parse_status(doc: YamlDoc, shown: str, links: StatusLinks) -> tuple[StatusFile, tuple[Diagnostic, ...]]:
    """Validate a parsed status.yaml; every problem becomes a positioned diagnostic."""
    r = Reader(doc, shown)
    for keypath, line, col in doc.duplicates:
        r.diagnostics.append(error(shown, line, col, f"duplicate key '{keypath[-1]}'"))
    r.unknown_keys((), TOP_KEYS, what="status field")
    r.unknown_keys(("page",), PAGE_KEYS, what="status field")
    r.mapping("page")
    name = r.string("page", "name", default=links.page_name) or links.page_name
    tz_name = r.string("page", "time_zone", default="Etc/UTC") or "Etc/UTC"
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        r.at(("page", "time_zone"), f"unknown time zone '{tz_name}' (use a name such as Etc/UTC or America/Los_Angeles)")
        zone = dt.timezone.utc
    page_url = r.string("page", "url", default=links.page_url) or links.page_url
    page = StatusPage(name=name, url=page_url, time_zone=zone, id=stable_id("page", name))
    groups, components = _groups(r, links)
    known = {c.key: c for c in components}
    incidents: list[Incident] = []
    owners: dict[str, tuple] = {}
    for kind, listing in (("incident", "incidents"), ("maintenance", "maintenance")):
        items = r.raw(listing)
        if items is None:
            continue
        if not isinstance(items, list):
            r.at((listing,), f"'{listing}' must be a list")
            continue
        for index, item in enumerate(items):
            where = (listing, index)
            if not isinstance(item, dict):
                r.at(where, f"each entry of '{listing}' must be a mapping with key, title and updates")
                continue
            found = read_incident(r, where, kind, known, zone, links)
            if found is None:
                continue
            if found.key in owners:
                r.at(where + ("key",), f"duplicate key '{found.key}' (also used on line {doc.value_pos(*owners[found.key])[0]})")
                continue
            owners[found.key] = where + ("key",)
            incidents.append(found)
    return StatusFile(page, groups, components, tuple(incidents)), tuple(r.diagnostics)


def _groups(r: Reader, links: StatusLinks) -> tuple[tuple[ComponentGroup, ...], tuple[Component, ...]]:
    raw = r.raw("groups")
    if raw is None:
        return (), ()
    if not isinstance(raw, list):
        r.at(("groups",), "'groups' must be a list of component groups")
        return (), ()
    groups: list[ComponentGroup] = []
    components: list[Component] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        where = ("groups", index)
        named = _named(r, where, "group", GROUP_KEYS, seen)
        key = named[0] if named else ""
        members: list[Component] = []
        listed = r.raw(*where, "components")
        if not isinstance(listed, list) or not listed:
            r.at(where + ("components",) if listed is not None else where, f"group '{key}' needs a list of components")
            listed = []
        for position, entry in enumerate(listed, start=1):
            spot = where + ("components", position - 1)
            status = choice(r, spot + ("status",), COMPONENT_STATUSES, "component status") or "operational"
            item = _named(r, spot, "component", COMPONENT_KEYS, seen)
            if item is None:
                continue
            ckey, cname = item
            members.append(Component(
                key=ckey, id=stable_id("component", ckey), name=cname, group=key, status=status,
                position=position, description=r.string(*spot, "description", default="") or "",
                since=_since(r, spot + ("since",)),
            ))
        if named is None:
            continue  # its components were still checked
        components.extend(members)
        name = named[1]
        category = r.string(*where, "category")
        if category is not None and links.category(category) is None:
            r.at(where + ("category",), f"group '{key}' links to a category that does not exist: '{category}'")
        groups.append(ComponentGroup(
            key=key, id=stable_id("group", key), name=name, position=len(groups) + 1,
            components=tuple(m.key for m in members), description=r.string(*where, "description", default="") or "",
            category=links.category(category) if category else None,
        ))
    return tuple(groups), tuple(components)


def _since(r: Reader, keypath: tuple) -> dt.date | None:
    since = r.date(*keypath)
    if since is not None and not EARLIEST.date() <= since <= LATEST.date():
        r.at(keypath, f"'since' is out of range: '{since}' (use a date {RANGE})")
        return None
    return since


def _named(r: Reader, where: tuple, what: str, fields: tuple[str, ...], seen: dict[str, int]) -> tuple[str, str] | None:
    """The key and name of a group or component; None (with an error) when either is missing or the key is taken."""
    if not isinstance(r.raw(*where), dict):
        r.at(where, f"each {what} needs a key and a name")
        return None
    r.unknown_keys(where, fields, what="status field")
    key = read_key(r, where, what)
    name = r.string(*where, "name", required=True)
    if key is None or name is None:
        return None
    if key in seen:
        r.at(where + ("key",), f"duplicate key '{key}' (also used on line {seen[key]})")
        return None
    seen[key] = r.doc.value_pos(*where, "key")[0]
    return key, name
