"""Reads of employers' declarations and assessed contributions: the statement of a month (totals per scheme,
employees page by page), the months an employer was assessed, an employee's assessed months, and the
stream of a month's assessed lines that the collection through the tax exchange reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum

from socsec.registry.models import Organisation

from .models import SCHEMES, EmployerContribution, PayrollDeclaration

STREAM_CHUNK = 5_000
LINE_FIELDS = ("employer_id", "person_id", "month", "scheme", "base_cents", "employer_cents", "employee_cents")


def declarations_of(*, employer: Organisation) -> QuerySet[PayrollDeclaration]:
    return PayrollDeclaration.objects.filter(employer=employer).order_by("-id")


def assessed_lines(*, employer_id: int, month: str) -> Iterator[dict[str, Any]]:
    """A month's assessed lines of one employer, streamed (bounded memory): employer_id, person_id, month,
    scheme, base_cents, employer_cents, employee_cents, by employee and scheme."""
    rows = (
        EmployerContribution.objects.filter(employer_id=employer_id, month=month)
        .order_by("person_id", "scheme")
        .values(*LINE_FIELDS)
    )
    yield from rows.iterator(chunk_size=STREAM_CHUNK)


def month_assessed_lines(*, month: str) -> Iterator[dict[str, Any]]:
    """A month's assessed lines of every employer, streamed in one query (bounded memory), by employer,
    employee and scheme: the fields of ``assessed_lines``."""
    rows = (
        EmployerContribution.objects.filter(month=month)
        .order_by("employer_id", "person_id", "scheme")
        .values(*LINE_FIELDS)
    )
    yield from rows.iterator(chunk_size=STREAM_CHUNK)


def employers_assessed(*, month: str) -> list[int]:
    """The employers with assessed lines in ``month`` (their ids, ascending): one query."""
    return list(
        EmployerContribution.objects.filter(month=month)
        .values_list("employer_id", flat=True)
        .distinct()
        .order_by("employer_id")
    )


@dataclass
class SchemeTotal:
    scheme: str
    base_cents: int = 0
    employer_cents: int = 0
    employee_cents: int = 0


@dataclass
class MonthTotals:
    month: str
    employees: int
    schemes: list[SchemeTotal]
    employer_cents: int
    employee_cents: int

    @property
    def total_cents(self) -> int:
        return self.employer_cents + self.employee_cents


@dataclass
class EmployeeLine:
    person_id: int
    schemes: dict[str, SchemeTotal] = field(default_factory=dict)

    @property
    def employer_cents(self) -> int:
        return sum(s.employer_cents for s in self.schemes.values())

    @property
    def employee_cents(self) -> int:
        return sum(s.employee_cents for s in self.schemes.values())

    def ordered(self) -> list[SchemeTotal]:
        return [self.schemes.get(s, SchemeTotal(s)) for s in SCHEMES]


def statement_months(*, employer: Organisation, before: str | None = None, limit: int = 24) -> list[MonthTotals]:
    """The months an employer was assessed, newest first (at most ``limit``, before month ``before``), each
    with its totals: two queries whatever the number of employees."""
    months = EmployerContribution.objects.filter(employer=employer)
    if before:
        months = months.filter(month__lt=before)
    chosen = list(months.values_list("month", flat=True).distinct().order_by("-month")[:limit])
    if not chosen:
        return []
    return _totals(employer, chosen)


def statement_month(*, employer: Organisation, month: str) -> MonthTotals:
    return _totals(employer, [month])[0]


def _totals(employer: Organisation, months: list[str]) -> list[MonthTotals]:
    rows = (
        EmployerContribution.objects.filter(employer=employer, month__in=months)
        .values("month", "scheme")
        .annotate(base=Sum("base_cents"), er=Sum("employer_cents"), ee=Sum("employee_cents"), n=Count("person_id"))
        .order_by("month", "scheme")
    )
    by_month: dict[str, dict[str, SchemeTotal]] = {m: {} for m in months}
    employees: dict[str, int] = dict.fromkeys(months, 0)
    for r in rows:
        by_month[r["month"]][r["scheme"]] = SchemeTotal(r["scheme"], r["base"] or 0, r["er"] or 0, r["ee"] or 0)
        employees[r["month"]] = max(employees[r["month"]], r["n"])  # each employee has a line of every scheme
    out = []
    for m in months:
        schemes = [by_month[m].get(s, SchemeTotal(s)) for s in SCHEMES]
        out.append(
            MonthTotals(
                month=m,
                employees=employees[m],
                schemes=schemes,
                employer_cents=sum(s.employer_cents for s in schemes),
                employee_cents=sum(s.employee_cents for s in schemes),
            )
        )
    return out


def statement_persons(*, employer: Organisation, month: str) -> QuerySet[EmployerContribution, int]:
    """The employees of a month's statement, by person id (a page of it is read at a time)."""
    return (
        EmployerContribution.objects.filter(employer=employer, month=month)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    )


def statement_lines(*, employer: Organisation, month: str, persons: list[int]) -> list[EmployeeLine]:
    """The lines per scheme of a page of a month's employees (one query; the page is bounded)."""
    lines = {p: EmployeeLine(p) for p in persons}
    if not persons:
        return []
    rows = EmployerContribution.objects.filter(
        employer=employer, month=month, person_id__gte=min(persons), person_id__lte=max(persons)
    ).values_list("person_id", "scheme", "base_cents", "employer_cents", "employee_cents")
    for person, scheme, base, er, ee in rows:
        if person in lines:
            lines[person].schemes[scheme] = SchemeTotal(scheme, base, er, ee)
    return [lines[p] for p in persons]


def statement_employees(
    *, employer: Organisation, month: str, after_person: int | None = None, limit: int = 50
) -> tuple[list[EmployeeLine], bool]:
    """One page of a month's employees (by person id, after ``after_person``) with their lines per scheme,
    and whether more follow: two queries."""
    persons = statement_persons(employer=employer, month=month)
    if after_person is not None:
        persons = persons.filter(person_id__gt=after_person)
    page = list(persons[: limit + 1])
    return statement_lines(employer=employer, month=month, persons=page[:limit]), len(page) > limit


def contributions_of_person(
    *, person_id: int, employer: Organisation | None = None, limit: int = 72
) -> list[EmployerContribution]:
    """An employee's assessed employer contributions (of one employer, or of all), newest month first, at
    most ``limit`` (one query)."""
    rows = EmployerContribution.objects.filter(person_id=person_id)
    if employer is not None:
        rows = rows.filter(employer=employer)
    return list(rows.select_related("employer").order_by("-month", "employer_id", "scheme")[:limit])
