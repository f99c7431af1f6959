"""kb.status.times: status.yaml's times read in the page's zone; times at the edges: the clock (--now,
SOURCE_DATE_EPOCH) and status.yaml's times from year 1 to 9999.

Each build runs in a subprocess with a 20 s timeout: a time that made kb walk every day since year 1
(44 s, then an OverflowError) fails here by timing out, without any timing in the assertions.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from kbtest import ISOLATED, write_tree

from kb.build import build_clock
from kb.status import StatusLinks, parse_status
from kb.status.times import EARLIEST, LATEST, ClockError, in_range, parse_datetime, show
from kb.content.yamlpos import load_yaml

FAST = 20  # seconds: every build here takes well under one

STATUS = """\
page:
  time_zone: {zone}
groups:
  - key: g
    name: G
    components:
      - key: c
        name: C{since}
incidents:
  - key: i
    title: Incident I
    components: {{c: partial_outage}}
    updates:
      - at: '{at}'
        status: investigating
        body: Looking.
maintenance:
  - key: m
    title: Maintenance M
    start: '{at}'
    end: '9998-12-31 23:59:59Z'
    components: [c]
"""


def project(root: Path, zone: str = "Etc/UTC", at: str = "2026-11-10 07:00", since: str = "") -> Path:
    """A one-article site with a status.yaml holding one incident and one maintenance, both starting at `at`."""
    status = STATUS.format(zone=zone, at=at, since=f"\n        since: {since}" if since else "")
    write_tree(root, {"content/a.md": "---\ntitle: A\n---\nHello.\n", "content/status.yaml": status})
    return root / "content"


def kb(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`kb build` (or the command in `args`) in a subprocess that must end within FAST seconds."""
    command = list(args) if args and args[0] in ("build", "check") else ["build", *args]
    if command[0] == "build":
        command += ["--out", str(root / "out"), "--no-search", "--no-cache"]
    environment = {**os.environ, **ISOLATED}
    environment.pop("SOURCE_DATE_EPOCH", None)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "kb", *command, "--content", str(root / "content")], cwd=root,
                          env=environment, capture_output=True, text=True, timeout=FAST)


# --- reading a time ---------------------------------------------------------------------------


def test_times_without_offset_are_in_the_page_time_zone() -> None:
    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    utc = dt.datetime(2026, 11, 10, 7, 42, tzinfo=dt.UTC)
    assert parse_datetime("2026-11-10 07:42", zone).utcoffset() == dt.timedelta(hours=-8)
    assert parse_datetime("2026-07-10 07:42", zone).utcoffset() == dt.timedelta(hours=-7)
    assert parse_datetime("2026-11-10T07:42:00Z", zone) == utc
    assert parse_datetime(dt.datetime(2026, 11, 10, 7, 42, tzinfo=dt.UTC), zone) == utc
    assert parse_datetime(dt.datetime(2026, 11, 10, 7, 42), zone) == utc + dt.timedelta(hours=8)  # YAML's naive timestamp
    assert parse_datetime(dt.date(2026, 11, 10), zone) == dt.datetime(2026, 11, 10, tzinfo=zone)
    assert parse_datetime("soon", zone) is None
    assert parse_datetime(42, zone) is None


def test_the_range_and_how_messages_show_a_time() -> None:
    assert in_range(EARLIEST) and in_range(LATEST)
    assert not in_range(EARLIEST - dt.timedelta(seconds=1)) and not in_range(LATEST + dt.timedelta(seconds=1))
    assert show(dt.datetime(2026, 11, 10, 7, 42, 59, tzinfo=dt.UTC)) == "2026-11-10 07:42"


# --- the clock ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "check"])
@pytest.mark.parametrize("now", ["0001-01-01", "9999-12-31", "1969-12-31T23:59:59Z", "9999-01-01T00:00:00Z",
                                 "0001-01-01T00:00:00+14:00", "9998-12-31T23:59:59-12:00"])
def test_now_outside_the_range_is_a_usage_error(tmp_path: Path, command: str, now: str) -> None:
    project(tmp_path)
    done = kb(tmp_path, command, "--now", now)
    assert done.returncode == 2, done.stderr
    assert f"Invalid value for '--now': must be a time from 1970 to 9998, not '{now}'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("epoch", ["99999999999999999999", "253370764800"])
def test_source_date_epoch_past_9998_is_a_usage_error(tmp_path: Path, epoch: str) -> None:
    project(tmp_path)
    done = kb(tmp_path, "build", env={"SOURCE_DATE_EPOCH": epoch})
    assert done.returncode == 2, done.stderr
    assert (f"SOURCE_DATE_EPOCH is out of range: '{epoch}' (seconds since 1970, at most 253370764799: the end of 9998)"
            in done.stderr)
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_source_date_epoch_at_both_ends_of_the_range_builds(tmp_path: Path) -> None:
    project(tmp_path)
    for epoch in ("0", "253370764799"):
        done = kb(tmp_path, "build", env={"SOURCE_DATE_EPOCH": epoch})
        assert done.returncode == 0, (epoch, done.stderr)


