"""Months over arrays of dates (rules/months.py) agree with the scalar month arithmetic of socsec.core.months
and with the loops they replace."""

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from socsec.core.months import month_index
from socsec.rules.months import (
    as_yyyymmdd,
    days_into_month,
    first_of_last_year,
    months_since_epoch,
    same_day_months_later,
)

DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@given(st.lists(DAYS, min_size=1, max_size=20))
def test_month_counts_are_the_month_index_from_1970(days):
    counts = months_since_epoch(np.array(days, dtype="datetime64[D]"))
    assert counts.tolist() == [month_index(d) - month_index(dt.date(1970, 1, 1)) for d in days]


@given(st.lists(DAYS, min_size=1, max_size=20))
def test_days_and_numbers_of_dates(days):
    dates = np.array(days, dtype="datetime64[D]")
    assert days_into_month(dates).tolist() == [d.day - 1 for d in days]
    assert as_yyyymmdd(dates).tolist() == [float(d.year * 10000 + d.month * 100 + d.day) for d in days]
    assert first_of_last_year(dates).tolist() == [dt.date(d.year - 1, 1, 1) for d in days]


def test_the_same_day_months_later_is_the_last_day_of_a_shorter_month():
    dates = np.array(["2025-01-31", "2024-02-29", "2025-03-15", "2025-12-31"], dtype="datetime64[D]")
    later = same_day_months_later(dates, np.array([1.0, 12.0, 0.0, 2.0]))
    assert later.astype(str).tolist() == ["2025-02-28", "2025-02-28", "2025-03-15", "2026-02-28"]
