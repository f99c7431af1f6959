"""kb.status.view: the templates' contexts in the page's time zone (never UTC by default), as plain data;
the incident history lists each incident once, under the month it started in, with its span; the uptime days."""

from __future__ import annotations

import dataclasses
import datetime as dt

from statustest import INCIDENT, parse

from kb.speed.pages import fingerprint
from kb.status import StatusLinks, parse_status
from kb.status.report import status_report
from kb.status.view import StatusView, article_issues
from kb.content.yamlpos import load_yaml

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


# --- times, pages and what the templates get ---------------------------------------------------

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))  # a zone without a name to look up again


def test_times_are_shown_in_the_page_time_zone() -> None:
    moment = dt.datetime(2026, 11, 10, 15, 42, tzinfo=dt.UTC)
    assert view().when(moment) == {"text": "Nov 10, 2026, 07:42 PST", "iso": "2026-11-10T07:42:00-08:00", "day": "Nov 10, 2026"}
    assert view().when(None) is None


def test_the_view_uses_the_zone_the_model_carries() -> None:
    """No second look-up by name: a zone the parser never names is still the one every time is shown in."""
    status, found = parse_status(load_yaml(DOC), "content/status.yaml", StatusLinks())
    assert found == ()
    status = dataclasses.replace(status, page=dataclasses.replace(status.page, time_zone=IST))
    shown = StatusView(status_report(status, NOW), {}, {})
    assert shown.when(dt.datetime(2026, 11, 10, 15, 42, tzinfo=dt.UTC))["text"] == "Nov 10, 2026, 21:12 UTC+05:30"
    page = shown.status_page()["page"]
    assert page["time_zone"] == "UTC+05:30" and page["updated"]["iso"] == "2026-11-19T01:30:00+05:30"
    long = shown.incident("long")["incident"]
    assert long["started"]["iso"] == "2026-11-10T21:12:00+05:30"  # 07:42 PST as written (15:42 UTC), shown at +05:30


def test_every_context_is_plain_data_and_names_the_time_zone() -> None:
    """The page cache keys a page on its context: a tzinfo in it would make every status page uncacheable."""
    shown = view()
    page = shown.status_page()
    assert page["page"]["time_zone"] == "America/Los_Angeles"
    for context in (page, shown.history(), shown.incident("long"), shown.feed(lambda path: "https://x.example" + path),
                    {"badge": shown.badge()}):
        assert fingerprint(context)  # raises Uncacheable on anything but plain data


def test_the_status_page_groups_components_and_lists_what_is_open() -> None:
    page = view().status_page()
    assert page["overall"] == {"indicator": "major", "description": "Partial System Outage", "level": "major", "url": "/status/"}
    [desk] = page["groups"]
    assert (desk["status"], desk["label"], desk["level"]) == ("partial_outage", "Partial outage", "major")
    assert [(c["name"], c["label"]) for c in desk["components"]] == [
        ("Cases", "Partial outage"), ("Email", "Operational"), ("Chat", "Operational")]
    window = (NOW - dt.datetime(2026, 8, 21, 7, tzinfo=dt.UTC)).total_seconds()  # since Aug 21, 00:00 PDT
    email = 100 * (1 - 0.3 * 40 * 60 / window)  # "clocks-back": 40 minutes of partial outage; degraded counts as up
    assert desk["components"][1]["uptime"] == f"{email:.2f} %" == "99.99 %"
    assert [i["key"] for i in page["incidents"]] == ["long"]
    assert page["upcoming"] == [] and page["ongoing"] == []  # "upcoming" is announced when it starts, on Dec 5
    assert [i["key"] for i in page["recent"]] == ["same-day", "short", "clocks-back", "month-end", "year-end"]
    assert page["page"]["updated"]["text"] == "Nov 18, 2026, 12:00 PST"
    assert page["first_day"] == "Aug 21, 2026"


def test_an_incident_page_has_its_timeline_newest_first() -> None:
    item = view().incident("long")["incident"]
    assert (item["status_label"], item["impact_label"], item["level"], item["open"]) == ("Identified", "Major", "major", True)
    assert item["components"] == [{"name": "Cases", "status": "partial_outage", "label": "Partial outage", "level": "major"}]
    assert [(u["label"], u["when"]["text"], u["changes"]) for u in item["updates"]] == [
        ("Identified", "Nov 14, 2026, 09:00 PST", []),
        ("Investigating", "Nov 10, 2026, 07:42 PST", ["Cases: Operational → Partial outage"]),
    ]
    window = view().incident("till-midnight")["incident"]["window"]
    assert (window["start"]["text"], window["end"]["text"]) == ("Oct 24, 2026, 22:00 PDT", "Oct 25, 2026, 00:00 PDT")


def test_the_badge_names_the_overall_status_in_its_colour() -> None:
    badge = view().badge()
    assert (badge["message"], badge["colour"]) == ("Partial System Outage", "#c2410c")
    assert badge["width"] == badge["left"] + badge["right"] and badge["left"] < badge["right"]
    quiet = view(dt.datetime(2025, 12, 1, tzinfo=dt.UTC)).badge()  # before every incident
    assert (quiet["message"], quiet["colour"]) == ("All Systems Operational", "#2e7d32")


def test_open_incidents_name_their_articles_as_known_issues() -> None:
    status, found = parse(INCIDENT)
    assert found == []
    open_now = status_report(status, dt.datetime(2026, 11, 10, 9, 0, tzinfo=dt.UTC))
    assert article_issues(open_now) == {"billing/refund.md": [
        {"title": "Email delayed", "url": "/status/incidents/mail-delay/", "status_label": "Monitoring"}]}
    assert article_issues(status_report(status, dt.datetime(2026, 11, 11, tzinfo=dt.UTC))) == {}
