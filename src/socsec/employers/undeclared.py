"""Employers that did not declare a month: organisations with labour relations in force in the month but no
accepted payroll declaration for it. From the tax collection's go-live on, such an employer's employees
have no month on record for it (nothing was handed over, so nothing was paid), so officers are shown them.

One query a page, whatever the number of employers or engagements: the engagements in force in the month
are grouped by organisation in SQL, those with an accepted declaration of the month left out by a
correlated NOT EXISTS."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from socsec.core.months import month_first_day, month_index, month_last_day
from socsec.registry.models import Engagement
from socsec.rules.coverage import Category

from .models import PayrollDeclaration

STREAM_CHUNK = 2_000


@dataclass(frozen=True)
class UndeclaredEmployer:
    """An employer without an accepted declaration for ``month``, and how many persons it employed in a
    labour relation during that month."""

    employer_id: int
    code: str
    name: str
    name_zh: str
    month: str
    employees: int


def employers_not_declaring(*, month: str) -> QuerySet[Any, Any]:
    """The employers with labour relations in force in ``month`` (YYYY-MM) and no accepted declaration of
    it, by employer id, as rows ``employer_id, code, name, name_zh, employees``: an ordered queryset a
    caller pages (``[a:b]``) or streams; each page is one query."""
    index = month_index(month)
    first, last = month_first_day(index), month_last_day(index)
    declared = PayrollDeclaration.objects.filter(
        employer_id=OuterRef("organisation_id"), month=month, status=PayrollDeclaration.Status.ACCEPTED
    )
    return (
        Engagement.objects.filter(category=Category.LABOUR_RELATION, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .filter(~Exists(declared))
        .values("organisation_id")
        .annotate(employees=Count("person_id", distinct=True))
        .values("organisation_id", "organisation__code", "organisation__name", "organisation__name_zh", "employees")
        .order_by("organisation_id")
    )


def undeclared_row(month: str, row: dict[str, Any]) -> UndeclaredEmployer:
    """A row of ``employers_not_declaring`` as an ``UndeclaredEmployer``."""
    return UndeclaredEmployer(
        employer_id=row["organisation_id"],
        code=row["organisation__code"],
        name=row["organisation__name"],
        name_zh=row["organisation__name_zh"] or "",
        month=month,
        employees=row["employees"],
    )


def employers_not_declaring_page(
    *, month: str, after: int | None = None, limit: int = 50
) -> tuple[list[UndeclaredEmployer], bool]:
    """A page of ``employers_not_declaring`` after employer id ``after`` (a cursor), and whether more
    follow: one query."""
    rows = employers_not_declaring(month=month)
    if after is not None:
        rows = rows.filter(organisation_id__gt=after)
    page = [undeclared_row(month, r) for r in rows[: limit + 1]]
    return page[:limit], len(page) > limit


def employers_not_declaring_all(*, month: str) -> Iterator[UndeclaredEmployer]:
    """Every employer of ``employers_not_declaring``, streamed in one query (bounded memory): for checks
    and jobs."""
    for row in employers_not_declaring(month=month).iterator(chunk_size=STREAM_CHUNK):
        yield undeclared_row(month, row)
