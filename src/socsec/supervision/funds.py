"""The funds as the ledger holds them: income, expenditure and reserve of each scheme's pooled fund in each
province, month by month, the benefits paid by kind, and how many months of expenditure the reserve
covers. Read from the ledger's entries on the ``fund:<scheme>:<province>`` accounts (and their
``:interest`` sub-accounts) with the database grouping them: one query for the funds, one for the benefits,
whatever the number of entries. Nothing is kept beside the ledger.

Expenditure is what the fund pays out: benefit payments, job-retention rebates and the interest it credits
to individual accounts (by the transaction's source kind). Everything else that moves a fund is income,
net (a reversed contribution lowers income). Income less expenditure is the month's change of reserve."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, When
from django.db.models.functions import TruncMonth

from socsec.core.months import month_index, month_name
from socsec.ledger.accounts import INDIVIDUAL_ACCOUNT_PREFIX
from socsec.ledger.keys import SourceKind, source_prefix
from socsec.ledger.models import LedgerEntry

EXPENDITURE_SOURCES = (SourceKind.BENEFIT_PAYMENT, SourceKind.RETENTION_REBATE, SourceKind.INTEREST)
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


def _fund_of(code: str) -> tuple[str, str] | None:
    """(scheme, province) of a pooled fund account or its interest sub-account; None for others."""
    parts = code.split(":")
    if parts[0] != "fund" or code.startswith(INDIVIDUAL_ACCOUNT_PREFIX) or len(parts) not in (3, 4):
        return None
    return parts[1], parts[2]


def _is_expenditure() -> Q:
    q = Q()
    for kind in EXPENDITURE_SOURCES:
        q |= Q(transaction__source__startswith=source_prefix(kind))
    return q


def _fund_entries() -> Q:
    return Q(account__code__startswith="fund:") & ~Q(account__code__startswith=INDIVIDUAL_ACCOUNT_PREFIX)


def fund_months(*, until: str, scheme: str | None = None, province: str | None = None) -> list[FundMonth]:
    """Every pooled fund month by month from its first entry to ``until`` (YYYY-MM), oldest first, by
    scheme and province. Two queries: the funds' entries summed per account and month, and the benefit
    payments per account, month and item."""
    end = month_index(until)
    entries = LedgerEntry.objects.filter(_fund_entries())
    if scheme:
        entries = entries.filter(account__code__startswith=f"fund:{scheme}:")
    spent = _is_expenditure()
    rows = (
        entries.annotate(month=TruncMonth("transaction__booked_on"))
        .values("account__code", "month")
        .annotate(
            spent=Sum(Case(When(spent, then=F("amount_cents")), default=0, output_field=IntegerField())),
            net=Sum("amount_cents"),
        )
        .order_by()
    )
    totals: dict[tuple[str, str], dict[int, tuple[int, int]]] = {}
    for row in rows:
        fund = _fund_of(row["account__code"])
        if fund is None or (province and fund[1] != province):
            continue
        index = month_index(_day(row["month"]))
        if index > end:
            continue
        income, outgo = totals.setdefault(fund, {}).get(index, (0, 0))
        spent_cents, net = int(row["spent"] or 0), int(row["net"] or 0)
        # entries are debit positive: a fund's income is its credits, net of the non-spending debits
        totals[fund][index] = (income - (net - spent_cents), outgo + spent_cents)
    benefits = _benefits(entries, end)
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


def _benefits(entries: QuerySet[LedgerEntry], end: int) -> dict[tuple[str, str, int], dict[str, int]]:
    """Benefits paid per fund, month and benefit item (the formula that computed the award), in cents."""
    rows = (
        entries.filter(transaction__source__startswith=source_prefix(SourceKind.BENEFIT_PAYMENT))
        .annotate(month=TruncMonth("transaction__booked_on"))
        .values("account__code", "month", "transaction__params__item")
        .annotate(cents=Sum("amount_cents"))
        .order_by()
    )
    out: dict[tuple[str, str, int], dict[str, int]] = {}
    for row in rows:
        fund = _fund_of(row["account__code"])
        index = month_index(_day(row["month"]))
        if fund is None or index > end:
            continue
        item = str(row["transaction__params__item"] or "")
        kinds = out.setdefault((fund[0], fund[1], index), {})
        kinds[item] = kinds.get(item, 0) + int(row["cents"])
    return out


def latest_by_fund(months: list[FundMonth]) -> list[FundMonth]:
    """The last month of each fund."""
    last: dict[tuple[str, str], FundMonth] = {}
    for row in months:
        last[(row.scheme, row.province)] = row
    return list(last.values())
