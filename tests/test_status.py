"""status.yaml: validation with positions, timelines, the rollup, maintenance by the clock, uptime."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from kb.status import StatusLinks, parse_datetime, parse_status, stable_id
from kb.status.report import rollup, status_report
from kb.yamlpos import load_yaml

UTC = dt.UTC
LINKS = StatusLinks(
    "Acme Status", "https://help.example/status/",
    articles={"billing/refund.md": "billing/refund.md", "/billing/refund/": "billing/refund.md", "refund": "billing/refund.md"},
    categories={"billing": "billing", "/billing/": "billing"},
)
BASE = """\
page:
  name: Acme Status
  time_zone: Etc/UTC
groups:
  - key: desk
    name: Agent Desktop
    category: billing
    components:
      - key: cases
        name: Cases
      - key: email
        name: Email
        status: degraded_performance
"""


def parse(text: str, base: str = BASE):
    status, found = parse_status(load_yaml(textwrap.dedent(base) + textwrap.dedent(text)), "content/status.yaml", LINKS)
    return status, [d.format() for d in found]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


INCIDENT = """\
incidents:
  - key: mail-delay
    title: Email delayed
    components:
      email: partial_outage
    articles: [billing/refund.md]
    updates:
      - at: 2026-11-10 07:00
        status: investigating
        body: Looking.
      - at: 2026-11-10 08:00
        status: monitoring
        components:
          email: degraded_performance
        body: Better.
      - at: 2026-11-10 10:00
        status: resolved
        body: Fixed.
"""


def test_a_valid_file_parses_without_problems() -> None:
    status, found = parse(INCIDENT)
    assert found == []
    assert [g.name for g in status.groups] == ["Agent Desktop"]
    assert status.groups[0].category == "billing"
    assert [(c.key, c.status, c.position) for c in status.components] == [
        ("cases", "operational", 1), ("email", "degraded_performance", 2)]
    incident = status.incidents[0]
    assert incident.articles == ("billing/refund.md",)
    assert [u.status for u in incident.updates] == ["investigating", "monitoring", "resolved"]


def test_ids_are_twelve_characters_and_stable() -> None:
    first, _ = parse(INCIDENT)
    second, _ = parse(INCIDENT)
    ids = [first.page.id, *(c.id for c in first.components), *(g.id for g in first.groups), first.incidents[0].id]
    assert ids == [second.page.id, *(c.id for c in second.components), *(g.id for g in second.groups), second.incidents[0].id]
    assert all(len(i) == 12 and i.isalnum() and i == i.lower() for i in ids)
    assert len(set(ids)) == len(ids)
    assert stable_id("component", "a") != stable_id("component", "b")


@pytest.mark.parametrize(("snippet", "message"), [
    ("groups:\n  - key: x\n    name: X\n    components:\n      - {key: y, name: Y, status: broken}\n",
     "content/status.yaml:5:35: unknown component status 'broken'; use one of operational, under_maintenance, "
     "degraded_performance, partial_outage, major_outage"),
    ("groups:\n  - key: x\n    name: X\n    components:\n      - {key: y, name: Y, status: major_outtage}\n",
     "content/status.yaml:5:35: unknown component status 'major_outtage' (did you mean 'major_outage'?); use one of "
     "operational, under_maintenance, degraded_performance, partial_outage, major_outage"),
    ("groups:\n  - key: x\n    name: X\n    components:\n      - {key: y, name: Y}\n      - {key: y, name: Z}\n",
     "content/status.yaml:6:15: duplicate key 'y' (also used on line 5)"),
    ("groups:\n  - key: x\n    name: X\n    components: []\n", "content/status.yaml:4:17: group 'x' needs a list of components"),
    ("page:\n  time_zone: Mars/Olympus\n",
     "content/status.yaml:2:14: unknown time zone 'Mars/Olympus' (use a name such as Etc/UTC or America/Los_Angeles)"),
    ("groups:\n  - key: x\n    name: X\n    category: nowhere\n    components: [{key: y, name: Y}]\n",
     "content/status.yaml:4:15: group 'x' links to a category that does not exist: 'nowhere'"),
    ("grups: []\n", "content/status.yaml:1:1: warning: unknown status field 'grups' (did you mean 'groups'?)"),
])
def test_broken_documents_are_reported_at_their_position(snippet: str, message: str) -> None:
    _, found = parse(snippet, base="")
    assert message in found


@pytest.mark.parametrize(("incident", "message"), [
    ("components: {mail: partial_outage}",
     "content/status.yaml:17:18: unknown component 'mail' (did you mean 'email'?)"),
    ("components: {email: down}",
     "content/status.yaml:17:25: unknown component status 'down'; use one of operational, under_maintenance, "
     "degraded_performance, partial_outage, major_outage"),
    ("impact: huge", "content/status.yaml:17:13: unknown impact 'huge'; use one of none, minor, major, critical"),
    ("articles: [billing/missing.md]",
     "content/status.yaml:17:16: incident 'outage' links to an article that does not exist: 'billing/missing.md'"),
    ("started: 2026-11-10 12:00",
     "content/status.yaml:19:13: resolved at 2026-11-10 11:00 is before the incident started (2026-11-10 12:00)"),
])
def test_incident_problems(incident: str, message: str) -> None:
    text = f"""\
