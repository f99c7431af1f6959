"""StatusReport → template contexts of the status pages, feeds and badge: every label and date computed here."""

from __future__ import annotations

import datetime as dt
import email.utils
import uuid
from collections import defaultdict

from ..model import Category
from .model import IncidentView, StatusReport
from ..render.urls import incident_path
from .report import UPTIME_DAYS, worst

STATUS_LABELS = {
    "operational": "Operational", "under_maintenance": "Under maintenance",
    "degraded_performance": "Degraded performance", "partial_outage": "Partial outage",
    "major_outage": "Major outage", "": "No data",
}
UPDATE_LABELS = {
    "investigating": "Investigating", "identified": "Identified", "monitoring": "Monitoring",
    "resolved": "Resolved", "postmortem": "Postmortem", "scheduled": "Scheduled",
    "in_progress": "In progress", "verifying": "Verifying", "completed": "Completed",
}
IMPACT_LABELS = {"none": "No impact", "minor": "Minor", "major": "Major", "critical": "Critical", "maintenance": "Maintenance"}
# the icon (and the CSS class) of each status: never colour alone
LEVELS = {
    "operational": "ok", "under_maintenance": "maintenance", "degraded_performance": "minor",
    "partial_outage": "major", "major_outage": "critical", "": "none",
    "none": "ok", "minor": "minor", "major": "major", "critical": "critical", "maintenance": "maintenance",
}
BADGE_COLOURS = {"none": "#2e7d32", "minor": "#8a6d00", "major": "#c2410c", "critical": "#b91c1c", "maintenance": "#1d4ed8"}
FEED_LIMIT = 50
RECENT_DAYS = 30  # the days narrow screens show of the UPTIME_DAYS


