"""The status domain's data: status.yaml as written (StatusFile), then as seen at the build's clock (StatusReport)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

# component statuses, least to most severe
COMPONENT_STATUSES = ("operational", "under_maintenance", "degraded_performance", "partial_outage", "major_outage")
INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved", "postmortem")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
IMPACTS = ("none", "minor", "major", "critical")
CLOSED_STATUSES = ("resolved", "postmortem", "completed")
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
class StatusPage:
    """The `page:` block of status.yaml."""

    name: str
    url: str
    time_zone: dt.tzinfo  # validated once, by the parser: a ZoneInfo (or UTC, with an error reported)
    id: str

    @property
    def time_zone_name(self) -> str:
        """The time zone's name as status.yaml gives it, e.g. Europe/Paris (what the API and templates show)."""
        return getattr(self.time_zone, "key", None) or str(self.time_zone)


@dataclass(frozen=True)
class Component:
    """One component, with the status the operators set on it."""

    key: str
    id: str
    name: str
    group: str  # the group's key
    status: str
    position: int
    description: str = ""
    since: dt.date | None = None


@dataclass(frozen=True)
class ComponentGroup:
    """A group of components, optionally tied to a KB category."""

    key: str
    id: str
    name: str
    position: int
    components: tuple[str, ...]  # component keys, in order
    description: str = ""
    category: str | None = None  # a category key, once resolved


@dataclass(frozen=True)
class StatusUpdate:
    """One entry of an incident's or maintenance's timeline."""

    id: str
    at: dt.datetime
    status: str
    body: str  # Markdown
    components: tuple[tuple[str, str], ...] = ()  # component key -> status from this update on
    html: str = ""  # the body rendered, filled in by the build
    line: int = 0  # the line of the body's first line in status.yaml


@dataclass(frozen=True)
class Incident:
    """An incident or a scheduled maintenance, as written in status.yaml."""

    key: str
    id: str
    kind: str  # "incident" or "maintenance"
    title: str
    components: tuple[tuple[str, str], ...]  # component key -> status during it
    updates: tuple[StatusUpdate, ...]  # oldest first
    impact: str | None = None  # None: derived from the components
    started: dt.datetime | None = None
    window: tuple[dt.datetime, dt.datetime] | None = None  # a maintenance's start and end
    articles: tuple[str, ...] = ()  # article sources, once resolved
    line: int = 1


@dataclass(frozen=True)
class StatusFile:
    """status.yaml, validated."""

    page: StatusPage
    groups: tuple[ComponentGroup, ...]
    components: tuple[Component, ...]
    incidents: tuple[Incident, ...]  # incidents and maintenances


@dataclass(frozen=True)
class ComponentChange:
    """A component's status before and after an update."""

    key: str
    old: str
    new: str


@dataclass(frozen=True)
class IncidentView:
    """An incident or maintenance as it stands at the build's clock."""

    incident: Incident
    status: str
    impact: str
    created: dt.datetime
    updated: dt.datetime
    started: dt.datetime
    monitoring: dt.datetime | None
    resolved: dt.datetime | None
    updates: tuple[tuple[StatusUpdate, tuple[ComponentChange, ...]], ...]  # newest first
    open: bool


@dataclass(frozen=True)
class UptimeDay:
    """One day of a component's uptime bar."""

    date: dt.date
    status: str  # the worst status it had that day
    incidents: tuple[str, ...] = ()  # incident keys


@dataclass(frozen=True)
class Uptime:
    """A component's uptime over the window."""

    percent: float | None  # None when the window holds no time (a component added today)
    days: tuple[UptimeDay, ...]


@dataclass(frozen=True)
class StatusReport:
    """The status page at the build's clock: statuses, rollup, open incidents, uptime."""

    file: StatusFile
    now: dt.datetime
    statuses: dict[str, str]  # component key -> its status now
    created: dict[str, dt.datetime]  # component key -> when it came into being
    updated: dict[str, dt.datetime]  # component key -> when its status last changed
    indicator: str
    description: str
    incidents: tuple[IncidentView, ...]  # incidents begun by now, newest first
    maintenances: tuple[IncidentView, ...]  # every maintenance, newest first
    uptime: dict[str, Uptime]  # component key -> its bars
