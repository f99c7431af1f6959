"""kb.status.parse: status.yaml read and checked with positions; the time zone validated once; stable ids."""

from __future__ import annotations

import datetime as dt
import pickle
import re
import zoneinfo

import pytest
import yaml
from kbtest import REPO
from statustest import BASE, INCIDENT, parse

from kb.status import stable_id
from kb.status.incidents import INCIDENT_KEYS, MAINTENANCE_KEYS, UPDATE_KEYS
from kb.status.parse import COMPONENT_KEYS, GROUP_KEYS, PAGE_KEYS, TOP_KEYS


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


# --- the time zone ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Europe/Paris", "America/Los_Angeles", "Etc/UTC", "UTC", "Asia/Kolkata"])
def test_the_time_zone_is_validated_once_and_carried_as_a_tzinfo(name: str) -> None:
    status, found = parse(INCIDENT, base=BASE.replace("Etc/UTC", name))
    assert found == []
    zone = status.page.time_zone
    assert isinstance(zone, dt.tzinfo) and zone is zoneinfo.ZoneInfo(name)
    assert status.page.time_zone_name == name
    assert all(u.at.tzinfo is zone for u in status.incidents[0].updates)  # written without an offset: in the zone
    assert pickle.loads(pickle.dumps(status)) == status  # the caches pickle the model


def test_without_a_time_zone_the_page_is_in_etc_utc() -> None:
    status, found = parse(INCIDENT, base=BASE.replace("  time_zone: Etc/UTC\n", ""))
    assert found == []
    assert status.page.time_zone_name == "Etc/UTC"
    assert status.incidents[0].updates[0].at.utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize("name", ["Europe/Pariss", "Mars/Olympus", "America", "zone.tab", "/etc/localtime", "Etc/../UTC"])
def test_an_unknown_time_zone_is_reported_once_at_its_position(name: str) -> None:
    """Once, where it is written; the rest of the file is still checked, its times read as UTC."""
    _, found = parse(INCIDENT, base=BASE.replace("Etc/UTC", f"'{name}'"))
    assert found == [f"content/status.yaml:3:14: unknown time zone '{name}' "
                     "(use a name such as Etc/UTC or America/Los_Angeles)"]
    _, found = parse(INCIDENT.replace("title: Email delayed", "title: Email delayed\n    impact: huge"),
                     base=BASE.replace("Etc/UTC", f"'{name}'"))
    assert len(found) == 2 and "unknown impact 'huge'" in found[1]


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
        ("", TOP_KEYS), ("page", PAGE_KEYS), ("groups", GROUP_KEYS),
        ("groups.components", COMPONENT_KEYS), ("incidents", INCIDENT_KEYS),
        ("maintenance", MAINTENANCE_KEYS), ("incidents.updates", UPDATE_KEYS),
        ("maintenance.updates", UPDATE_KEYS),
    ) for key in keys} - {"maintenance.updates.components"}  # the same as an incident update's, shown there
    used = _keys(yaml.safe_load((REPO / "content" / "status.yaml").read_text(encoding="utf-8")))
    assert accepted - shown == set(), "keys the README's example leaves out"
    assert used - shown == set(), "keys of content/status.yaml the README's example leaves out"
