"""Income, expenditure and reserve of each fund by month, read from the funds' monthly totals the postings
keep, in one query whatever the number of entries; the months of expenditure the reserve covers; benefits
by kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.ledger.totals import fold
from socsec.supervision.funds import fund_months, reserve_cover

from .ledger_book import benefit, contribution, interest, reversal

D = dt.date


@pytest.fixture
def funds(db):
    contribution("OIP", "440000", 100_000, D(2026, 1, 10))
    contribution("OIP", "440000", 50_000, D(2026, 3, 10))
    benefit("OIP", "440000", 30_000, D(2026, 1, 20), "oip_medical")
    benefit("OIP", "440000", 12_000, D(2026, 3, 20), "oip_disability_lump_sum")
    reversal("OIP", "440000", 5_000, D(2026, 3, 25))
    contribution("EMPLOYEE_PENSION", "110000", 80_000, D(2026, 2, 1))
    interest("EMPLOYEE_PENSION", "110000", 2_000, D(2026, 2, 28))


def test_each_fund_month_by_month_with_its_reserve(funds):
    rows = [
        (r.scheme, r.province, r.month, r.income_cents, r.expenditure_cents, r.reserve_cents, r.reserve_months)
        for r in fund_months(until="2026-04")
    ]
    assert rows == [
        ("EMPLOYEE_PENSION", "110000", "2026-02", 80_000, 2_000, 78_000, Decimal("39.0")),
        ("EMPLOYEE_PENSION", "110000", "2026-03", 0, 0, 78_000, Decimal("78.0")),
        ("EMPLOYEE_PENSION", "110000", "2026-04", 0, 0, 78_000, Decimal("117.0")),
        ("OIP", "440000", "2026-01", 100_000, 30_000, 70_000, Decimal("2.3")),
        ("OIP", "440000", "2026-02", 0, 0, 70_000, Decimal("4.7")),
        # the reversed contribution lowers income: 50,000 - 5,000
        ("OIP", "440000", "2026-03", 45_000, 12_000, 103_000, Decimal("7.4")),
        ("OIP", "440000", "2026-04", 0, 0, 103_000, Decimal("9.8")),
    ]


def test_benefits_by_kind_and_filters(funds):
    rows = fund_months(until="2026-03", scheme="OIP", province="440000")
    assert [r.benefits for r in rows] == [{"oip_medical": 30_000}, {}, {"oip_disability_lump_sum": 12_000}]
    assert fund_months(until="2026-03", province="999999") == []


def test_cover_is_the_reserve_over_the_average_months_spending():
    assert reserve_cover(100, [10, 30]) == Decimal("5.0")
    assert reserve_cover(100, [0, 0]) is None
    assert reserve_cover(-50, [25]) == Decimal("-2.0")
    assert reserve_cover(1, [3] * 20) == Decimal("0.3")  # the last 12 months only


def test_one_query_whatever_the_number_of_entries_and_the_same_months_once_folded(funds):
    with CaptureQueriesContext(connection) as small:
        fund_months(until="2026-12")
    for n in range(25):
        contribution("OIP", "110000", 100 + n, D(2025, 1, 1) + dt.timedelta(days=9 * n))
        benefit("UNEMPLOYMENT", "440000", 10 + n, D(2025, 1, 1) + dt.timedelta(days=9 * n), f"item{n % 3}")
    with CaptureQueriesContext(connection) as large:
        rows = fund_months(until="2026-12")
    assert len(small) == len(large) == 1
    assert sum(r.income_cents for r in rows if r.scheme == "OIP" and r.province == "110000") == sum(
        100 + n for n in range(25)
    )
    before_fold, after_fold = fold()
    assert (before_fold, after_fold) == (57, 37)  # 7 + 50 postings' rows; one a fund, month, kind and item
    assert fund_months(until="2026-12") == rows


def test_months_that_net_to_nothing_count_as_the_entries_have_them(db):
    """A month whose postings net to nothing is still a month of the fund (it starts there), a benefit paid
    and recovered in one month shows as nothing paid, and a fund whose entries all cancel is listed."""
    contribution("OIP", "440000", 100, D(2026, 1, 5))
    reversal("OIP", "440000", 100, D(2026, 1, 9))
    contribution("OIP", "440000", 500, D(2026, 3, 5))
    benefit("OIP", "440000", 200, D(2026, 3, 6), "x")
    benefit("OIP", "440000", -200, D(2026, 3, 7), "x")  # recovered
    benefit("OIP", "440000", 200, D(2026, 3, 8), "x")
    contribution("OIP", "110000", 70, D(2026, 2, 1))
    reversal("OIP", "110000", 70, D(2026, 2, 2))
    rows = [
        (r.province, r.month, r.income_cents, r.expenditure_cents, r.reserve_cents, r.reserve_months, r.benefits)
        for r in fund_months(until="2026-03", scheme="OIP")
    ]
    assert rows == [
        ("110000", "2026-02", 0, 0, 0, None, {}),
        ("110000", "2026-03", 0, 0, 0, None, {}),
        ("440000", "2026-01", 0, 0, 0, None, {}),
        ("440000", "2026-02", 0, 0, 0, None, {}),
        ("440000", "2026-03", 500, 200, 300, Decimal("4.5"), {"x": 200}),
    ]
    fold()
    assert [(r.province, r.month) for r in fund_months(until="2026-03")] == [row[:2] for row in rows]
