"""The ledger's actuals beside the actuarial baseline's first years, fund by fund and year by year.

The baseline projects the national schemes in yuan (estimates); the ledger holds the money this agency
booked. The two are of different sizes, so the rows set them side by side and compare what does not depend
on size: the reserve ratio (the year-end reserve over the year's expenditure) and the growth of income."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from socsec.actuarial.shipped import run_shipped

from .funds import fund_months

# the projection's fund each ledger scheme belongs to
PROJECTED_FUND = {
    "EMPLOYEE_PENSION": "pension",
    "RESIDENT_PENSION": "pension",
    "OIP": "injury",
    "WORK_INJURY": "injury",
    "UNEMPLOYMENT": "unemployment",
    "LONG_TERM_CARE": "long_term_care",
}
FIRST_YEARS = 3


@dataclass(frozen=True)
class Comparison:
    fund: str  # the projection's fund name
    year: int
    projected_income_yuan: Decimal
    projected_expenditure_yuan: Decimal
    projected_reserve_ratio: Decimal | None
    actual_income_cents: int
    actual_expenditure_cents: int
    actual_reserve_cents: int
    actual_reserve_ratio: Decimal | None


@functools.cache
def _baseline() -> tuple[tuple[int, str, float, float, float], ...]:
    rows = run_shipped(["baseline"], 0).to_tables()["indicators"]
    out = []
    for row in rows[:FIRST_YEARS]:
        for fund in sorted(set(PROJECTED_FUND.values())):
            out.append(
                (int(row["year"]), fund, row[f"{fund}_income"], row[f"{fund}_expenditure"], row[f"{fund}_reserve"])
            )
    return tuple(out)


def _ratio(reserve: Decimal, spent: Decimal) -> Decimal | None:
    if spent <= 0:
        return None
    return (reserve / spent).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _yuan(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def actual_against_projected(*, until: str) -> list[Comparison]:
    """For each of the baseline's first years and each fund: the projection and the ledger's year (every
    province summed; the reserve at the year's end, or at ``until`` in a year not over)."""
    actual: dict[tuple[str, int], list[int]] = {}
    reserve_by_fund_province: dict[tuple[str, str, int], int] = {}
    for row in fund_months(until=until):
        fund = PROJECTED_FUND.get(row.scheme)
        if fund is None:
            continue
        year = int(row.month[:4])
        totals = actual.setdefault((fund, year), [0, 0])
        totals[0] += row.income_cents
        totals[1] += row.expenditure_cents
        reserve_by_fund_province[(row.scheme, row.province, year)] = row.reserve_cents  # the year's last month
    reserves: dict[tuple[str, int], int] = {}
    for (scheme, _province, year), cents in reserve_by_fund_province.items():
        key = (PROJECTED_FUND[scheme], year)
        reserves[key] = reserves.get(key, 0) + cents
    out = []
    for year, fund, income, spent, reserve in _baseline():
        got_income, got_spent = actual.get((fund, year), [0, 0])
        got_reserve = reserves.get((fund, year), 0)
        out.append(
            Comparison(
                fund,
                year,
                _yuan(income),
                _yuan(spent),
                _ratio(Decimal(repr(reserve)), Decimal(repr(spent))),
                got_income,
                got_spent,
                got_reserve,
                _ratio(Decimal(got_reserve), Decimal(got_spent)),
            )
        )
    return out
