"""Months as whole numbers: a month's index is year x 12 + month - 1, so that month arithmetic is integer
arithmetic; its name is YYYY-MM. The one place where months are counted for one date at a time (the
vectorised formulas count them over arrays in :mod:`socsec.rules.months`)."""

from __future__ import annotations

import datetime as dt


def month_index(month: str | dt.date) -> int:
    """The index of a month named YYYY-MM, or of the month a day falls in."""
    if isinstance(month, dt.date):
        return month.year * 12 + month.month - 1
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def month_name(index: int) -> str:
    """YYYY-MM of a month's index."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_year(index: int) -> int:
    """The year a month's index falls in."""
    return index // 12


def month_first_day(index: int) -> dt.date:
    """The first day of a month's index."""
    return dt.date(index // 12, index % 12 + 1, 1)


def month_last_day(index: int) -> dt.date:
    """The last day of a month's index."""
    return month_first_day(index + 1) - dt.timedelta(days=1)


def month_of(day: dt.date, add: int = 0) -> str:
    """YYYY-MM of the month a day falls in, or of the month ``add`` months after it."""
    return month_name(month_index(day) + add)


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end``: a month is whole once ``end`` reaches the day of the month
    ``start`` fell on (31 January to 28 February: 0)."""
    return month_index(end) - month_index(start) - (1 if end.day < start.day else 0)
