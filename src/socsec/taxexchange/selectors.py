"""Reads of what the tax authority collected: the months an employer's contributions were paid for a
person (one person, or many in one query), the handovers and their results for the pages, and the
employers' arrears with the late-payment surcharge (the same rule as the platforms' invoices)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from socsec.contributions.collection.arrears import SurchargeInterval, surcharges
from socsec.core.errors import NotFound
from socsec.core.months import month_first_day, month_index
from socsec.registry.models import Organisation, Person
from socsec.rules.parameters import load_parameters

from .models import CollectionResult, Handover

S = CollectionResult.Status
PAYMENT_DAY = "contribution.employer_payment_day"


def paid_employer_months(person_id: int, *, scheme: str = "PENSION", until: str | None = None) -> list[str]:
    """The months (YYYY-MM, in order) for which an employer's ``scheme`` contributions for the person were
    paid in full, up to ``until`` (a month, included)."""
    rows = CollectionResult.objects.filter(person_id=person_id, scheme=scheme, status=S.PAID)
    if until:
        rows = rows.filter(month__lte=until)
    return list(rows.order_by("month").values_list("month", flat=True).distinct())


def paid_employer_months_many(
    persons: QuerySet[Person], *, scheme: str = "PENSION", until: str | None = None
) -> dict[int, list[str]]:
    """``paid_employer_months`` of every person of ``persons``, in one query (the persons as a subquery,
    so its parameters do not grow with their number)."""
    rows = CollectionResult.objects.filter(person_id__in=persons.values("pk"), scheme=scheme, status=S.PAID)
    if until:
        rows = rows.filter(month__lte=until)
    out: dict[int, list[str]] = defaultdict(list)
    for person_id, month in (
        rows.order_by("person_id", "month").values_list("person_id", "month").distinct().iterator(chunk_size=5000)
    ):
        out[person_id].append(month)
    return dict(out)


def employer_contribution_paid(*, employer_id: int, person_id: int, month: str, scheme: str) -> bool:
    """Whether the employer's ``scheme`` contribution for the person and month was paid in full."""
    return CollectionResult.objects.filter(
        employer_id=employer_id, person_id=person_id, month=month, scheme=scheme, status=S.PAID
    ).exists()


def handovers_list(*, month: str = "", state: str = "") -> QuerySet[Handover]:
    rows = Handover.objects.select_related("employer").order_by("-month", "-id")
    if month:
        rows = rows.filter(month=month)
    if state:
        rows = rows.filter(state=state)
    return rows


def handover_get(*, handover_id: int) -> Handover:
    found = Handover.objects.select_related("employer", "replaces").filter(pk=handover_id).first()
    if found is None:
        raise NotFound("handover %(id)s: no such document", params={"id": handover_id})
    return found


def handover_counts(handover: Handover) -> dict[str, Any]:
    """A document's results by status, with the amounts due and paid."""
    figures = handover.results.aggregate(
        paid=Count("id", filter=Q(status=S.PAID)),
        part_paid=Count("id", filter=Q(status=S.PART_PAID)),
        unpaid=Count("id", filter=Q(status=S.UNPAID)),
        paid_cents=Sum("paid_cents"),
    )
    figures["paid_cents"] = figures["paid_cents"] or 0
    return figures


def handover_results(handover: Handover) -> QuerySet[CollectionResult]:
    return handover.results.select_related("person").order_by("person_id", "scheme")


def employer_results(*, employer: Organisation, month: str = "", status: str = "") -> QuerySet[CollectionResult]:
    """An employer's results per employee, month and scheme, the latest month first."""
    rows = CollectionResult.objects.filter(employer=employer).select_related("person")
    if month:
        rows = rows.filter(month=month)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-month", "person_id", "scheme")


@dataclass
class EmployerDebt:
    """An employer's contributions of a month collected short: due on the payment day of the next month."""

    employer_id: int
    month: str
    due_on: dt.date
    due_cents: int
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


def employer_due_on(month: str) -> dt.date:
    """The day a month's contributions are due: the payment day (a parameter) of the next month."""
    first = month_first_day(month_index(month) + 1)
    return first + dt.timedelta(days=load_parameters().value_int(PAYMENT_DAY, first) - 1)


def employer_arrears(*, on: dt.date, employer: Organisation | None = None) -> list[EmployerArrear]:
    """The employers' months not fully paid by ``on`` after their due day, with the late-payment surcharge
    reckoned by ``contributions.collection.arrears.surcharges`` (one rule for platforms and employers).
    One query reads the results of every month short."""
    rows = CollectionResult.objects.exclude(status=S.PAID)
    if employer is not None:
        rows = rows.filter(employer=employer)
    short = rows.filter(employer_id=OuterRef("employer_id"), month=OuterRef("month"))
    results = CollectionResult.objects.filter(Exists(short))
    debts: dict[tuple[int, str], EmployerDebt] = {}
    for employer_id, month, employer_part, employee_part, paid, paid_on in (
        results.order_by("employer_id", "month")
        .values_list("employer_id", "month", "employer_cents", "employee_cents", "paid_cents", "paid_on")
        .iterator(chunk_size=5000)
    ):
        debt = debts.get((employer_id, month))
        if debt is None:
            debt = debts[(employer_id, month)] = EmployerDebt(employer_id, month, employer_due_on(month), 0)
        debt.due_cents += employer_part + employee_part
        if paid and paid_on is not None:
            debt.reductions.append((paid_on, paid))
    late = sorted(
        (d for d in debts.values() if d.due_on < on and d.outstanding_on(on) > 0),
        key=lambda d: (d.due_on, d.employer_id),
    )
    return [
        EmployerArrear(d.employer_id, d.month, d.due_on, d.outstanding_on(on), (on - d.due_on).days, total, stretches)
        for d, (stretches, total, _exact) in zip(late, surcharges(late, on=on), strict=True)
    ]
