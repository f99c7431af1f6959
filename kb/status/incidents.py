"""Incidents and maintenance of status.yaml: each entry read and checked, with positions."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from ..content.schema import Reader, suggest
from .model import COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES, MAINTENANCE_STATUSES, Incident, StatusUpdate, stable_id
from .times import RANGE, in_range, parse_datetime, show

if TYPE_CHECKING:
    from .parse import StatusLinks

INCIDENT_KEYS = ("key", "title", "impact", "started", "components", "articles", "updates")
MAINTENANCE_KEYS = ("key", "title", "start", "end", "announced", "description", "components", "articles", "updates")
UPDATE_KEYS = ("at", "status", "body", "components")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def read_key(r: Reader, where: tuple, what: str) -> str | None:
    """The `key` of a group, component, incident or maintenance: letters, digits, '.', '-' and '_'."""
    key = r.string(*where, "key", required=True)
    if key is not None and not _KEY.match(key):
        r.at(where + ("key",), f"{what} key '{key}' may hold only letters, digits, '.', '-' and '_'")
        return None
    return key


def read_incident(r: Reader, where: tuple, kind: str, known: dict, zone: dt.tzinfo, links: StatusLinks) -> Incident | None:
    """One incident or maintenance; None (with errors recorded) when it cannot be shown."""
    maintenance = kind == "maintenance"
    r.unknown_keys(where, MAINTENANCE_KEYS if maintenance else INCIDENT_KEYS, what="status field")
    key = read_key(r, where, kind)
    title = r.string(*where, "title", required=True)
    impact = choice(r, where + ("impact",), IMPACTS, "impact") if not maintenance else None
    components = _affected(r, where + ("components",), known, maintenance)
    statuses = MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES
    updates = _updates(r, where, key or "", statuses, known, zone)
    window = None
    started = None
    if maintenance:
        start = _datetime(r, where + ("start",), zone, required=True)
        end = _datetime(r, where + ("end",), zone, required=True)
        if start and end and end <= start:
            r.at(where + ("end",), f"maintenance ends ({show(end)}) before it starts ({show(start)})")
        elif start and end:
            window = (start, end)
        announced = _datetime(r, where + ("announced",), zone) or start
        description = r.string(*where, "description", default="") or ""
        if announced and key and not any(u.status == "scheduled" for u in updates):
            updates.insert(0, StatusUpdate(stable_id("update", key, "scheduled"), announced, "scheduled",
                                           description or "Maintenance is scheduled."))
        if announced and start and announced > start:
            r.at(where + ("announced",), f"maintenance is announced ({show(announced)}) after it starts ({show(start)})")
    else:
        started = _datetime(r, where + ("started",), zone)
        if r.raw(*where, "updates") is None and key is not None:
            r.at(where + ("key",), f"incident '{key}' needs updates: at least one with at, status and body", value=False)
        if started is not None:
            for number, update in enumerate(updates):
                if update.at < started:
                    spot = where + ("updates", number, "at")
                    what = "resolved" if update.status == "resolved" else f"update '{update.status}'"
                    r.at(spot, f"{what} at {show(update.at)} is before the incident started ({show(started)})")
    articles = []
    for index, ref in enumerate(r.strings(*where, "articles")):
        source = links.article(ref)
        spot = where + ("articles", index) if isinstance(r.raw(*where, "articles"), list) else where + ("articles",)
        if source is None and links.internal_article(ref) is not None:
            r.at(spot, f"{kind} '{key}' names internal article '{links.internal_article(ref)}'; the status page is public")
        elif source is None:
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
            r.at(spot, bad_choice("component status", status, COMPONENT_STATUSES))
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
        status = choice(r, spot + ("status",), statuses, "update status", required=True)
        body = r.string(*spot, "body", default="") or ""
        changes = _affected(r, spot + ("components",), known, maintenance=False)
        if at is None or status is None:
            continue
        if previous is not None and at < previous:
            r.at(spot + ("at",), f"update at {show(at)} is earlier than the update before it ({show(previous)}); list updates oldest first")
        previous = at
        line = r.doc.value_pos(*spot, "body")[0] + (1 if "\n" in body else 0)  # a block scalar starts below its key
        updates.append(StatusUpdate(stable_id("update", key, at.isoformat()), at, status, body, changes, line=line))
    return updates


def choice(r: Reader, keypath: tuple, allowed: tuple[str, ...], what: str, required: bool = False) -> str | None:
    """A string that must be one of `allowed` (an error with a suggestion otherwise)."""
    value = r.string(*keypath, required=required)
    if value is None:
        return None
    if value not in allowed:
        r.at(keypath, bad_choice(what, value, allowed))
        return None
    return value


def bad_choice(what: str, value: Any, allowed: tuple[str, ...]) -> str:
    """The message for a value that is not one of `allowed`."""
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
    elif not in_range(parsed):
        r.at(keypath, f"'{keypath[-1]}' is out of range: '{value}' (use a time {RANGE})")
        return None
    return parsed
