"""Month arithmetic as integers."""

from __future__ import annotations

import datetime as dt

from socsec.core.months import month_first_day, month_index, month_name, month_of


def test_months_round_trip_and_cross_years():
    assert month_index("2026-01") == month_index(dt.date(2026, 1, 31)) == 2026 * 12
    assert month_name(month_index("2025-12") + 1) == "2026-01"
    assert month_of(dt.date(2026, 11, 27), -11) == "2025-12"
    assert month_of(dt.date(999, 3, 1)) == "0999-03"


def test_a_months_first_day():
    assert month_first_day(month_index(dt.date(2025, 12, 31)) + 1) == dt.date(2026, 1, 1)
    assert month_first_day(month_index("2026-03") - 3) == dt.date(2025, 12, 1)
