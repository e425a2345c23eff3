"""Payments: recorded once per bank reference, allocated oldest invoice first, posted to the ledger;
bank statements all or nothing; arrears with the late-payment surcharge."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from socsec.contributions.collection.arrears import arrears
from socsec.contributions.collection.bank_statements import bank_statement_import
from socsec.contributions.collection.payments import payment_record
from socsec.contributions.models import AssessmentRun, Invoice, Payment
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.selectors import balance, trial_balance
from tests.contributions.invoices import two_invoices
from tests.world import SYSTEM


@pytest.fixture
def invoices(world):
    """Two invoices of ridego: 10.00 yuan due 2026-03-15, 5.00 yuan due 2026-04-15."""
    return two_invoices(world)


def allocations(payment: Payment) -> list[tuple[int, int]]:
    return [(a.invoice_id, a.amount_cents) for a in payment.allocations.order_by("id")]


def test_a_payment_is_allocated_oldest_first_and_posted(world, invoices):
    first, second = invoices
    payment, replayed = payment_record(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=1200,
        received_on=dt.date(2026, 4, 1),
        reference="BANK-1",
        source="test",
    )
    assert (replayed, allocations(payment)) == (False, [(first.pk, 1000), (second.pk, 200)])
    more, _ = payment_record(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=900,
        received_on=dt.date(2026, 4, 2),
        reference="BANK-2",
        source="test",
    )
    assert allocations(more) == [(second.pk, 300)]  # 600 left over stays as credit
    assert balance("bank:collection") == 2100
    assert sum(trial_balance().values()) == 0


def test_a_reference_is_recorded_once(world, invoices):
    payment_record(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=100,
        received_on=dt.date(2026, 4, 1),
        reference="BANK-1",
        source="test",
    )
    again, replayed = payment_record(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=100,
        received_on=dt.date(2026, 4, 1),
        reference="BANK-1",
        source="test",
    )
    assert replayed and Payment.objects.count() == 1
    with pytest.raises(Conflict):
        payment_record(
            actor=SYSTEM,
            platform=world.platform,
            amount_cents=101,
            received_on=dt.date(2026, 4, 1),
            reference="BANK-1",
            source="test",
        )


def test_arrears_carry_the_surcharge(world, invoices):
    payment_record(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=400,
        received_on=dt.date(2026, 3, 1),
        reference="BANK-1",
        source="test",
    )
    rows = arrears(on=dt.date(2026, 4, 14))
    assert [(a.invoice.pk, a.outstanding_cents, a.days_late, a.surcharge_cents) for a in rows] == [
        (invoices[0].pk, 600, 30, 9)
    ]  # 600 x 0.05% x 30 = 9.0
    rows = arrears(on=dt.date(2026, 5, 15))
    assert [(a.outstanding_cents, a.days_late, a.surcharge_cents) for a in rows] == [(600, 61, 18), (500, 30, 8)]


def test_bank_statement_is_all_or_nothing_and_rerunnable(world, invoices, unchanged_payments):
    bad = (
        "date,amount,reference,payer\n2026-04-01,10.00,B1,ridego\n2026-04-01,1.005,B2,ridego\n"
        "2026-04-01,3,B3,nobody\n2026-04-01,NaN,B4,ridego\n2026-04-01,5.00,B1,ridego\n2026-04-01,5.00,,ridego\n"
        f"{dt.date.today() + dt.timedelta(days=1)},5.00,B9,ridego\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        bank_statement_import(actor=SYSTEM, content=bad.encode(), source="bank:test")
    two = "with at most two decimals."
    assert caught.value.details["rows"] == [
        {"row": 3, "field": "amount", "message": f"1.005 must be positive, at most 10000000000, {two}"},
        {"row": 4, "field": "payer", "message": "unknown payer 'nobody'."},
        {"row": 5, "field": "amount", "message": f"NaN must be positive, at most 10000000000, {two}"},
        {"row": 6, "field": "reference", "message": "repeats row 2."},
        {"row": 7, "field": "reference", "message": "is required (at most 100 characters)."},
        {
            "row": 8,
            "field": "date",
            "message": f"{dt.date.today() + dt.timedelta(days=1)} is before 2000-01-01 or in the future.",
        },
    ]


@pytest.fixture
def unchanged_payments(db):
    yield
    assert Payment.objects.count() == 0


def test_bank_statement_twice_records_once(world, invoices):
    good = "date,amount,reference,payer\n2026-04-01,10.00,B1,ridego\n2026-04-02,2.50,B2,ridego\n"
    first = bank_statement_import(actor=SYSTEM, content=good.encode(), source="bank:test")
    again = bank_statement_import(actor=SYSTEM, content=good.encode(), source="bank:test")
    assert [(r.row, r.payment.amount_cents, r.outcome) for r in first if r.payment] == [
        (2, 1000, "new"),
        (3, 250, "new"),
    ]
    assert [r.outcome for r in again] == ["replayed", "replayed"]
    assert balance("bank:collection") == 1250


def test_a_statements_lines_are_allocated_as_payments_one_after_another(world, invoices):
    first, second = invoices
    lines = "date,amount,reference,payer\n2026-04-01,12.00,S1,ridego\n2026-04-02,9.00,S2,ridego\n"
    one, two = (r.payment for r in bank_statement_import(actor=SYSTEM, content=lines.encode(), source="bank:test"))
    # as two payments recorded one after the other: the oldest invoice first, the rest as credit
    assert allocations(one) == [(first.pk, 1000), (second.pk, 200)]
    assert allocations(two) == [(second.pk, 300)]
    assert balance("bank:collection") == 2100
    assert sum(trial_balance().values()) == 0


def test_payments_and_arrears_through_the_api(world, invoices):
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    response = platform.post(
        "/api/payments",
        json.dumps({"amount_cents": 1000, "received_on": "2026-03-10", "reference": "API-1"}),
        content_type="application/json",
    )
    assert (response.status_code, response.json()["status"], response.json()["allocated"]) == (201, "PENDING", [])
    # booked when the bank statement shows it, on the bank's date
    bank_statement_import(
        actor=SYSTEM, content=b"date,amount,reference,payer\n2026-03-10,10.00,API-1,ridego\n", source="b"
    )
    declared = platform.get("/api/payment-declarations").json()["items"]
    assert [(d["status"], d["received_on"], d["allocated"]) for d in declared] == [
        ("MATCHED", "2026-03-10", [{"invoice": invoices[0].pk, "amount_cents": 1000}])
    ]
    bad = platform.post(
        "/api/payments",
        json.dumps({"amount_cents": -5, "received_on": "2026-03-10", "reference": "API-2"}),
        content_type="application/json",
    )
    assert (bad.status_code, bad.json()["field"]) == (422, "amount_cents")
    officer = Client()
    officer.force_login(world.users["officer"])
    rows = officer.get("/api/arrears?on=2026-04-25").json()["items"]
    assert [(r["invoice"], r["outstanding_cents"], r["days_late"], r["surcharge_cents"]) for r in rows] == [
        (invoices[1].pk, 500, 10, 3)
    ]  # 500 x 0.05% x 10 = 2.5 -> 3
    page = officer.get("/officer/arrears/?on=2026-04-25", headers={"Accept-Language": "en"}).content.decode()
    assert "1 unpaid invoice past due: 5.00 yuan outstanding, 0.03 yuan late-payment surcharge" in page


def test_a_credit_note_reduces_what_is_owed(world, invoices):
    first, second = invoices
    run = AssessmentRun.objects.create(
        month="2026-02", sequence=2, kind="ADJUSTMENT", lines_path="x", order_count=-1, amount_cents=-300
    )
    Invoice.objects.create(
        run=run,
        platform=world.platform,
        province=first.province,
        month="2026-02",
        order_count=-300,
        amount_cents=-300,
        issued_on=dt.date(2026, 3, 20),
        due_on=dt.date(2026, 4, 4),
    )
    rows = arrears(on=dt.date(2026, 4, 14))
    assert [(a.invoice.pk, a.outstanding_cents, a.surcharge_cents) for a in rows] == [(first.pk, 700, 11)]
    payment, _ = payment_record(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=800,
        received_on=dt.date(2026, 4, 14),
        reference="BANK-9",
        source="test",
    )
    assert allocations(payment) == [(first.pk, 700), (second.pk, 100)]
