"""Reads of what the tax authority collected: the months an employer's contributions were paid for a
person (one person, or many in one query), the employers' months on record (paid, or taken over from
before the employer's months were collected through the exchange), the handovers and their results for
the pages, and the day a month's contributions are due (the employers' arrears: ``arrears``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from socsec.core.errors import NotFound
from socsec.core.months import month_first_day, month_index, month_name, month_of
from socsec.registry.models import Engagement, Organisation, Person
from socsec.rules.coverage import Category
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
    return paid_employer_months_by_scheme(persons, schemes=[scheme], until=until)[scheme]


def paid_employer_months_by_scheme(
    persons: QuerySet[Person], *, schemes: Sequence[str], until: str | None = None
) -> dict[str, dict[int, list[str]]]:
    """``paid_employer_months_many`` of each of ``schemes``, in one query."""
    rows = CollectionResult.objects.filter(person_id__in=persons.values("pk"), scheme__in=schemes, status=S.PAID)
    if until:
        rows = rows.filter(month__lte=until)
    out: dict[str, dict[int, list[str]]] = {scheme: defaultdict(list) for scheme in schemes}
    ordered = rows.order_by("scheme", "person_id", "month").values_list("scheme", "person_id", "month").distinct()
    for scheme, person_id, month in ordered.iterator(chunk_size=5000):
        out[scheme][person_id].append(month)
    return {scheme: dict(months) for scheme, months in out.items()}


def _collected_from() -> str:
    """The tax collection's go-live (``SOCSEC_TAX_COLLECTION_GO_LIVE``): the month from which every
    employer's months count only when paid through the exchange; empty (only where a caller set it so):
    from each employer's first handover."""
    from django.conf import settings

    return str(settings.SOCSEC_TAX_EXCHANGE.get("collected_from") or "")


def _labour_relations(persons: QuerySet[Person]) -> QuerySet[Engagement]:
    """The persons' labour relations, each with the first month its employer handed over (or None)."""
    first = Handover.objects.filter(employer=OuterRef("organisation")).order_by("month").values("month")[:1]
    return (
        Engagement.objects.filter(person_id__in=persons.values("pk"), category=Category.LABOUR_RELATION)
        .annotate(first_handover=Subquery(first))
        .order_by("person_id", "start_date", "id")
    )


def _cutover(first_handover: str | None, collected_from: str) -> int | None:
    """The first month (index) of an employer whose months count only when paid: its first handover, or
    the deployment's month if earlier; None when neither is known (every month is a record taken over)."""
    months = [month_index(m) for m in (first_handover, collected_from) if m]
    return min(months) if months else None


def employer_months_on_record_many(
    persons: QuerySet[Person], *, scheme: str = "PENSION", until: dt.date
) -> list[tuple[int, int, int]]:
    """The months of the persons' employers' ``scheme`` contributions on record up to ``until``, as
    (person id, first month index, last month index) intervals, in two queries whatever their number:

    * the months an employer's contributions were paid in full (``paid_employer_months``), one interval
      each;
    * the months of a labour relation before its employer's months were collected through the tax
      exchange (before its first handover, or the deployment's ``collected_from`` month): the records
      taken over from before, which count as they stand.

    A month of a labour relation from the cut-over on whose contributions were not paid does not count.
    Intervals may overlap (several employers): the caller counts each month once."""
    return employer_months_on_record_by_scheme(persons, schemes=[scheme], until=until)[scheme]


def employer_months_on_record_by_scheme(
    persons: QuerySet[Person], *, schemes: Sequence[str], until: dt.date
) -> dict[str, list[tuple[int, int, int]]]:
    """``employer_months_on_record_many`` of each of ``schemes``, in two queries whatever their number: the
    records taken over are the same for every scheme (a labour relation's months before the cut-over)."""
    last = month_index(until)
    collected_from = _collected_from()
    taken_over: list[tuple[int, int, int]] = []
    for job in _labour_relations(persons).iterator(chunk_size=2000):
        cutover = _cutover(job.first_handover, collected_from)  # type: ignore[attr-defined]
        end = min(month_index(min(job.end_date or until, until)), last)
        if cutover is not None:
            end = min(end, cutover - 1)
        start = month_index(job.start_date)
        if start <= end:
            taken_over.append((job.person_id, start, end))
    paid = paid_employer_months_by_scheme(persons, schemes=schemes, until=month_of(until))
    return {
        scheme: taken_over
        + [(person_id, month_index(m), month_index(m)) for person_id, months in paid[scheme].items() for m in months]
        for scheme in schemes
    }


def employer_months_on_record(person: Person, *, scheme: str = "PENSION", until: dt.date) -> set[str]:
    """``employer_months_on_record_many`` of one person, as the set of months (YYYY-MM)."""
    intervals = employer_months_on_record_many(Person.objects.filter(pk=person.pk), scheme=scheme, until=until)
    return {month_name(i) for _p, first, last in intervals for i in range(first, last + 1)}


def employer_contribution_paid(*, employer_id: int, person_id: int, month: str, scheme: str) -> bool:
    """Whether the employer's ``scheme`` contribution for the person and month counts as paid: paid in full
    by the tax authority's results, or a month before the employer's months were collected through the
    tax exchange (a record taken over)."""
    first = Handover.objects.filter(employer_id=employer_id).order_by("month").values_list("month", flat=True)
    cutover = _cutover(first.first(), _collected_from())
    if cutover is None or month_index(month) < cutover:
        return True
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


def employer_due_on(month: str) -> dt.date:
    """The day a month's contributions are due: the payment day (a parameter) of the next month."""
    first = month_first_day(month_index(month) + 1)
    return first + dt.timedelta(days=load_parameters().value_int(PAYMENT_DAY, first) - 1)
