"""kb.model: the few behaviours the data objects have."""

from __future__ import annotations

import datetime as dt

from kb.model import Notice

D = dt.date


def test_notice_active_inside_its_dates() -> None:
    notice = Notice("x", start=D(2020, 3, 2), end=D(2020, 3, 4))
    assert [notice.active(D(2020, 3, day)) for day in range(1, 6)] == [False, True, True, True, False]


def test_notice_open_ended() -> None:
    assert Notice("x").active(D(1999, 1, 1))
    assert Notice("x", start=D(2020, 3, 2)).active(D(2030, 1, 1))
    assert not Notice("x", start=D(2020, 3, 2)).active(D(2020, 3, 1))
    assert Notice("x", end=D(2020, 3, 2)).active(D(2000, 1, 1))
    assert not Notice("x", end=D(2020, 3, 2)).active(D(2020, 3, 3))
