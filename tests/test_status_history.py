"""The incident history lists each incident once, under the month it started in, with its span; the uptime days."""

from __future__ import annotations

import datetime as dt
import re

import yaml
from kbtest import REPO

from kb.status import incidents, parse
from kb.status import StatusLinks, parse_status
from kb.status.report import status_report
from kb.status.view import StatusView
from kb.yamlpos import load_yaml

DOC = """\
page:
  time_zone: America/Los_Angeles
groups:
  - key: desk
    name: Desk
    components:
      - {key: cases, name: Cases}
      - {key: email, name: Email}
      - {key: chat, name: Chat}
incidents:
  - key: long
    title: Eight days and counting
    components: {cases: partial_outage}
    updates:
      - {at: 2026-11-10 07:42, status: investigating, body: x}
      - {at: 2026-11-14 09:00, status: identified, body: y}
  - key: same-day
    title: A morning
    components: {email: degraded_performance}
    updates:
      - {at: 2026-11-05 07:42, status: investigating, body: x}
      - {at: 2026-11-05 12:30, status: resolved, body: y}
  - key: month-end
    title: Over a month's end
    started: 2026-10-30 22:00
    components: {chat: major_outage}
    updates:
      - {at: 2026-10-30 22:10, status: investigating, body: x}
      - {at: 2026-11-02 03:00, status: resolved, body: y}
  - key: year-end
    title: Over a year's end
    components: {chat: partial_outage}
    updates:
      - {at: 2025-12-30 10:00, status: investigating, body: x}
      - {at: 2026-01-02 08:00, status: resolved, body: y}
  - key: clocks-back
    title: While the clocks went back
    components: {email: partial_outage}
    updates:
      - {at: "2026-11-01T01:30:00-07:00", status: investigating, body: x}
      - {at: "2026-11-01T01:10:00-08:00", status: resolved, body: y}
  - key: short
    title: An hour
    components: {chat: degraded_performance}
    updates:
      - {at: 2026-11-01 10:00, status: investigating, body: x}
      - {at: 2026-11-01 11:00, status: resolved, body: y}
maintenance:
  - key: till-midnight
    title: Until midnight
    start: 2026-10-24 22:00
    end: 2026-10-25 00:00
    components: [chat]
  - key: upcoming
    title: Not yet
    start: 2026-12-05 22:00
    end: 2026-12-06 01:00
    components: [cases]
"""
NOW = dt.datetime(2026, 11, 18, 20, 0, tzinfo=dt.UTC)  # Nov 18, 12:00 PST: "long" has been open 8 days


def view(now: dt.datetime = NOW) -> StatusView:
    status, found = parse_status(load_yaml(DOC), "content/status.yaml", StatusLinks())
    assert found == ()
    return StatusView(status_report(status, now), {}, {})


def spans(entry: dict) -> tuple[str, str]:
    span = entry["span"]
    return span["start"]["text"], span["end"]["text"] if span["end"] else "ongoing"


def test_each_incident_is_listed_once_under_the_month_it_started() -> None:
    months = view().history()["months"]
    assert [(m["id"], m["label"], [e["key"] for e in m["entries"]]) for m in months] == [
        ("2026-11", "November 2026", ["long", "same-day", "short", "clocks-back"]),  # newest first
        ("2026-10", "October 2026", ["month-end", "till-midnight"]),
        ("2025-12", "December 2025", ["year-end"]),
    ]  # the upcoming maintenance has not begun: it is not history yet


def test_spans_are_as_short_as_is_clear() -> None:
    entries = {e["key"]: e for m in view().history()["months"] for e in m["entries"]}
    assert {key: spans(entry) for key, entry in entries.items()} == {
        "long": ("Nov 10, 07:42 PST", "ongoing"),
        "same-day": ("Nov 5, 07:42", "12:30 PST"),
        "short": ("Nov 1, 10:00", "11:00 PST"),
        "clocks-back": ("Nov 1, 01:30 PDT", "01:10 PST"),
        "month-end": ("Oct 30", "Nov 2"),
        "till-midnight": ("Oct 24, 22:00", "00:00 PDT"),
        "year-end": ("Dec 30, 2025", "Jan 2, 2026"),
    }
    long = entries["long"]["span"]
    assert long["start"]["iso"] == "2026-11-10T07:42:00-08:00" and long["end"] is None
    assert entries["month-end"]["span"]["end"]["iso"] == "2026-11-02T03:00:00-08:00"