class StatusView:
    """Formats one StatusReport for the templates, in the page's time zone."""

    def __init__(self, report: StatusReport, titles: dict[str, tuple[str, str]], categories: dict[str, Category]) -> None:
        self.report = report
        self.zone = report.file.page.time_zone
        self.titles = titles  # article source -> (title, url)
        self.categories = categories
        self.names = {c.key: c.name for c in report.file.components}
        self.views = {v.incident.key: v for v in (*report.incidents, *report.maintenances)}

    # -- small pieces ------------------------------------------------------

    def when(self, moment: dt.datetime | None) -> dict | None:
        """A moment as text in the page's time zone, with its ISO form for <time>."""
        if moment is None:
            return None
        local = moment.astimezone(self.zone)
        text = f"{local:%b} {local.day}, {local.year}, {local:%H:%M} {local.tzname()}"
        return {"text": text, "iso": local.isoformat(timespec="seconds"), "day": _day(local.date())}

    def overall(self) -> dict:
        """The banner: indicator, description and level (for the icon and colour)."""
        return {
            "indicator": self.report.indicator, "description": self.report.description,
            "level": LEVELS.get(self.report.indicator, "minor"), "url": "/status/",
        }

    def summary(self, view: IncidentView) -> dict:
        """An incident or maintenance in a list, with its timeline."""
        incident = view.incident
        window = incident.window
        return {
            "key": incident.key, "title": incident.title, "url": incident_path(incident.key), "kind": incident.kind,
            "status": view.status, "status_label": UPDATE_LABELS[view.status], "open": view.open,
            "impact": view.impact, "impact_label": IMPACT_LABELS[view.impact], "level": LEVELS[view.impact],
            "started": self.when(view.started), "resolved": self.when(view.resolved),
            "window": {"start": self.when(window[0]), "end": self.when(window[1])} if window else None,
            "components": [
                {"name": self.names[key], "status": status, "label": STATUS_LABELS[status], "level": LEVELS[status]}
                for key, status in incident.components
            ],
            "articles": [{"title": self.titles[s][0], "url": self.titles[s][1]} for s in incident.articles if s in self.titles],
            "updates": [
                {
                    "status": update.status, "label": UPDATE_LABELS[update.status], "when": self.when(update.at),
                    "html": update.html,
                    "changes": [f"{self.names[c.key]}: {STATUS_LABELS[c.old]} → {STATUS_LABELS[c.new]}" for c in changes],
                }
                for update, changes in view.updates
            ],
        }

    # -- pages -------------------------------------------------------------

    def status_page(self) -> dict:
        """/status/: the banner, groups with uptime bars, open incidents, maintenance."""
        report = self.report
        groups = []
        for group in report.file.groups:
            components = [self.component(key) for key in group.components]
            status = worst(report.statuses[k] for k in group.components)
            category = self.categories.get(group.category or "")
            groups.append({
                "key": group.key, "name": group.name, "description": group.description,
                "status": status, "label": STATUS_LABELS[status], "level": LEVELS[status],
                "category": {"title": category.title, "url": category.url} if category else None,
                "components": components,
            })
        maintenances = [self.summary(v) for v in reversed(report.maintenances) if v.open]
        days = report.uptime[report.file.components[0].key].days if report.file.components else ()
        return {
            "overall": self.overall(),
            "groups": groups,
            "incidents": [self.summary(v) for v in report.incidents if v.open],
            "ongoing": [m for m in maintenances if m["status"] != "scheduled"],
            "upcoming": [m for m in maintenances if m["status"] == "scheduled"],
            "recent": [self.summary(v) for v in report.incidents if not v.open][:5],
            "days": UPTIME_DAYS, "recent_days": RECENT_DAYS,
            "first_day": _day(days[0].date) if days else "",
            "page": {"name": report.file.page.name, "time_zone": report.file.page.time_zone_name,
                     "updated": self.when(report.now)},
        }

    def component(self, key: str) -> dict:
        """A component's row: status, uptime percentage and its days, each with its date, worst status and incidents.

        Quiet days in a row (same status, no incident) are one bar, drawn as days by CSS; a run never spans
        the start of the last RECENT_DAYS, which narrow screens show alone.
        """
        component = next(c for c in self.report.file.components if c.key == key)
        status = self.report.statuses[key]
        uptime = self.report.uptime[key]
        bars: list[dict] = []
        for index, day in enumerate(uptime.days):
            incidents = [{"title": self.views[k].incident.title, "url": incident_path(k)} for k in day.incidents if k in self.views]
            level, old = LEVELS[day.status], index < len(uptime.days) - RECENT_DAYS
            previous = bars[-1] if bars else None
            if not incidents and previous and not previous["incidents"] and (previous["level"], previous["old"]) == (level, old):
                previous["days"] += 1
                previous["last"] = day.date
                continue
            bars.append({"level": level, "status": STATUS_LABELS[day.status], "old": old, "days": 1,
                         "first": day.date, "last": day.date, "incidents": incidents})
        for bar in bars:
            bar["dates"] = _day_span(bar.pop("first"), bar.pop("last"))
            titles = "; ".join(i["title"] for i in bar["incidents"])
            bar["label"] = f"{bar['dates']}: {bar['status']}" + (f" – {titles}" if titles else "")
        percent = uptime.percent
        return {
            "key": key, "name": component.name, "description": component.description,
            "status": status, "label": STATUS_LABELS[status], "level": LEVELS[status],
            "uptime": f"{percent:.2f} %" if percent is not None else "",
            "bars": bars,
        }

    def history(self) -> dict:
        """/status/history/: each incident and maintenance once, under the month it started in, newest first."""
        shown = [v for v in (*self.report.incidents, *self.report.maintenances)
                 if not (v.incident.kind == "maintenance" and v.status == "scheduled")]
        months: list[dict] = []
        for view in sorted(shown, key=lambda v: (v.started, v.incident.key), reverse=True):
            start = view.started.astimezone(self.zone)
            if not months or months[-1]["id"] != f"{start:%Y-%m}":
                months.append({"id": f"{start:%Y-%m}", "label": f"{start:%B} {start.year}", "entries": []})
            months[-1]["entries"].append(self.summary(view) | {"span": self.span(view)})
        return {"overall": self.overall(), "months": months}

    def span(self, view: IncidentView) -> dict:
        """From when to when an incident or maintenance ran, as short as is clear: "Nov 10 – Nov 18",
        "Nov 10, 07:42 – 12:30 PST", or "Nov 25, 21:40 PST" to "ongoing" while it is open."""
        start = view.started.astimezone(self.zone)
        result = {"start": {"iso": start.isoformat(timespec="seconds")}, "end": None}
        if view.resolved is None:
            result["start"]["text"] = f"{start:%b} {start.day}, {start:%H:%M} {start.tzname()}"
            return result
        end = view.resolved.astimezone(self.zone)
        result["end"] = {"iso": end.isoformat(timespec="seconds")}
        if (end - dt.timedelta(microseconds=1)).date() <= start.date():  # the same day (an end at midnight included)
            zone = f" {start.tzname()}" if start.tzname() != end.tzname() else ""
            result["start"]["text"] = f"{start:%b} {start.day}, {start:%H:%M}{zone}"
            result["end"]["text"] = f"{end:%H:%M} {end.tzname()}"
        elif start.year == end.year:
            result["start"]["text"], result["end"]["text"] = f"{start:%b} {start.day}", f"{end:%b} {end.day}"
        else:
            result["start"]["text"], result["end"]["text"] = _day(start.date()), _day(end.date())
        return result

    def incident(self, key: str) -> dict:
        """One incident's or maintenance's page."""
        return {"overall": self.overall(), "incident": self.summary(self.views[key])}

    def feed(self, absolute) -> dict:
        """The history feeds: incidents and maintenances, most recently updated first."""
        views = sorted(self.views.values(), key=lambda v: (v.updated, v.incident.key), reverse=True)[:FEED_LIMIT]
        entries = []
        for view in views:
            item = self.summary(view)
            entries.append({
                "title": item["title"], "link": absolute(item["url"]),
                "id": uuid.uuid5(uuid.NAMESPACE_URL, f"kb-status:{view.incident.id}").urn,
                "published": _atom(view.created), "updated": _atom(view.updated),
                "pubdate": email.utils.format_datetime(view.updated.astimezone(dt.UTC)),
                "content": "".join(
                    f"<p><strong>{u['label']}</strong> – {u['when']['text']}</p>{u['html']}" for u in item["updates"]
                ),
            })
        updated = max((v.updated for v in views), default=self.report.now)
        return {
            "title": f"{self.report.file.page.name} – incident history",
            "page": absolute("/status/"), "self_atom": absolute("/status/history.atom"),
            "self_rss": absolute("/status/history.rss"),
            "id": uuid.uuid5(uuid.NAMESPACE_URL, f"kb-status:{self.report.file.page.id}").urn,
            "updated": _atom(updated), "pubdate": email.utils.format_datetime(updated.astimezone(dt.UTC)),
            "entries": entries,
        }

    def badge(self) -> dict:
        """status/badge.svg: "status | All Systems Operational" in the indicator's colour."""
        label, message = "status", self.report.description
        left, right = _text_width(label) + 12, _text_width(message) + 12
        return {
            "label": label, "message": message, "colour": BADGE_COLOURS.get(self.report.indicator, "#555"),
            "left": left, "right": right, "width": left + right,
            "label_x": left / 2, "message_x": left + right / 2,
        }


def article_issues(report: StatusReport) -> dict[str, list[dict]]:
    """Open incidents by the article sources they name: each article shows a "known issue" banner."""
    found: dict[str, list[dict]] = defaultdict(list)
    for view in report.incidents:
        if view.open:
            for source in view.incident.articles:
                found[source].append({"title": view.incident.title, "url": incident_path(view.incident.key),
                                      "status_label": UPDATE_LABELS[view.status]})
    return dict(found)


def _day(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def _day_span(first: dt.date, last: dt.date) -> str:
    """Days as text: "Nov 10, 2026", "Oct 1 – Oct 20, 2026" or "Dec 20, 2025 – Jan 3, 2026"."""
    if first == last:
        return _day(first)
    if first.year == last.year:
        return f"{first:%b} {first.day} – {_day(last)}"
    return f"{_day(first)} – {_day(last)}"


def _atom(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text_width(text: str) -> int:
    """Roughly how wide `text` is in 11 px Verdana, as shields.io badges are laid out."""
    wide = sum(1 for ch in text if ch.isupper() or ch in "mwMW")
    return round(len(text) * 6.2 + wide * 1.6)
