"""Month arithmetic as integers."""

from __future__ import annotations

import datetime as dt

from socsec.core.months import (
    month_first_day,
    month_index,
    month_last_day,
    month_name,
    month_of,
    month_year,
    whole_months_between,
)


def test_months_round_trip_and_cross_years():
    assert month_index("2026-01") == month_index(dt.date(2026, 1, 31)) == 2026 * 12
    assert month_name(month_index("2025-12") + 1) == "2026-01"
    assert month_of(dt.date(2026, 11, 27), -11) == "2025-12"
    assert month_of(dt.date(999, 3, 1)) == "0999-03"


def test_a_months_first_day():
    assert month_first_day(month_index(dt.date(2025, 12, 31)) + 1) == dt.date(2026, 1, 1)
    assert month_first_day(month_index("2026-03") - 3) == dt.date(2025, 12, 1)


def test_a_months_last_day_and_year():
    assert month_last_day(month_index("2024-02")) == dt.date(2024, 2, 29)
    assert month_last_day(month_index("2025-12")) == dt.date(2025, 12, 31)
    assert month_year(month_index("2025-12")) == 2025 and month_year(month_index("2026-01")) == 2026


def test_whole_months_between_two_days():
    assert whole_months_between(dt.date(2025, 1, 15), dt.date(2025, 3, 14)) == 1
    assert whole_months_between(dt.date(2025, 1, 15), dt.date(2025, 3, 15)) == 2
    assert whole_months_between(dt.date(2025, 1, 31), dt.date(2025, 2, 28)) == 0
    assert whole_months_between(dt.date(2025, 3, 1), dt.date(2025, 3, 1)) == 0
