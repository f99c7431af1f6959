"""StatusFile + the build's clock → StatusReport: timelines, current statuses, the rollup, uptime."""

from __future__ import annotations

import datetime as dt

from .model import (
    CLOSED_STATUSES, COMPONENT_STATUSES, IMPACTS, ComponentChange, Incident, IncidentView, StatusFile,
    StatusReport, StatusUpdate, Uptime, UptimeDay, stable_id,
)

SEVERITY = {status: rank for rank, status in enumerate(COMPONENT_STATUSES)}
IMPACT_OF = {
    "operational": "none", "under_maintenance": "none", "degraded_performance": "minor",
    "partial_outage": "major", "major_outage": "critical",
}
UPTIME_DAYS = 90
DOWNTIME_WEIGHT = {"major_outage": 1.0, "partial_outage": 0.3}  # degraded performance counts as up
_ACTIVE_MAINTENANCE = ("in_progress", "verifying")

Segment = tuple[str, dt.datetime, dt.datetime, str, str]  # component, start, end, status, incident key


def worst(statuses) -> str:
    """The most severe of some component statuses (operational when there are none)."""
    return max(statuses, key=SEVERITY.__getitem__, default="operational")


def status_report(file: StatusFile, now: dt.datetime) -> StatusReport:
    """Everything the status page shows at `now`; updates dated after `now` have not happened yet."""
    views: list[IncidentView] = []
    segments: list[Segment] = []
    finals: dict[str, dict[str, str]] = {}
    for incident in file.incidents:
        visible = _visible_updates(incident, now)
        if not visible:
            continue
        view, found, final = _view(incident, visible, now)
        views.append(view)
        segments.extend(found)
        finals[incident.key] = final
    statuses = {c.key: c.status for c in file.components}
    for view in views:
        if view.open:
            for key, status in finals[view.incident.key].items():
                statuses[key] = worst((statuses.get(key, "operational"), status))
    created = _created(file, now)
    updated = {c.key: created[c.key] for c in file.components}
    for key, start, end, _status, _incident in segments:
        if key in updated:
            updated[key] = max(updated[key], start, end if end < now else start)
    open_impacts = [v.impact for v in views if v.open and v.incident.kind == "incident"]
    indicator, description = rollup(list(statuses.values()), open_impacts)
    zone = file.page.time_zone
    uptime = {
        c.key: uptime_bars([s for s in segments if s[0] == c.key], now, zone, c.since, statuses[c.key])
        for c in file.components
    }
    incidents = tuple(sorted((v for v in views if v.incident.kind == "incident"), key=lambda v: (v.started, v.incident.key), reverse=True))
    maintenances = tuple(sorted((v for v in views if v.incident.kind == "maintenance"), key=lambda v: (v.started, v.incident.key), reverse=True))
    return StatusReport(file, now, statuses, created, updated, indicator, description, incidents, maintenances, uptime)


def rollup(statuses: list[str], open_impacts: list[str]) -> tuple[str, str]:
    """The page's indicator and description, blended as Statuspage does from components and open incidents."""
    top = worst(statuses)
    if top == "major_outage":
        result = ("critical", "Major System Outage" if all(s == "major_outage" for s in statuses) else "Partial System Outage")
    elif top == "partial_outage":
        result = ("major", "Partial System Outage")
    elif top == "degraded_performance":
        result = ("minor", "Degraded System Service" if all(s == "degraded_performance" for s in statuses) else "Partially Degraded Service")
    elif top == "under_maintenance":
        result = ("maintenance", "Service Under Maintenance")
    else:
        result = ("none", "All Systems Operational")
    impact = max(open_impacts, key=IMPACTS.index, default="none")
    current = IMPACTS.index(result[0]) if result[0] in IMPACTS else 0
    if IMPACTS.index(impact) > current:
        label = {"minor": "Minor Service Outage", "major": "Partial System Outage", "critical": "Major System Outage"}[impact]
        result = (impact, label)
    return result


def _visible_updates(incident: Incident, now: dt.datetime) -> list[StatusUpdate]:
    """The updates that have happened by `now`; a maintenance moves on by its window by itself."""
    updates = list(incident.updates)
    if incident.kind == "maintenance" and incident.window is not None:
        start, end = incident.window
        said = {u.status for u in updates}
        if not said & {"in_progress", "verifying", "completed"}:
            updates.append(StatusUpdate(stable_id("update", incident.key, "in_progress"), start, "in_progress", "Maintenance is in progress."))
        if "completed" not in said:
            updates.append(StatusUpdate(stable_id("update", incident.key, "completed"), end, "completed", "Maintenance has been completed."))
        updates.sort(key=lambda u: u.at)
    return [u for u in updates if u.at <= now]


