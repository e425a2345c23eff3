"""Statements: a platform's account with the agency over a period, a worker's year with the
individual pension account - read from the ledger, brought forward and carried forward."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.collection.payments import payment_record
from socsec.contributions.own.payments import own_contribution_pay
from socsec.contributions.own.relief import relief_grant
from socsec.contributions.statements import platform_statement, worker_statement
from tests.contributions.test_ingest import DAY, MONTH, TODAY, order, send
from tests.world import SYSTEM


@pytest.fixture
def assessed(world, data_dir):
    """Three orders of the rider on ridego, assessed yesterday; 2 of the 3 cents paid today."""
    client = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    send(client, [order(world, f"a{i}") for i in range(3)], "k1")
    issued = TODAY - dt.timedelta(days=1)
    assessment_run(actor=SYSTEM, month=MONTH, today=issued)
    payment_record(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=2,
        received_on=TODAY,
        reference="BANK-7",
        source="test",
    )
    return issued


def test_platform_statement_brings_forward_and_carries_forward(world, assessed):
    whole = platform_statement(platform=world.platform, start=assessed, end=assessed + dt.timedelta(days=30))
    assert (whole.account.opening_cents, whole.account.closing_cents) == (0, 1)
    assert [(x.booked_on, x.debit_cents, x.credit_cents, x.balance_cents) for x in whole.account.lines] == [
        (assessed, 3, 0, 3),
        (TODAY, 0, 2, 1),
    ]
    assert [s.invoice.order_count for s in whole.invoices] == [3]
    later = platform_statement(
        platform=world.platform, start=assessed + dt.timedelta(days=1), end=assessed + dt.timedelta(days=30)
    )
    assert (later.account.opening_cents, len(later.account.lines), later.account.closing_cents) == (3, 1, 1)
    assert later.invoices == []


def test_worker_statement_of_a_year(world, assessed):
    relief_grant(
        actor=SYSTEM,
        person=world.rider,
        group="EMPLOYMENT_HARDSHIP",
        valid_from=dt.date(2025, 1, 1),
        valid_to=None,
        reason="employment service certificate 12",
    )
    pension = own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=dt.date(DAY.year, 1, 1),
        months=3,
        declared_base_cents=500000,
        today=dt.date(DAY.year, 1, 5),
    )
    st = worker_statement(person_id=world.rider.pk, year=DAY.year)
    by_scheme = {s.scheme: s for s in st.schemes}
    assert (by_scheme["OIP"].months_covered, by_scheme["OIP"].platform_cents) == (1, 3)
    p = by_scheme["EMPLOYEE_PENSION"]
    assert (p.months_covered, p.self_cents, p.government_cents) == (3, pension.paid_cents, pension.subsidy_cents)
    assert p.total_cents == pension.paid_cents + pension.subsidy_cents
    account = st.individual_account
    assert (account.opening_cents, account.closing_cents) == (0, pension.individual_account_cents)
    assert [(x.credit_cents, x.balance_cents) for x in account.lines] == [
        (pension.individual_account_cents, pension.individual_account_cents)
    ]
    next_year = worker_statement(person_id=world.rider.pk, year=DAY.year + 1)
    assert (next_year.schemes, next_year.individual_account.opening_cents) == ([], pension.individual_account_cents)


def test_statement_api_and_csv(world, assessed):
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    start, end = assessed.isoformat(), (assessed + dt.timedelta(days=30)).isoformat()
    body = platform.get(f"/api/organisations/ridego/statement?start={start}&end={end}").json()
    assert (body["account"]["opening_cents"], body["account"]["closing_cents"], len(body["invoices"])) == (0, 1, 1)
    bad = platform.get(f"/api/organisations/ridego/statement?start={end}&end={start}")
    assert (bad.status_code, bad.json()["field"]) == (422, "end")
    web = Client(headers={"accept-language": "en"})
    web.force_login(world.users["platform"])
    csv = web.get(f"/platform/statement/?start={start}&end={end}&format=csv")
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv.content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Date,Description,Invoiced (yuan),Paid or credited (yuan),Balance (yuan)"
    assert rows[1] == f"{start},Balance brought forward,,,0.00"
    assert rows[-1] == f"{end},Balance carried forward,,,0.01"
    worker = Client()
    worker.force_login(world.users["worker"])
    page = worker.get(f"/me/statement/?year={DAY.year}")
    assert page.status_code == 200
    assert b'data-scheme="OIP"' in page.content
    shown = worker.get("/me/statement/?year=abc", headers={"accept-language": "en"})
    assert shown.context["error"] == f"“abc” is not a year; showing {TODAY.year}."
