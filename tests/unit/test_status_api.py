"""kb.status.api: the Statuspage v2 files in the page's time zone; the example site's files, feeds and badge read
as their clients read them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
import statustest
from kbtest import REPO, run_kb_process, serve

from kb.status.api import API_FILES, api_files
from kb.status.report import status_report

NOW = "2026-11-26T20:00:00Z"
STATUS = yaml.safe_load((REPO / "content" / "status.yaml").read_text(encoding="utf-8"))

# Field names from the reference (shared/reference/statuspage-v2.md): every one must be present.
PAGE = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT = {"id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
             "start_date", "group_id", "page_id", "group", "only_show_if_degraded"}
GROUP = COMPONENT | {"components"}
INCIDENT = {"id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
            "shortlink", "started_at", "page_id", "incident_updates", "components"}
MAINTENANCE = INCIDENT | {"scheduled_for", "scheduled_until"}
UPDATE = {"id", "status", "body", "incident_id", "created_at", "updated_at", "display_at", "affected_components",
          "deliver_notifications", "custom_tweet", "tweet_id"}
AFFECTED = {"code", "name", "old_status", "new_status"}
ENDPOINTS = {
    "summary.json": {"page", "components", "incidents", "scheduled_maintenances", "status"},
    "status.json": {"page", "status"},
    "components.json": {"page", "components"},
    "incidents.json": {"page", "incidents"},
    "incidents/unresolved.json": {"page", "incidents"},
    "scheduled-maintenances.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/upcoming.json": {"page", "scheduled_maintenances"},
    "scheduled-maintenances/active.json": {"page", "scheduled_maintenances"},
}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$")
ID = re.compile(r"^[a-z0-9]{12}$")


def _build(out: Path, now: str = NOW) -> Path:
    done = run_kb_process(["build", "--content", str(REPO / "content"), "--out", str(out), "--now", now, "--no-search",
                           "--no-cache"], cwd=out.parent)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("status") / "site")


def _api(site: Path, name: str) -> dict:
    return json.loads((site / "api" / "v2" / name).read_text(encoding="utf-8"))


def _check_incident(item: dict, fields: set[str]) -> None:
    assert set(item) == fields
    assert ID.match(item["id"]) and TIME.match(item["created_at"]) and TIME.match(item["started_at"])
    for update in item["incident_updates"]:
        assert set(update) == UPDATE and update["incident_id"] == item["id"] and ID.match(update["id"])
        for change in update["affected_components"] or []:
            assert set(change) == AFFECTED
    times = [u["display_at"] for u in item["incident_updates"]]
    assert times == sorted(times, reverse=True), "updates are listed newest first"
    for component in item["components"]:
        assert set(component) == COMPONENT


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_every_endpoint_has_every_field_of_the_reference(site: Path, name: str) -> None:
    body = _api(site, name)
    assert set(body) == ENDPOINTS[name]
    assert set(body["page"]) == PAGE and TIME.match(body["page"]["updated_at"])
    for component in body.get("components", []):
        assert set(component) == (GROUP if component["group"] else COMPONENT)
        assert ID.match(component["id"]) and TIME.match(component["created_at"])
    for incident in body.get("incidents", []):
        _check_incident(incident, INCIDENT)
    for maintenance in body.get("scheduled_maintenances", []):
        _check_incident(maintenance, MAINTENANCE)


def test_components_follow_status_yaml(site: Path) -> None:
    components = _api(site, "components.json")["components"]
    groups = [c for c in components if c["group"]]
    assert [g["name"] for g in groups] == [g["name"] for g in STATUS["groups"]]
    by_id = {c["id"]: c for c in components}
    for group, written in zip(groups, STATUS["groups"], strict=True):
        assert [by_id[i]["name"] for i in group["components"]] == [c["name"] for c in written["components"]]
        assert all(by_id[i]["group_id"] == group["id"] for i in group["components"])
    assert {c["status"] for c in components} <= {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}


def test_summary_holds_the_open_incident_and_upcoming_maintenance(site: Path) -> None:
    summary = _api(site, "summary.json")
    assert summary["status"] == {"indicator": "minor", "description": "Partially Degraded Service"}
    assert [i["name"] for i in summary["incidents"]] == ["Slow knowledge base search"]
    assert summary["incidents"][0]["resolved_at"] is None and summary["incidents"][0]["status"] == "monitoring"
    degraded = {c["name"] for c in summary["components"] if c["status"] != "operational"}
    assert degraded == {"Knowledge base search", "Support Centers"}
    assert [(m["name"], m["status"]) for m in summary["scheduled_maintenances"]] == [("Database upgrade", "scheduled")]
    assert _api(site, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"][0]["name"] == "Database upgrade"
    assert _api(site, "scheduled-maintenances/active.json")["scheduled_maintenances"] == []


def test_incidents_json_lists_every_incident_begun_newest_first(site: Path) -> None:
    incidents = _api(site, "incidents.json")["incidents"]
    assert {i["name"] for i in incidents} == {i["title"] for i in STATUS["incidents"]}
    started = [i["started_at"] for i in incidents]
    assert started == sorted(started, reverse=True)
    email = next(i for i in incidents if i["name"] == "Delayed inbound email")
    assert (email["status"], email["impact"]) == ("postmortem", "major")
    assert email["resolved_at"] == "2026-11-10T12:30:00.000-08:00"
    assert email["shortlink"] == "https://support.casebook.example/status/incidents/2026-11-10-inbound-email/"
    first = email["incident_updates"][-1]["affected_components"]
    assert [(c["name"], c["old_status"], c["new_status"]) for c in first] == [("Inbound email", "operational", "partial_outage")]


def test_ids_do_not_change_between_builds(site: Path, tmp_path: Path) -> None:
    later = _build(tmp_path / "later", now="2026-12-06T07:00:00Z")

    def ids(root: Path) -> dict[str, str]:
        return {c["name"]: c["id"] for c in _api(root, "components.json")["components"]} | {
            i["name"]: i["id"] for i in _api(root, "incidents.json")["incidents"]}

    assert ids(later) == ids(site)
    active = _api(later, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [(m["name"], m["status"]) for m in active] == [("Database upgrade", "in_progress")]


def test_a_statuspage_client_reads_the_summary(site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the exporter keeps its cache in the working folder
    checker = pytest.importorskip("statuspage_prometheus_exporter.service_checker")
    with serve(site) as origin:
        result = checker.check_status_page_service("casebook", {"url": f"{origin}/api/v2/summary.json"})
    assert result["success"] is True, result
    assert result["raw_status"] == "minor" and result["status"] == 0
    statuses = {c["name"]: c["status"] for c in result["component_metadata"]}
    assert statuses["Knowledge base search"] == "degraded_performance"
    assert statuses["Inbound email"] == "operational"
    assert [i["name"] for i in result["incident_metadata"]] == ["Slow knowledge base search"]
    assert result["incident_metadata"][0]["affected_components"] == ["Knowledge base search"]


@pytest.mark.parametrize("name", ["history.atom", "history.rss"])
def test_the_history_feeds_parse(site: Path, name: str) -> None:
    feedparser = pytest.importorskip("feedparser")
    feed = feedparser.parse((site / "status" / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    written = {i["title"] for i in STATUS["incidents"]} | {m["title"] for m in STATUS["maintenance"]}
    assert {e.title for e in feed.entries} == written
    assert all(e.link.startswith("https://support.casebook.example/status/incidents/") for e in feed.entries)
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    newest = feed.entries[0]
    assert newest.title == "Slow knowledge base search" and "response times are improving" in newest.summary


def test_the_badge_is_an_svg_naming_the_overall_status(site: Path) -> None:
    root = ET.fromstring((site / "status" / "badge.svg").read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("aria-label") == "status: Partially Degraded Service"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["status", "Partially Degraded Service"]


# --- the files, from a report ------------------------------------------------------------------


def _files(zone: str | dt.tzinfo, now: str = "2026-11-10 09:00") -> dict[str, dict]:
    """The API's files for the small status.yaml of statustest, its page in `zone`, by name."""
    base = statustest.BASE.replace("Etc/UTC", zone if isinstance(zone, str) else "Etc/UTC")
    status, found = statustest.parse(statustest.INCIDENT, base=base)
    assert found == []
    if not isinstance(zone, str):
        status = dataclasses.replace(status, page=dataclasses.replace(status.page, time_zone=zone))
    files = api_files(status_report(status, statustest.at(now)), lambda view: f"/status/incidents/{view.incident.key}/")
    assert [f.path for f in files] == [f"api/v2/{name}" for name in API_FILES]
    return {f.path.removeprefix("api/v2/"): json.loads(f.data) for f in files}