def _view(incident: Incident, visible: list[StatusUpdate], now: dt.datetime) -> tuple[IncidentView, list[Segment], dict[str, str]]:
    state: dict[str, str] = {}
    began: dict[str, dt.datetime] = {}
    segments: list[Segment] = []
    seen = [status for _, status in incident.components]

    def move(at: dt.datetime, new: dict[str, str]) -> tuple[ComponentChange, ...]:
        changes = []
        for key in dict.fromkeys([*state, *new]):
            old, after = state.get(key, "operational"), new.get(key, "operational")
            if old == after:
                continue
            changes.append(ComponentChange(key, old, after))
            if old != "operational":
                segments.append((key, began[key], at, old, incident.key))
            if after != "operational":
                began[key] = at
        state.clear()
        state.update({k: v for k, v in new.items() if v != "operational"})
        return tuple(changes)

    maintenance = incident.kind == "maintenance"
    start = incident.window[0] if maintenance and incident.window else (incident.started or visible[0].at)
    first: tuple[ComponentChange, ...] = () if maintenance else move(start, dict(incident.components))
    closed = False
    timeline = []
    for number, update in enumerate(visible):
        seen.extend(status for _, status in update.components)
        if update.status in CLOSED_STATUSES:
            new: dict[str, str] = {}
        elif (maintenance and update.status in _ACTIVE_MAINTENANCE and not state) or (closed and not state):
            new = dict(incident.components) | dict(update.components)
        else:
            new = state | dict(update.components)
        changes = move(update.at, new)
        if number == 0:
            changes = first + changes
        closed = update.status in CLOSED_STATUSES
        timeline.append((update, changes))
    for key, status in state.items():
        segments.append((key, began[key], now, status, incident.key))
    status = visible[-1].status
    resolved = None
    if status in CLOSED_STATUSES:  # resolved when the last run of closing updates began
        index = len(visible) - 1
        while index > 0 and visible[index - 1].status in CLOSED_STATUSES:
            index -= 1
        resolved = visible[index].at
    monitoring = next((u.at for u in visible if u.status == "monitoring"), None)
    impact = "maintenance" if maintenance else incident.impact or max((IMPACT_OF[s] for s in seen), key=IMPACTS.index, default="none")
    view = IncidentView(
        incident=incident, status=status, impact=impact, created=visible[0].at, updated=visible[-1].at,
        started=start, monitoring=monitoring, resolved=resolved,
        updates=tuple(reversed(timeline)), open=status not in CLOSED_STATUSES,
    )
    return view, segments, dict(state)


def _created(file: StatusFile, now: dt.datetime) -> dict[str, dt.datetime]:
    """When each component came into being: its `since` date, else the file's earliest moment."""
    zone = file.page.time_zone
    moments = [u.at for i in file.incidents for u in i.updates] + [i.window[0] for i in file.incidents if i.window]
    earliest = min([m for m in moments if m <= now], default=now)
    return {
        c.key: dt.datetime.combine(c.since, dt.time(), zone) if c.since else earliest
        for c in file.components
    }


def uptime_bars(segments: list[Segment], now: dt.datetime, zone: dt.tzinfo, since: dt.date | None, current: str) -> Uptime:
    """90 days of a component's worst daily status and its uptime percentage (major counts 1, partial 0.3)."""
    today = now.astimezone(zone).date()
    first = today - dt.timedelta(days=UPTIME_DAYS - 1)
    start = dt.datetime.combine(max(first, since) if since else first, dt.time(), zone)
    pieces = _merged(segments, start, now)
    down = sum((b - a).total_seconds() * DOWNTIME_WEIGHT.get(s, 0.0) for a, b, s in pieces)
    total = (now - start).total_seconds()
    percent = round(100 * (1 - down / total), 2) if total > 0 else None
    by_start = sorted(segments, key=lambda s: s[1])
    days = []
    for offset in range(UPTIME_DAYS):
        day = first + dt.timedelta(days=offset)
        if since and day < since:
            days.append(UptimeDay(day, ""))
            continue
        lo = dt.datetime.combine(day, dt.time(), zone)
        hi = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
        statuses = [s for a, b, s in pieces if a < hi and b > lo]
        if day == today:
            statuses.append(current)
        keys = tuple(dict.fromkeys(k for _, a, b, _, k in by_start if a < hi and b > lo))
        days.append(UptimeDay(day, worst(statuses), keys))
    return Uptime(percent, tuple(days))


def _merged(segments: list[Segment], start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime, str]]:
    """Overlapping segments flattened into pieces, each with the worst status in force."""
    clipped = [(max(a, start), min(b, end), s) for _, a, b, s, _ in segments if b > start and a < end]
    edges = sorted({t for a, b, _ in clipped for t in (a, b)})
    pieces = []
    for lo, hi in zip(edges, edges[1:]):
        covering = [s for a, b, s in clipped if a <= lo and b >= hi]
        if covering:
            pieces.append((lo, hi, worst(covering)))
    return pieces
