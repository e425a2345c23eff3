"""Months over arrays of dates (numpy ``datetime64``), for the vectorised formulas: the month count, the day
within the month, the same day some months later, 1 January of the year before, and a day as the number
YYYYMMDD. The scalar counterpart, for one date at a time, is :mod:`socsec.core.months`: the difference of two
month counts here equals the difference of their ``month_index`` there (the counts start at 1970-01 here,
as the parameters ``retirement.*.first_birth_month_index`` are written)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[Any]


def months_since_epoch(dates: Array) -> npt.NDArray[np.int64]:
    """Months from 1970-01 to the month of each date."""
    return np.asarray(dates, dtype="datetime64[M]").astype(np.int64)


def days_into_month(dates: Array) -> npt.NDArray[np.int64]:
    """Days from the first of its month to each date (0 on the first)."""
    days = np.asarray(dates, dtype="datetime64[D]")
    result: npt.NDArray[np.int64] = (days - days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    return result


def same_day_months_later(dates: Array, months: Array) -> Array:
    """The same day of the month ``months`` months after each date, or the last day of that month where it
    has no such day (31 January + 1 month -> 28 or 29 February)."""
    days = np.asarray(dates, dtype="datetime64[D]")
    month = days.astype("datetime64[M]")
    later = month + np.asarray(months).astype(np.int64)
    last_day = (later + 1).astype("datetime64[D]") - 1
    result: Array = np.minimum(later.astype("datetime64[D]") + (days - month.astype("datetime64[D]")), last_day)
    return result


def first_of_last_year(dates: Array) -> Array:
    """1 January of the year before each date."""
    year = np.asarray(dates, dtype="datetime64[Y]")
    previous: Array = (year - 1).astype("datetime64[D]")
    return previous


def as_yyyymmdd(dates: Array) -> npt.NDArray[np.float64]:
    """Each date as the number YYYYMMDD (how a parameter holds a deadline), as float64 to compare with it."""
    days = np.asarray(dates, dtype="datetime64[D]")
    months = days.astype("datetime64[M]").astype(np.int64)
    years = months // 12 + 1970
    number = years * 10000 + (months % 12 + 1) * 100 + days_into_month(days) + 1
    result: npt.NDArray[np.float64] = number.astype(np.float64)
    return result
