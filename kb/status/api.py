"""StatusReport → the Statuspage v2 JSON files under /api/v2/, as Statuspage clients read them."""

from __future__ import annotations

import datetime as dt
import json

from ..model import OutputFile
from .model import Component, ComponentGroup, IncidentView, StatusReport
from .report import worst

API_FILES = ("summary.json", "status.json", "components.json", "incidents.json", "incidents/unresolved.json",
             "scheduled-maintenances.json", "scheduled-maintenances/upcoming.json",
             "scheduled-maintenances/active.json")  # under /api/v2/, with a status.yaml
API_LIMIT = 50  # Statuspage lists the 50 most recent incidents and maintenances


def api_files(report: StatusReport, incident_url) -> list[OutputFile]:
    """The eight read-only endpoints of the Statuspage v2 API as static JSON files.

    `incident_url(view)` gives an incident's page as an absolute URL or site path (the shortlink).
    """
    api = _Api(report, incident_url)
    page = api.page()
    status = {"indicator": report.indicator, "description": report.description}
    components = api.components()
    incidents = [api.incident(v) for v in report.incidents[:API_LIMIT]]
    unresolved = [api.incident(v) for v in report.incidents if v.open]
    maintenances = [api.incident(v) for v in report.maintenances[:API_LIMIT]]
    upcoming = [api.incident(v) for v in reversed(report.maintenances) if v.status == "scheduled"]
    active = [api.incident(v) for v in reversed(report.maintenances) if v.status in ("in_progress", "verifying")]
    bodies = {
        "summary.json": {"page": page, "components": components, "incidents": unresolved,
                         "scheduled_maintenances": active + upcoming, "status": status},
        "status.json": {"page": page, "status": status},
        "components.json": {"page": page, "components": components},
        "incidents.json": {"page": page, "incidents": incidents},
        "incidents/unresolved.json": {"page": page, "incidents": unresolved},
        "scheduled-maintenances.json": {"page": page, "scheduled_maintenances": maintenances},
        "scheduled-maintenances/upcoming.json": {"page": page, "scheduled_maintenances": upcoming},
        "scheduled-maintenances/active.json": {"page": page, "scheduled_maintenances": active},
    }
    assert tuple(bodies) == API_FILES
    return [
        OutputFile(f"api/v2/{name}", (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        for name, body in bodies.items()
    ]


class _Api:
    """Builds the API's objects from one report; every field of the reference, null where empty."""

    def __init__(self, report: StatusReport, incident_url) -> None:
        self.report = report
        self.zone = report.file.page.time_zone
        self.incident_url = incident_url
        self.by_key = {c.key: c for c in report.file.components}
        self.groups = {g.key: g for g in report.file.groups}

    def time(self, moment: dt.datetime | None) -> str | None:
        """ISO 8601 in the page's time zone, with milliseconds, as Statuspage writes it."""
        if moment is None:
            return None
        text = moment.astimezone(self.zone).isoformat(timespec="milliseconds")
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def page(self) -> dict:
        file = self.report.file
        moments = [v.updated for v in (*self.report.incidents, *self.report.maintenances)]
        updated = max(moments, default=None) or min(self.report.updated.values(), default=self.report.now)
        return {"id": file.page.id, "name": file.page.name, "url": file.page.url,
                "time_zone": file.page.time_zone_name, "updated_at": self.time(updated)}

    def components(self) -> list[dict]:
        out = []
        for group in self.report.file.groups:
            out.append(self.group(group))
            out.extend(self.component(self.by_key[key]) for key in group.components)
        return out

    def group(self, group: ComponentGroup) -> dict:
        members = [self.by_key[k] for k in group.components]
        return {
            "id": group.id, "name": group.name,
            "status": worst(self.report.statuses[m.key] for m in members),
            "created_at": self.time(min((self.report.created[m.key] for m in members), default=self.report.now)),
            "updated_at": self.time(max((self.report.updated[m.key] for m in members), default=self.report.now)),
            "position": group.position, "description": group.description or None, "showcase": False,
            "start_date": None, "group_id": None, "page_id": self.report.file.page.id, "group": True,
            "only_show_if_degraded": False, "components": [m.id for m in members],
        }

    def component(self, component: Component) -> dict:
        return {
            "id": component.id, "name": component.name, "status": self.report.statuses[component.key],
            "created_at": self.time(self.report.created[component.key]),
            "updated_at": self.time(self.report.updated[component.key]),
            "position": component.position, "description": component.description or None, "showcase": True,
            "start_date": component.since.isoformat() if component.since else None,
            "group_id": self.groups[component.group].id, "page_id": self.report.file.page.id, "group": False,
            "only_show_if_degraded": False,
        }

    def incident(self, view: IncidentView) -> dict:
        incident = view.incident
        body = {
            "id": incident.id, "name": incident.title, "status": view.status,
            "created_at": self.time(view.created), "updated_at": self.time(view.updated),
            "monitoring_at": self.time(view.monitoring), "resolved_at": self.time(view.resolved),
            "impact": view.impact, "shortlink": self.incident_url(view), "started_at": self.time(view.started),
            "page_id": self.report.file.page.id,
            "incident_updates": [self.update(view, update, changes) for update, changes in view.updates],
            "components": [self.component(self.by_key[key]) for key, _ in incident.components],
        }
        if incident.kind == "maintenance" and incident.window:
            body["scheduled_for"] = self.time(incident.window[0])
            body["scheduled_until"] = self.time(incident.window[1])
        return body

    def update(self, view: IncidentView, update, changes) -> dict:
        affected = [
            {"code": self.by_key[c.key].id, "name": self.by_key[c.key].name, "old_status": c.old, "new_status": c.new}
            for c in changes if c.key in self.by_key
        ]
        return {
            "id": update.id, "status": update.status,
            "body": update.body, "incident_id": view.incident.id,
            "created_at": self.time(update.at), "updated_at": self.time(update.at), "display_at": self.time(update.at),
            "affected_components": affected or None, "deliver_notifications": True,
            "custom_tweet": None, "tweet_id": None,
        }

