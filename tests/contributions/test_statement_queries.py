"""Statements read in a fixed number of queries, whatever the history of the worker or the platform:
counted at a short and a long history, and the figures of the year are the same."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from socsec.contributions.collection.payments import payment_record
from socsec.contributions.models import OwnContribution
from socsec.contributions.own.payments import own_contribution_pay
from socsec.contributions.statements import platform_statement, worker_statement
from tests.world import SYSTEM


def pay(world, start: dt.date, months: int = 1) -> OwnContribution:
    return own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=start,
        months=months,
        declared_base_cents=500000,
        today=start + dt.timedelta(days=2),
    )


def counted(read) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = read()
    return len(queries), result


def test_a_worker_statement_reads_the_same_queries_for_two_months_or_two_years(world):
    this_year = [pay(world, dt.date(2025, 2, 1)), pay(world, dt.date(2025, 3, 1))]
    short, before = counted(lambda: worker_statement(person_id=world.rider.pk, year=2025))
    worker = Client()
    worker.force_login(world.users["worker"])
    worker.get("/me/statement/?year=2025"), worker.get("/api/me/statement?year=2025")  # the session settled
    page_short, _ = counted(lambda: worker.get("/me/statement/?year=2025"))
    api_short, _ = counted(lambda: worker.get("/api/me/statement?year=2025"))
    earlier = [pay(world, dt.date(2023 + m // 12, m % 12 + 1, 1)) for m in range(22)]  # 2023-01 to 2024-10
    quarter = pay(world, dt.date(2024, 11, 1), months=3)  # to 2025-01: a month of the year
    long, after = counted(lambda: worker_statement(person_id=world.rider.pk, year=2025))
    assert long == short
    assert counted(lambda: worker.get("/me/statement/?year=2025"))[0] == page_short
    assert counted(lambda: worker.get("/api/me/statement?year=2025"))[0] == api_short
    (pension,) = after.schemes
    assert (pension.scheme, pension.months_covered) == ("EMPLOYEE_PENSION", 3)  # January from the quarter
    assert (pension.self_cents, pension.government_cents) == (before.schemes[0].self_cents, 0)
    assert pension.self_cents == sum(c.paid_cents for c in this_year)
    assert [line.month for line in after.lines] == ["2025-02", "2025-03"]
    account = after.individual_account
    assert account.opening_cents == sum(c.individual_account_cents for c in [*earlier, quarter])
    assert account.closing_cents == account.opening_cents + sum(c.individual_account_cents for c in this_year)


def test_a_platform_statement_reads_the_same_queries_whatever_its_payments(world):
    def statement():
        return platform_statement(platform=world.platform, start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30))

    def receive(day: dt.date, cents: int, reference: str) -> None:
        payment_record(
            actor=SYSTEM, platform=world.platform, amount_cents=cents, received_on=day, reference=reference, source="t"
        )

    receive(dt.date(2025, 6, 3), 500, "B-0")
    short, before = counted(statement)
    for i in range(12):
        receive(dt.date(2024, i + 1, 10), 100 + i, f"B-{i + 1}")
    long, after = counted(statement)
    assert long == short
    assert [(x.booked_on, x.credit_cents) for x in after.account.lines] == [(dt.date(2025, 6, 3), 500)]
    assert after.invoices == before.invoices == []
    assert (after.account.opening_cents, after.account.closing_cents) == (
        -sum(range(100, 112)),
        -sum(range(100, 112)) - 500,
    )