incidents:
  - key: outage
    title: Outage
    {incident}
    updates:
      - at: 2026-11-10 11:00
        status: resolved
        body: Over.
"""
    _, found = parse(text)
    assert message in found, found


def test_updates_out_of_order_duplicate_incident_keys_and_bad_update_status() -> None:
    _, found = parse("""\
incidents:
  - key: a
    title: A
    updates:
      - {at: 2026-11-10 10:00, status: investigating, body: x}
      - {at: 2026-11-10 09:00, status: solved, body: y}
      - {at: 2026-11-10 08:00, status: resolved, body: z}
  - key: a
    title: Again
    updates: [{at: 2026-11-11 10:00, status: resolved, body: x}]
maintenance:
  - key: m
    title: M
    start: 2026-11-12 10:00
    end: 2026-11-12 09:00
""")
    assert found == [
        "content/status.yaml:19:40: unknown update status 'solved' (did you mean 'resolved'?); use one of "
        "investigating, identified, monitoring, resolved, postmortem",
        "content/status.yaml:20:14: update at 2026-11-10 08:00 is earlier than the update before it (2026-11-10 10:00); "
        "list updates oldest first",
        "content/status.yaml:21:10: duplicate key 'a' (also used on line 15)",
        "content/status.yaml:28:10: maintenance ends (2026-11-12 09:00) before it starts (2026-11-12 10:00)",
    ]


def test_times_without_offset_are_in_the_page_time_zone() -> None:
    zone = __import__("zoneinfo").ZoneInfo("America/Los_Angeles")
    assert parse_datetime("2026-11-10 07:42", zone).utcoffset() == dt.timedelta(hours=-8)
    assert parse_datetime("2026-07-10 07:42", zone).utcoffset() == dt.timedelta(hours=-7)
    assert parse_datetime("2026-11-10T07:42:00Z", zone) == at("2026-11-10 07:42")
    assert parse_datetime(dt.datetime(2026, 11, 10, 7, 42, tzinfo=UTC), zone) == at("2026-11-10 07:42")
    assert parse_datetime("soon", zone) is None


def test_timeline_statuses_and_times() -> None:
    status, _ = parse(INCIDENT)
    report = status_report(status, at("2026-11-10 09:00"))
    view = report.incidents[0]
    assert (view.status, view.open, view.impact) == ("monitoring", True, "major")
    assert view.monitoring == at("2026-11-10 08:00") and view.resolved is None
    assert [u.status for u, _ in view.updates] == ["monitoring", "investigating"]  # newest first; 10:00 not yet
    changes = {u.status: [(c.key, c.old, c.new) for c in ch] for u, ch in view.updates}
    assert changes == {"investigating": [("email", "operational", "partial_outage")],
                       "monitoring": [("email", "partial_outage", "degraded_performance")]}
    assert report.statuses == {"cases": "operational", "email": "degraded_performance"}
    later = status_report(status, at("2026-11-11 00:00")).incidents[0]
    assert (later.status, later.open, later.resolved) == ("resolved", False, at("2026-11-10 10:00"))


def test_an_incident_before_its_first_update_has_not_happened() -> None:
    status, _ = parse(INCIDENT)
    report = status_report(status, at("2026-11-10 06:00"))
    assert report.incidents == ()
    assert report.statuses["email"] == "degraded_performance"  # as set on the component


def test_open_incidents_set_component_status_and_the_rollup() -> None:
    status, _ = parse(INCIDENT)
    report = status_report(status, at("2026-11-10 07:30"))
    assert report.statuses["email"] == "partial_outage"
    assert (report.indicator, report.description) == ("major", "Partial System Outage")


@pytest.mark.parametrize(("statuses", "impacts", "expected"), [
    (["operational", "operational"], [], ("none", "All Systems Operational")),
    (["operational", "degraded_performance"], [], ("minor", "Partially Degraded Service")),
    (["degraded_performance", "degraded_performance"], [], ("minor", "Degraded System Service")),
    (["operational", "partial_outage"], [], ("major", "Partial System Outage")),
    (["operational", "major_outage"], [], ("critical", "Partial System Outage")),
    (["major_outage", "major_outage"], [], ("critical", "Major System Outage")),
    (["under_maintenance", "operational"], [], ("maintenance", "Service Under Maintenance")),
    (["operational"], ["minor"], ("minor", "Minor Service Outage")),
    (["degraded_performance"], ["critical"], ("critical", "Major System Outage")),
    ([], [], ("none", "All Systems Operational")),
])
def test_rollup(statuses, impacts, expected) -> None:
    assert rollup(statuses, impacts) == expected


MAINTENANCE = """\
maintenance:
  - key: upgrade
    title: Upgrade
    announced: 2026-12-01 09:00
    start: 2026-12-05 22:00
    end: 2026-12-06 01:00
    components: [cases]
    description: Read-only for a while.
