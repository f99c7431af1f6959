"""Times of status.yaml and the build's clock: parsing, and the range in which kb's date arithmetic is safe."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import UsageError

# Every time kb reasons about (the clock, status.yaml's times) lies in this range, so that the 90-day
# uptime window, a day's end and any time zone's shift stay inside the years 1 to 9999 that Python's
# dates can hold. 1970 is where SOURCE_DATE_EPOCH counts from.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9998, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
RANGE = "from 1970 to 9998"


def in_range(moment: dt.datetime) -> bool:
    """True when the aware `moment` lies between EARLIEST and LATEST (comparing never overflows)."""
    return EARLIEST <= moment <= LATEST


class ClockError(UsageError):
    """The build's clock is outside the range kb can reason about; exits with status 2."""


def epoch_time(digits: str) -> dt.datetime:
    """SOURCE_DATE_EPOCH's seconds since 1970 as a UTC time; ClockError when past LATEST."""
    seconds = int(digits)
    if seconds > (LATEST - EARLIEST).total_seconds():
        raise ClockError(f"SOURCE_DATE_EPOCH is out of range: '{digits}' (seconds since 1970, "
                         f"at most {int((LATEST - EARLIEST).total_seconds())}: the end of 9998)")
    return EARLIEST + dt.timedelta(seconds=seconds)


def parse_datetime(value: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """A YAML timestamp, date or ISO 8601 string as an aware datetime; times without an offset are in `zone`."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def show(moment: dt.datetime) -> str:
    """A time as status.yaml writes it, for messages."""
    return moment.strftime("%Y-%m-%d %H:%M")