def test_a_closed_incident_is_still_listed_once() -> None:
    later = view(dt.datetime(2026, 12, 20, tzinfo=dt.UTC))
    keys = [e["key"] for m in later.history()["months"] for e in m["entries"]]
    assert sorted(keys) == sorted(set(keys)) and "upcoming" in keys  # the maintenance ran meanwhile


def test_the_feeds_list_each_incident_once() -> None:
    entries = view().feed(lambda path: "https://help.example" + path)["entries"]
    links = [e["link"] for e in entries]
    assert len(links) == len(set(links)) == 7  # every incident and maintenance announced by now


def test_uptime_days_carry_their_date_status_and_incidents() -> None:
    bars = view().component("cases")["bars"]
    # Aug 21 - Nov 18: 60 older days (hidden on narrow screens), then 30: 20 quiet, 9 of the open incident, today
    assert [(b["dates"], b["old"], b["days"]) for b in bars[:2]] == [
        ("Aug 21 – Oct 19, 2026", True, 60), ("Oct 20 – Nov 9, 2026", False, 21)]
    assert bars[0]["label"] == "Aug 21 – Oct 19, 2026: Operational" and bars[0]["incidents"] == []
    days = bars[2:]
    assert [b["dates"] for b in days] == [f"Nov {n}, 2026" for n in range(10, 19)]
    assert all(b["days"] == 1 and not b["old"] and b["status"] == "Partial outage" for b in days)
    assert all(b["incidents"] == [{"title": "Eight days and counting", "url": "/status/incidents/long/"}] for b in days)
    assert days[0]["label"] == "Nov 10, 2026: Partial outage – Eight days and counting"


def test_a_day_with_two_incidents_lists_both() -> None:
    chat = {b["dates"]: b for b in view().component("chat")["bars"]}
    assert [i["url"] for i in chat["Nov 1, 2026"]["incidents"]] == ["/status/incidents/month-end/", "/status/incidents/short/"]
    assert chat["Nov 1, 2026"]["label"] == "Nov 1, 2026: Major outage – Over a month's end; An hour"
    assert [i["url"] for i in chat["Nov 2, 2026"]["incidents"]] == ["/status/incidents/month-end/"]
    assert chat["Oct 24, 2026"]["status"] == "Under maintenance"
    assert chat["Oct 30, 2026"]["status"] == "Major outage"


# --- the README's status.yaml ---------------------------------------------------------------


def _keys(data, path: str = "") -> set[str]:
    """Every key of a status.yaml document as a path: groups.components.since, incidents.updates.at, …"""
    found: set[str] = set()
    if isinstance(data, list):
        for item in data:
            found |= _keys(item, path)
    elif isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            found.add(here)
            if not (key == "components" and isinstance(value, dict)):  # not a map of component keys to statuses
                found |= _keys(value, here)
    return found


def test_the_readme_example_shows_every_key_of_status_yaml() -> None:
    """Each key the parser accepts, and each key the example content uses, appears in the README's example."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## System status"):]
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))
    shown = _keys(example)
    accepted = {f"{where}.{key}" if where else key for where, keys in (
        ("", parse.TOP_KEYS), ("page", parse.PAGE_KEYS), ("groups", parse.GROUP_KEYS),
        ("groups.components", parse.COMPONENT_KEYS), ("incidents", incidents.INCIDENT_KEYS),
        ("maintenance", incidents.MAINTENANCE_KEYS), ("incidents.updates", incidents.UPDATE_KEYS),
        ("maintenance.updates", incidents.UPDATE_KEYS),
    ) for key in keys} - {"maintenance.updates.components"}  # the same as an incident update's, shown there
    used = _keys(yaml.safe_load((REPO / "content" / "status.yaml").read_text(encoding="utf-8")))
    assert accepted - shown == set(), "keys the README's example leaves out"
    assert used - shown == set(), "keys of content/status.yaml the README's example leaves out"