def test_build_clock_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253370764799")
    assert build_clock() == LATEST
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_clock() == EARLIEST
    for value in ("253370764800", "99999999999999999999"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        with pytest.raises(ClockError, match="SOURCE_DATE_EPOCH is out of range") as caught:
            build_clock()
        assert caught.value.exit_code == 2
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "²")  # a digit to str.isdigit, not to int(): the wall clock, as for "yesterday"
    assert abs(build_clock() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


# --- status.yaml's times --------------------------------------------------------------------


@pytest.mark.parametrize(("zone", "at", "since", "expected"), [
    ("Asia/Tokyo", "0001-01-01 00:00", "", [
        "content/status.yaml:14:13: 'at' is out of range: '0001-01-01 00:00' (use a time from 1970 to 9998)",
        "content/status.yaml:20:12: 'start' is out of range: '0001-01-01 00:00' (use a time from 1970 to 9998)"]),
    ("America/Los_Angeles", "9999-12-31 23:59", "", [
        "content/status.yaml:14:13: 'at' is out of range: '9999-12-31 23:59' (use a time from 1970 to 9998)",
        "content/status.yaml:20:12: 'start' is out of range: '9999-12-31 23:59' (use a time from 1970 to 9998)"]),
    ("Etc/UTC", "1969-12-31 23:59Z", "0001-01-01", [
        "content/status.yaml:9:16: 'since' is out of range: '0001-01-01' (use a date from 1970 to 9998)",
        "content/status.yaml:15:13: 'at' is out of range: '1969-12-31 23:59Z' (use a time from 1970 to 9998)",
        "content/status.yaml:21:12: 'start' is out of range: '1969-12-31 23:59Z' (use a time from 1970 to 9998)"]),
])
def test_status_times_outside_the_range_are_errors_at_their_position(zone: str, at: str, since: str, expected: list) -> None:
    text = STATUS.format(zone=zone, at=at, since=f"\n        since: {since}" if since else "")
    _, found = parse_status(load_yaml(text), "content/status.yaml", StatusLinks())
    assert [d.format() for d in found] == expected


def test_an_update_in_year_1_east_of_utc_fails_fast_with_its_position(tmp_path: Path) -> None:
    """It used to walk every day from year 1 (44 s), then raise OverflowError."""
    project(tmp_path, zone="Asia/Tokyo", at="0001-01-01 00:00")
    done = kb(tmp_path, "build", "--now", "2026-01-01")
    assert done.returncode == 1, done.stderr
    assert f"{tmp_path / 'content'}/status.yaml:14:13: 'at' is out of range: '0001-01-01 00:00'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_last_moment_west_of_utc_fails_fast_with_its_position(tmp_path: Path) -> None:
    project(tmp_path, zone="America/Los_Angeles", at="9999-12-31 23:59")
    done = kb(tmp_path, "check", "--now", "2026-01-01")
    assert done.returncode == 1, done.stderr
    assert f"{tmp_path / 'content'}/status.yaml:14:13: 'at' is out of range: '9999-12-31 23:59'" in done.stderr


@pytest.mark.parametrize(("zone", "at", "since", "now", "listed"), [
    ("Asia/Tokyo", "2026-11-10 07:00", "", "1970-01-01T00:00:00Z", []),  # the clock long before every incident
    ("Pacific/Kiritimati", "9999-01-01 13:59", "", "9998-12-31T23:59:59Z", ["m", "i"]),  # the last minute, 14 h east
    ("Etc/GMT+12", "9998-12-31 11:59", "", "9998-12-31T23:59:59Z", ["m", "i"]),  # the last minute, 12 h west
    ("Asia/Tokyo", "1970-01-01 09:00", "", "2026-11-26T20:00:00Z", ["m", "i"]),  # open since the first moment
    ("Etc/GMT+12", "1970-01-01 00:00Z", "", "1970-01-01T00:00:00Z", ["m", "i"]),  # the first moment, 12 h west
    ("Asia/Tokyo", "2026-11-10 07:00", "9998-12-31", "2026-12-01T00:00:00Z", ["m", "i"]),  # a component from 9998
    ("Asia/Tokyo", "2026-11-10 07:00", "", "9998-12-31T23:59:59Z", ["m", "i"]),  # the clock far after every incident
    ("Asia/Tokyo", "9000-01-01 00:00", "", "2026-11-26T20:00:00Z", []),  # incidents far in the future
])
def test_times_at_the_edges_build(tmp_path: Path, zone: str, at: str, since: str, now: str, listed: list) -> None:
    project(tmp_path, zone=zone, at=at, since=since)
    done = kb(tmp_path, "build", "--now", now)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "out" / "status"
    bars = re.findall(r'<li class="bar bar-\w+( bar-old)?"(?: style="--n: (\d+)")?>', (out / "index.html").read_text("utf-8"))
    assert sum(int(n or 1) for _, n in bars) == 90 and sum(int(n or 1) for old, n in bars if not old) == 30
    history = (out / "history" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<li id="incident-(\w+)">', history) == listed  # each once, newest first (a tie in reverse key order)
