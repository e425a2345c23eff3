"""The funds as the ledger holds them: income, expenditure and reserve of each scheme's pooled fund in each
province, month by month, the benefits paid by kind, and how many months of expenditure the reserve
covers. Read from the monthly totals the postings keep of the ``fund:<scheme>:<province>`` accounts (and
their ``:interest`` sub-accounts) (``ledger.totals``): one query of a few rows per fund, month and kind of
source, whatever the number of entries.

Expenditure is what the fund pays out: benefit payments, job-retention rebates and the interest it credits
to individual accounts (by the transaction's source kind). Everything else that moves a fund is income,
net (a reversed contribution lowers income). Income less expenditure is the month's change of reserve."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from socsec.core.months import month_index, month_name
from socsec.ledger.accounts import pooled_fund
from socsec.ledger.keys import SourceKind
from socsec.ledger.models import FundMonthTotal

EXPENDITURE_SOURCES = frozenset(
    str(kind) for kind in (SourceKind.BENEFIT_PAYMENT, SourceKind.RETENTION_REBATE, SourceKind.INTEREST)
)
COVER_WINDOW = 12  # months of expenditure averaged to say how long the reserve lasts


@dataclass(frozen=True)
class FundMonth:
    """One fund in one month, in cents: income and expenditure of the month, the reserve at its end, and
    the months of average expenditure (over the last ``COVER_WINDOW`` months) the reserve covers (None
    when nothing was spent)."""

    scheme: str
    province: str
    month: str
    income_cents: int
    expenditure_cents: int
    reserve_cents: int
    reserve_months: Decimal | None
    benefits: dict[str, int] = field(default_factory=dict)  # benefit item -> cents paid in the month


def fund_months(*, until: str, scheme: str | None = None, province: str | None = None) -> list[FundMonth]:
    """Every pooled fund month by month from its first entry to ``until`` (YYYY-MM), oldest first, by
    scheme and province. One query: the funds' monthly totals summed per account, month, source kind and
    item."""
    end = month_index(until)
    kept = FundMonthTotal.objects.filter(account__code__startswith=f"fund:{scheme}:" if scheme else "fund:")
    rows = kept.values_list("account__code", "month", "source_kind", "item").annotate(cents=Sum("cents")).order_by()
    totals: dict[tuple[str, str], dict[int, tuple[int, int]]] = {}
    benefits: dict[tuple[str, str, int], dict[str, int]] = {}
    for code, month, kind, item, cents in rows:
        fund = pooled_fund(code)
        index = month_index(_day(month))
        if fund is None or (province and fund[1] != province) or index > end:
            continue
        income, outgo = totals.setdefault(fund, {}).get(index, (0, 0))
        # entries are debit positive: a fund's income is its credits (net of the debits that spend nothing)
        if kind in EXPENDITURE_SOURCES:
            totals[fund][index] = (income, outgo + int(cents))
        else:
            totals[fund][index] = (income - int(cents), outgo)
        if kind == SourceKind.BENEFIT_PAYMENT:
            paid = benefits.setdefault((*fund, index), {})
            paid[item] = paid.get(item, 0) + int(cents)
    out: list[FundMonth] = []
    for (fund_scheme, fund_province), months in sorted(totals.items()):
        reserve = 0
        history: list[int] = []
        for index in range(min(months), end + 1):
            income, outgo = months.get(index, (0, 0))
            reserve += income - outgo
            history.append(outgo)
            out.append(
                FundMonth(
                    fund_scheme,
                    fund_province,
                    month_name(index),
                    income,
                    outgo,
                    reserve,
                    reserve_cover(reserve, history[-COVER_WINDOW:]),
                    benefits.get((fund_scheme, fund_province, index), {}),
                )
            )
    return out


def reserve_cover(reserve_cents: int, expenditure: list[int]) -> Decimal | None:
    """Months of average monthly expenditure (over the months given, at most ``COVER_WINDOW``) that the
    reserve covers, to one decimal, half up; None when nothing was spent."""
    window = expenditure[-COVER_WINDOW:]
    spent = sum(window)
    if spent <= 0:
        return None
    average = Decimal(spent) / Decimal(len(window))
    return (Decimal(reserve_cents) / average).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _day(value: dt.date | dt.datetime | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def latest_by_fund(months: list[FundMonth]) -> list[FundMonth]:
    """The last month of each fund."""
    last: dict[tuple[str, str], FundMonth] = {}
    for row in months:
        last[(row.scheme, row.province)] = row
    return list(last.values())
