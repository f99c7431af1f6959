"""`status.yaml` → StatusFile: components, incidents and maintenances, validated with positions."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Diagnostic, error, join_display
from .model import (
    COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, Component, ComponentGroup,
    Incident, Site, StatusFile, StatusPage, StatusUpdate,
)
from .schema import Reader, suggest
from .textio import read_text
from .yamlpos import YamlDoc, YamlProblem, load_yaml

STATUS_FILE = "status.yaml"
TOP_KEYS = ("page", "groups", "incidents", "maintenance")
PAGE_KEYS = ("name", "url", "time_zone")
GROUP_KEYS = ("key", "name", "description", "category", "components")
COMPONENT_KEYS = ("key", "name", "description", "status", "since")
INCIDENT_KEYS = ("key", "title", "impact", "started", "components", "articles", "updates")
MAINTENANCE_KEYS = ("key", "title", "start", "end", "announced", "description", "components", "articles", "updates")
UPDATE_KEYS = ("at", "status", "body", "components")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def stable_id(*parts: str) -> str:
    """12 lowercase letters and digits derived from `parts`: the same input gives the same id in every build."""
    number = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:10], "big")
    chars = []
    for _ in range(12):
        number, digit = divmod(number, 36)
        chars.append(_ID_ALPHABET[digit])
    return "".join(chars)


@dataclass(frozen=True)
class StatusLinks:
    """What status.yaml may link to: articles and categories, each by every name a writer may use."""

    page_name: str = "Status"
    page_url: str = ""
    articles: dict[str, str] = field(default_factory=dict)  # id, source or URL -> article source
    categories: dict[str, str] = field(default_factory=dict)  # key, slug or URL -> category key

    def article(self, ref: str) -> str | None:
        """The source of the article `ref` names, or None."""
        return _lookup(self.articles, ref)

    def category(self, ref: str) -> str | None:
        """The key of the category `ref` names, or None."""
        return _lookup(self.categories, ref)


def status_links(site: Site) -> StatusLinks:
    """The articles and categories of `site`, under every name status.yaml may use for them."""
    articles: dict[str, str] = {}
    for article in site.articles:
        articles[article.source] = article.source
        articles[article.url] = article.source
        if article.id:
            articles[article.id] = article.source
    categories: dict[str, str] = {}
    for category in site.categories:
        categories.setdefault(category.slug, category.key)
        categories[category.url] = category.key
        categories[category.key] = category.key
    base = site.config.base_url
    url = base.rstrip("/") + "/status/" if base.startswith(("http://", "https://")) else ""
    return StatusLinks(f"{site.config.title} Status", url, articles, categories)


def _lookup(table: dict[str, str], ref: str) -> str | None:
    ref = ref.strip().replace("\\", "/")
    for candidate in (ref, ref.lstrip("/"), "/" + ref.strip("/") + "/"):
        if candidate in table:
            return table[candidate]
    return None


def load_status(root: Path, display: str, links: StatusLinks) -> tuple[StatusFile | None, tuple[Diagnostic, ...]]:
    """Read `status.yaml` under `root`; None (and no problem) when there is none."""
    path = root / STATUS_FILE
    if not os.path.lexists(path):  # anything else there is read, or said why it cannot be
        return None, ()
    shown = join_display(display, STATUS_FILE)
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
    page = StatusPage(name=name, url=page_url, time_zone=tz_name, id=stable_id("page", name))
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
            found = _incident(r, where, kind, known, zone, links)
            if found is None:
                continue
            if found.key in owners:
                r.at(where + ("key",), f"duplicate key '{found.key}' (also used on line {doc.value_pos(*owners[found.key])[0]})")
                continue
            owners[found.key] = where + ("key",)
            incidents.append(found)
    return StatusFile(page, groups, components, tuple(incidents)), tuple(r.diagnostics)


def _key(r: Reader, where: tuple, what: str) -> str | None:
    key = r.string(*where, "key", required=True)
    if key is not None and not _KEY.match(key):
        r.at(where + ("key",), f"{what} key '{key}' may hold only letters, digits, '.', '-' and '_'")
        return None
    return key


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
            status = _choice(r, spot + ("status",), COMPONENT_STATUSES, "component status") or "operational"
            item = _named(r, spot, "component", COMPONENT_KEYS, seen)
            if item is None:
                continue
            ckey, cname = item
            members.append(Component(
                key=ckey, id=stable_id("component", ckey), name=cname, group=key, status=status,
                position=position, description=r.string(*spot, "description", default="") or "",
                since=r.date(*spot, "since"),
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


def _named(r: Reader, where: tuple, what: str, fields: tuple[str, ...], seen: dict[str, int]) -> tuple[str, str] | None:
    """The key and name of a group or component; None (with an error) when either is missing or the key is taken."""
    if not isinstance(r.raw(*where), dict):
        r.at(where, f"each {what} needs a key and a name")
        return None
    r.unknown_keys(where, fields, what="status field")
    key = _key(r, where, what)
    name = r.string(*where, "name", required=True)
    if key is None or name is None:
        return None
    if key in seen:
        r.at(where + ("key",), f"duplicate key '{key}' (also used on line {seen[key]})")
        return None
    seen[key] = r.doc.value_pos(*where, "key")[0]
    return key, name


def _incident(r: Reader, where: tuple, kind: str, known: dict, zone: dt.tzinfo, links: StatusLinks) -> Incident | None:
    maintenance = kind == "maintenance"
    r.unknown_keys(where, MAINTENANCE_KEYS if maintenance else INCIDENT_KEYS, what="status field")
    key = _key(r, where, kind)
    title = r.string(*where, "title", required=True)
    impact = _choice(r, where + ("impact",), IMPACTS, "impact") if not maintenance else None
    components = _affected(r, where + ("components",), known, maintenance)
    statuses = MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES
    updates = _updates(r, where, key or "", statuses, known, zone)
    window = None
    started = None
    if maintenance:
        start = _datetime(r, where + ("start",), zone, required=True)
        end = _datetime(r, where + ("end",), zone, required=True)
        if start and end and end <= start:
            r.at(where + ("end",), f"maintenance ends ({_show(end)}) before it starts ({_show(start)})")
        elif start and end:
            window = (start, end)
        announced = _datetime(r, where + ("announced",), zone) or start
        description = r.string(*where, "description", default="") or ""
        if announced and key and not any(u.status == "scheduled" for u in updates):
            updates.insert(0, StatusUpdate(stable_id("update", key, "scheduled"), announced, "scheduled",
                                           description or "Maintenance is scheduled."))
        if announced and start and announced > start:
            r.at(where + ("announced",), f"maintenance is announced ({_show(announced)}) after it starts ({_show(start)})")
    else:
        started = _datetime(r, where + ("started",), zone)
        if r.raw(*where, "updates") is None and key is not None:
            r.at(where + ("key",), f"incident '{key}' needs updates: at least one with at, status and body", value=False)
        if started is not None:
            for number, update in enumerate(updates):
                if update.at < started:
                    spot = where + ("updates", number, "at")
                    what = "resolved" if update.status == "resolved" else f"update '{update.status}'"
                    r.at(spot, f"{what} at {_show(update.at)} is before the incident started ({_show(started)})")
    articles = []
    for index, ref in enumerate(r.strings(*where, "articles")):
        source = links.article(ref)
        if source is None:
            spot = where + ("articles", index) if isinstance(r.raw(*where, "articles"), list) else where + ("articles",)
            r.at(spot, f"{kind} '{key}' links to an article that does not exist: '{ref}'")
        elif source not in articles:
            articles.append(source)
    if key is None or title is None:
        return None
    if maintenance and window is None:
        return None
    if not maintenance and not updates:
        return None
    line = r.doc.key_pos(*where, "key")[0]
    return Incident(
        key=key, id=stable_id(kind, key), kind=kind, title=title, components=components,
        updates=tuple(updates), impact=impact, started=started, window=window, articles=tuple(articles), line=line,
    )


def _affected(r: Reader, where: tuple, known: dict, maintenance: bool) -> tuple[tuple[str, str], ...]:
    raw = r.raw(*where)
    if raw is None:
        return ()
    if maintenance and isinstance(raw, list):
        pairs = [(index, item, "under_maintenance") for index, item in enumerate(raw)]
    elif isinstance(raw, dict):
        pairs = [(key, key, value) for key, value in raw.items()]
    else:
        example = "[search, email]" if maintenance else "{email: partial_outage}"
        r.at(where, f"'components' must map component keys to their status, e.g. {example}")
        return ()
    found: list[tuple[str, str]] = []
    for step, key, status in pairs:
        spot = where + (step,)
        if not isinstance(key, str) or key not in known:
            hint = suggest(str(key), tuple(known))
            r.at(spot, f"unknown component '{key}'{hint}", value=isinstance(step, int))
            continue
        if status not in COMPONENT_STATUSES:
            r.at(spot, _bad_choice("component status", status, COMPONENT_STATUSES))
            continue
        found.append((key, status))
    return tuple(found)


def _updates(r: Reader, where: tuple, key: str, statuses: tuple[str, ...], known: dict, zone: dt.tzinfo) -> list[StatusUpdate]:
    raw = r.raw(*where, "updates")
    if raw is None:
        return []
    if not isinstance(raw, list):
        r.at(where + ("updates",), "'updates' must be a list of {at, status, body}")
        return []
    updates: list[StatusUpdate] = []
    previous: dt.datetime | None = None
    for index, item in enumerate(raw):
        spot = where + ("updates", index)
        if not isinstance(item, dict):
            r.at(spot, "each update needs at, status and body")
            continue
        r.unknown_keys(spot, UPDATE_KEYS, what="status field")
        at = _datetime(r, spot + ("at",), zone, required=True)
        status = _choice(r, spot + ("status",), statuses, "update status", required=True)
        body = r.string(*spot, "body", default="") or ""
        changes = _affected(r, spot + ("components",), known, maintenance=False)
        if at is None or status is None:
            continue
        if previous is not None and at < previous:
            r.at(spot + ("at",), f"update at {_show(at)} is earlier than the update before it ({_show(previous)}); list updates oldest first")
        previous = at
        line = r.doc.value_pos(*spot, "body")[0] + (1 if "\n" in body else 0)  # a block scalar starts below its key
        updates.append(StatusUpdate(stable_id("update", key, at.isoformat()), at, status, body, changes, line=line))
    return updates


def _choice(r: Reader, keypath: tuple, allowed: tuple[str, ...], what: str, required: bool = False) -> str | None:
    value = r.string(*keypath, required=required)
    if value is None:
        return None
    if value not in allowed:
        r.at(keypath, _bad_choice(what, value, allowed))
        return None
    return value


def _bad_choice(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    hint = suggest(str(value), allowed)
    return f"unknown {what} '{value}'{hint}; use one of {', '.join(allowed)}"


def _datetime(r: Reader, keypath: tuple, zone: dt.tzinfo, required: bool = False) -> dt.datetime | None:
    value = r.raw(*keypath)
    if value is None or value == "":
        if required:
            r.string(*keypath, required=True)
        return None
    parsed = parse_datetime(value, zone)
    if parsed is None:
        r.at(keypath, f"'{keypath[-1]}' is not a date and time: '{value}' (use YYYY-MM-DD HH:MM, with a UTC offset if not in the page's time zone)")
    return parsed


def parse_datetime(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """A YAML timestamp, date or ISO 8601 string as an aware datetime; times without an offset are in `zone`."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _show(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