"""


@pytest.mark.parametrize(("now", "state", "cases"), [
    ("2026-11-30 00:00", None, "operational"),
    ("2026-12-01 09:00", "scheduled", "operational"),
    ("2026-12-05 23:00", "in_progress", "under_maintenance"),
    ("2026-12-06 01:00", "completed", "operational"),
])
def test_maintenance_moves_on_by_the_clock(now: str, state: str | None, cases: str) -> None:
    status, found = parse(MAINTENANCE)
    assert found == []
    report = status_report(status, at(now))
    assert [v.status for v in report.maintenances] == ([state] if state else [])
    assert report.statuses["cases"] == cases


def test_uptime_weights_major_fully_partial_at_0_3_and_degraded_not() -> None:
    text = """\
incidents:
  - key: down
    title: Down
    components: {cases: major_outage, email: partial_outage}
    updates:
      - {at: 2026-11-20 00:00, status: investigating, body: x}
      - {at: 2026-11-20 12:00, status: resolved, body: y}
  - key: slow
    title: Slow
    components: {email: degraded_performance}
    updates:
      - {at: 2026-11-22 00:00, status: investigating, body: x}
      - {at: 2026-11-22 06:00, status: resolved, body: y}
"""
    status, found = parse(text, base=BASE.replace("        status: degraded_performance\n", ""))
    assert found == []
    now = at("2026-11-30 00:00")
    report = status_report(status, now)
    window = (now - at("2026-09-02 00:00")).total_seconds()  # 90 days, Sep 2 to Nov 30 (today)
    assert report.uptime["cases"].percent == round(100 * (1 - 12 * 3600 / window), 2)
    assert report.uptime["email"].percent == round(100 * (1 - 0.3 * 12 * 3600 / window), 2)
    days = {d.date.isoformat(): d for d in report.uptime["email"].days}
    assert len(report.uptime["email"].days) == 90
    assert days["2026-11-20"].status == "partial_outage" and days["2026-11-20"].incidents == ("down",)
    assert days["2026-11-22"].status == "degraded_performance" and days["2026-11-22"].incidents == ("slow",)
    assert days["2026-11-21"].status == "operational" and days["2026-11-21"].incidents == ()


def test_overlapping_incidents_count_once_at_the_worst_status() -> None:
    text = """\
incidents:
  - key: one
    title: One
    components: {cases: partial_outage}
    updates:
      - {at: 2026-11-20 00:00, status: investigating, body: x}
      - {at: 2026-11-20 10:00, status: resolved, body: y}
  - key: two
    title: Two
    components: {cases: major_outage}
    updates:
      - {at: 2026-11-20 04:00, status: investigating, body: x}
      - {at: 2026-11-20 06:00, status: resolved, body: y}
"""
    status, _ = parse(text)
    now = at("2026-11-30 00:00")
    report = status_report(status, now)
    window = (now - at("2026-09-02 00:00")).total_seconds()
    down = 2 * 3600 + 0.3 * 8 * 3600
    assert report.uptime["cases"].percent == round(100 * (1 - down / window), 2)
    day = next(d for d in report.uptime["cases"].days if d.date == dt.date(2026, 11, 20))
    assert (day.status, day.incidents) == ("major_outage", ("one", "two"))


def test_a_component_since_a_date_has_no_bars_before_it() -> None:
    text = BASE.replace("        name: Cases\n", "        name: Cases\n        since: 2026-11-01\n")
    status, found = parse("", base=text)
    assert found == []
    report = status_report(status, at("2026-11-30 12:00"))
    days = report.uptime["cases"].days
    assert [d.status for d in days if d.date < dt.date(2026, 11, 1)] == [""] * 60
    assert report.uptime["cases"].percent == 100.0
