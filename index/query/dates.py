"""Dates in filters: ``2018``, ``2018-05``, ``2018-05-21`` and ranges ``A..B``.

A period becomes a day number YYYYMMDD, its first day for ``since`` and its
last day for ``until`` (``until:2018-02`` ends on 2018-02-28).  Arabic-Indic
digits and ``/`` separators are accepted.  Unreadable dates raise
:class:`ValueError` with a message for the user.
"""
from __future__ import annotations

import calendar
from datetime import date

from ..analysis import normalize

EXAMPLE = "2018, 2018-05 or 2018-05-21"


def day(value: str, *, end: bool = False) -> int:
    """``2018-05`` → 20180501 (or 20180531 with ``end``)."""
    v = normalize(value.strip()).replace("/", "-")
    parts = v.split("-")
    try:
        nums = [int(p) for p in parts]
        if not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
            raise ValueError
        if len(nums) == 1:
            y, m, d = nums[0], 12 if end else 1, 31 if end else 1
        elif len(nums) == 2:
            y, m = nums
            d = calendar.monthrange(y, m)[1] if end else 1
        elif len(nums) == 3:
            y, m, d = nums
        else:
            raise ValueError
        date(y, m, d)  # validates month and day
    except (ValueError, calendar.IllegalMonthError):
        raise ValueError(f"expected a date such as {EXAMPLE}, got {value!r}") from None
    return y * 10000 + m * 100 + d


def day_range(value: str) -> tuple[int | None, int | None]:
    """``2018-04..2018-05`` → (20180401, 20180531); ``2018-04`` → the whole month;
    an open end (``2018..``, ``..2018-05``) is None."""
    v = value.strip()
    if ".." in v:
        a, _, b = v.partition("..")
        return (day(a) if a.strip() else None, day(b, end=True) if b.strip() else None)
    return day(v), day(v, end=True)
