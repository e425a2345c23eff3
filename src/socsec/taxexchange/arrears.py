"""Employers' arrears on a day: the months whose contributions were not fully paid by that day after
their due day, with the late-payment surcharge (``contributions.collection.arrears.surcharges``: one rule
for platforms and employers). A month is read as it stood on the day: what the results and the later
payments (receipts) paid counts from the day it was paid, so a month paid in full since is in the arrears
of a day before it was paid, and its surcharge stops on the day paid.

Paged by a cursor: employers by id, each oldest month first; the page's months are found by one query
and read by two more, whatever the number of months or employers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from socsec.contributions.collection.arrears import SurchargeInterval, surcharge_explanation, surcharges
from socsec.core.months import month_index, month_name
from socsec.registry.models import Organisation
from socsec.rules.parameters import ParameterError

from .models import CollectionReceiptLine, CollectionResult
from .selectors import employer_due_on

S = CollectionResult.Status
MONTHS = 10**5  # a position is employer id x MONTHS + month index: one number orders and names a month


@dataclass
class EmployerDebt:
    """An employer's contributions of a month: due on the payment day of the next month, less what was
    paid, by the day paid."""

    employer_id: int
    month: str
    due_on: dt.date
    due_cents: int = 0
    reductions: list[tuple[dt.date, int]] = field(default_factory=list)

    def outstanding_on(self, day: dt.date) -> int:
        return self.due_cents - sum(cents for on, cents in self.reductions if on <= day)


@dataclass(frozen=True)
class EmployerArrear:
    employer_id: int
    month: str
    due_on: dt.date
    outstanding_cents: int
    days_late: int
    surcharge_cents: int
    intervals: tuple[SurchargeInterval, ...]
    exact_cents: float = 0.0

    @property
    def position(self) -> int:
        """The cursor of this month in the arrears' order."""
        return self.employer_id * MONTHS + month_index(self.month)

    def explanation(self) -> dict[str, Any]:
        return surcharge_explanation(self.intervals, self.exact_cents, self.surcharge_cents)


def last_month_due(on: dt.date) -> str | None:
    """The latest month whose due day is before ``on``; None on a day before the rules name a payment day
    (nothing was due then)."""
    month = month_index(on)
    try:
        while employer_due_on(month_name(month)) >= on:
            month -= 1
    except ParameterError:
        return None
    return month_name(month)


def _short_on(on: dt.date) -> Q:
    """The results of lines not fully paid on ``on``: short now, or paid (in the results or later) after it."""
    return ~Q(status=S.PAID) | Q(paid_on__gt=on) | Q(late_paid_on__gt=on)


def employer_arrears_page(
    *, on: dt.date, limit: int, employer: Organisation | None = None, after: int | None = None
) -> tuple[list[EmployerArrear], bool]:
    """A page of the employers' arrears on ``on`` (see the module): at most ``limit`` months after the
    position ``after`` (``EmployerArrear.position``), and whether more follow."""
    last_due = last_month_due(on)
    if last_due is None:
        return [], False
    short = CollectionResult.objects.filter(_short_on(on), month__lte=last_due)
    if employer is not None:
        short = short.filter(employer=employer)
    if after is not None:
        last_employer, last_month = divmod(after, MONTHS)
        short = short.filter(
            Q(employer_id__gt=last_employer) | Q(employer_id=last_employer, month__gt=month_name(last_month))
        )
    keys = list(short.order_by("employer_id", "month").values_list("employer_id", "month").distinct()[: limit + 1])
    page = keys[:limit]
    if not page:
        return [], False
    debts = {key: EmployerDebt(key[0], key[1], employer_due_on(key[1])) for key in page}
    months = Q()
    for employer_id, month in page:
        months |= Q(employer_id=employer_id, month=month)
    for employer_id, month, employer_part, employee_part, paid, paid_late, paid_on in (
        CollectionResult.objects.filter(months)
        .values_list(
            "employer_id", "month", "employer_cents", "employee_cents", "paid_cents", "late_paid_cents", "paid_on"
        )
        .iterator(chunk_size=5000)
    ):
        debt = debts[(employer_id, month)]
        debt.due_cents += employer_part + employee_part
        if paid > paid_late and paid_on is not None:  # what the results paid, on the day they paid it
            debt.reductions.append((paid_on, paid - paid_late))
    receipts = Q()
    for employer_id, month in page:
        receipts |= Q(receipt__handover__employer_id=employer_id, receipt__handover__month=month)
    for employer_id, month, paid_on, cents in CollectionReceiptLine.objects.filter(
        receipts, receipt__handover__state="RESULTS_IN"
    ).values_list("receipt__handover__employer_id", "receipt__handover__month", "receipt__paid_on", "paid_cents"):
        debts[(employer_id, month)].reductions.append((paid_on, cents))
    late = [debts[key] for key in page]
    return [
        EmployerArrear(
            d.employer_id, d.month, d.due_on, d.outstanding_on(on), (on - d.due_on).days, total, stretches, exact
        )
        for d, (stretches, total, exact) in zip(late, surcharges(late, on=on), strict=True)
    ], len(keys) > limit


def employer_arrears(*, on: dt.date, employer: Organisation | None = None) -> list[EmployerArrear]:
    """Every month of the employers' arrears on ``on`` (``employer_arrears_page`` page after page), the
    oldest due first."""
    out: list[EmployerArrear] = []
    after: int | None = None
    while True:
        page, more = employer_arrears_page(on=on, limit=500, employer=employer, after=after)
        out += page
        if not more:
            return sorted(out, key=lambda a: (a.due_on, a.employer_id))
        after = page[-1].position
