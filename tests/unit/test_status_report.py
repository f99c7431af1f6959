"""kb.status.report: timelines, current statuses, the rollup, maintenance by the clock, uptime, in the page's zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from statustest import BASE, INCIDENT, at, parse

from kb.status.report import rollup, status_report, worst


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


LA = zoneinfo.ZoneInfo("America/Los_Angeles")
EVENING = """\
incidents:
  - key: evening
    title: An evening outage
    components: {cases: major_outage}
    updates:
      - {at: "2026-11-20T02:00:00Z", status: investigating, body: x}
      - {at: "2026-11-20T03:00:00Z", status: resolved, body: y}
"""


@pytest.mark.parametrize(("zone", "day"), [("Etc/UTC", dt.date(2026, 11, 20)), ("America/Los_Angeles", dt.date(2026, 11, 19))])
def test_uptime_days_are_the_page_time_zone_days(zone: str, day: dt.date) -> None:
    """02:00-03:00 UTC on Nov 20 is 18:00-19:00 on Nov 19 in Los Angeles: the bar of that day shows it."""
    status, found = parse(EVENING, base=BASE.replace("Etc/UTC", zone))
    assert found == []
    days = status_report(status, at("2026-11-30 12:00")).uptime["cases"].days
    assert [(d.date, d.status, d.incidents) for d in days if d.incidents] == [(day, "major_outage", ("evening",))]
    assert days[-1].date == dt.date(2026, 11, 30)


def test_the_uptime_window_starts_at_midnight_in_the_page_time_zone() -> None:
    """89 days and 12:00 + 8 hours of Nov 30 in Los Angeles; one hour of major outage in it."""
    status, _ = parse(EVENING, base=BASE.replace("Etc/UTC", "America/Los_Angeles"))
    now = at("2026-11-30 20:00")  # 12:00 PST
    report = status_report(status, now)
    window = (now - dt.datetime(2026, 9, 2, tzinfo=LA)).total_seconds()
    assert report.uptime["cases"].percent == round(100 * (1 - 3600 / window), 2)
    assert report.uptime["cases"].days[0].date == dt.date(2026, 9, 2)


def test_a_component_since_a_date_came_into_being_at_its_midnight_in_the_page_time_zone() -> None:
    text = BASE.replace("Etc/UTC", "America/Los_Angeles").replace("        name: Cases\n", "        name: Cases\n        since: 2026-11-01\n")
    status, found = parse(INCIDENT, base=text)
    assert found == []
    report = status_report(status, at("2026-11-30 12:00"))
    assert report.created["cases"] == dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC)  # midnight PDT
    assert report.created["email"] == dt.datetime(2026, 11, 10, 15, 0, tzinfo=dt.UTC)  # the file's first moment: 07:00 PST


def test_a_component_was_updated_when_its_status_last_changed() -> None:
    status, _ = parse(INCIDENT)
    report = status_report(status, at("2026-11-11 00:00"))
    assert report.updated == {"cases": at("2026-11-10 07:00"), "email": at("2026-11-10 10:00")}
    open_now = status_report(status, at("2026-11-10 09:00"))
    assert open_now.updated["email"] == at("2026-11-10 08:00")  # its last change; the open piece ends later


def test_worst_is_the_most_severe_status() -> None:
    assert worst([]) == "operational"
    assert worst(["degraded_performance", "under_maintenance", "operational"]) == "degraded_performance"
    assert worst(["partial_outage", "major_outage", "degraded_performance"]) == "major_outage"
    assert worst(iter(["under_maintenance"])) == "under_maintenance"


def test_incidents_are_newest_first_and_maintenances_apart() -> None:
    text = INCIDENT + """\
  - key: later
    title: Later
    components: {cases: degraded_performance}
    updates:
      - {at: 2026-11-12 07:00, status: investigating, body: x}
maintenance:
  - key: upgrade
    title: Upgrade
    start: 2026-11-11 22:00
    end: 2026-11-11 23:00
    components: [cases]
"""
    status, found = parse(text)
    assert found == []
    report = status_report(status, at("2026-11-13 00:00"))
    assert [v.incident.key for v in report.incidents] == ["later", "mail-delay"]
    assert [(v.incident.key, v.status, v.impact) for v in report.maintenances] == [("upgrade", "completed", "maintenance")]
    assert report.statuses == {"cases": "degraded_performance", "email": "degraded_performance"}
    assert (report.indicator, report.description) == ("minor", "Degraded System Service")
