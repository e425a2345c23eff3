"""The month's assessment is set-based: the same number of queries for 2 employees as for 12, and a run
again gives the same stored rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.employers.assessment import employer_month_assess
from socsec.employers.declarations import payroll_declare
from socsec.employers.models import EmployerContribution
from tests.world import SYSTEM

from .conftest import hire, payroll_csv

pytestmark = pytest.mark.django_db


def assess_queries(world, month: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        employer_month_assess(actor=SYSTEM, employer=world.employer, month=month)
    return len(queries)


def test_the_assessment_takes_the_same_queries_at_two_sizes(world, employee_id):
    others = hire(world, 11)
    rows = [(r, "800000", "760000", "2") for r in [employee_id, *others]]
    payroll_declare(actor=SYSTEM, employer=world.employer, month="2026-09", content=payroll_csv(rows[:2]),
                    fmt="csv", idempotency_key="small")  # fmt: skip
    payroll_declare(actor=SYSTEM, employer=world.employer, month="2026-10", content=payroll_csv(rows),
                    fmt="csv", idempotency_key="large")  # fmt: skip
    small, large = assess_queries(world, "2026-09"), assess_queries(world, "2026-10")
    assert small == large
    assert EmployerContribution.objects.filter(month="2026-09").count() == 2 * 6
    assert EmployerContribution.objects.filter(month="2026-10").count() == 12 * 6


def test_assessing_again_stores_the_same_rows(world, employee_id):
    payroll_declare(actor=SYSTEM, employer=world.employer, month="2026-10",
                    content=payroll_csv([(employee_id, "800000", "760000", "2")]), fmt="csv",
                    idempotency_key="k")  # fmt: skip
    fields = ("person_id", "scheme", "base_cents", "employer_cents", "employee_cents")
    first = sorted(EmployerContribution.objects.values_list(*fields))
    employer_month_assess(actor=SYSTEM, employer=world.employer, month="2026-10")
    assert sorted(EmployerContribution.objects.values_list(*fields)) == first
    pension = EmployerContribution.objects.get(scheme="PENSION")
    assert (pension.base_cents, pension.employer_cents, pension.employee_cents) == (760000, 121600, 60800)


def test_a_declaration_takes_the_same_queries_at_two_sizes(world, employee_id):
    others = hire(world, 11)
    rows = [(r, "800000", "760000", "2") for r in [employee_id, *others]]
    counts = []
    payroll_declare(
        actor=SYSTEM,
        employer=world.employer,
        month="2026-08",
        content=payroll_csv(rows[:1]),
        fmt="csv",
        idempotency_key="warm",
    )  # fmt: skip  (caches filled once a process: content types)
    for month, size in (("2026-09", 2), ("2026-10", 12)):
        with CaptureQueriesContext(connection) as queries:
            payroll_declare(actor=SYSTEM, employer=world.employer, month=month, content=payroll_csv(rows[:size]),
                            fmt="csv", idempotency_key=month)  # fmt: skip
        counts.append(len(queries))
    assert counts[0] == counts[1]