@pytest.mark.parametrize(("zone", "started", "offset"), [
    ("Etc/UTC", "2026-11-10T07:00:00.000Z", "+00:00"),
    ("America/Los_Angeles", "2026-11-10T07:00:00.000-08:00", "-08:00"),  # written without an offset: in the zone
    ("Asia/Kolkata", "2026-11-10T07:00:00.000+05:30", "+05:30"),
])
def test_times_are_in_the_page_time_zone_with_milliseconds(zone: str, started: str, offset: str) -> None:
    listed = _files(zone, now="2026-11-11 00:00")["incidents.json"]
    assert listed["page"]["time_zone"] == zone
    [incident] = listed["incidents"]
    assert incident["started_at"] == incident["created_at"] == started
    assert incident["shortlink"] == "/status/incidents/mail-delay/"
    moments = [incident["updated_at"], *(u["display_at"] for u in incident["incident_updates"])]
    assert all(TIME.match(m) and (m.endswith("Z") if offset == "+00:00" else m.endswith(offset)) for m in moments)


def test_the_api_uses_the_zone_the_model_carries() -> None:
    """No second look-up by name, and no UTC in its place: a zone without a name still sets every time."""
    files = _files(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    page = files["status.json"]["page"]
    assert page["time_zone"] == "UTC+05:30"
    [incident] = files["incidents.json"]["incidents"]
    assert incident["started_at"] == "2026-11-10T12:30:00.000+05:30"  # 07:00 UTC as parsed, shown at +05:30


def test_the_files_say_what_is_open_and_the_rollup() -> None:
    files = _files("Etc/UTC")
    assert files["status.json"]["status"] == {"indicator": "major", "description": "Partial System Outage"}
    assert [i["status"] for i in files["incidents/unresolved.json"]["incidents"]] == ["monitoring"]
    later = _files("Etc/UTC", now="2026-11-11 00:00")
    assert later["incidents/unresolved.json"]["incidents"] == []
    assert later["incidents.json"]["incidents"][0]["resolved_at"] == "2026-11-10T10:00:00.000Z"
    statuses = {c["name"]: c["status"] for c in later["components.json"]["components"]}
    assert statuses == {"Agent Desktop": "degraded_performance", "Cases": "operational", "Email": "degraded_performance"}
