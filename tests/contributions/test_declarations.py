"""Declared payments: a platform's payment through the API moves no money until a bank-statement line
matches it (on the bank's date) or officers confirm it (maker-checker at or above the threshold)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from socsec.accounts.permissions import Principal
from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.contributions.collection.arrears import arrears
from socsec.contributions.collection.bank_statements import bank_statement_import
from socsec.contributions.collection.declarations import (
    payment_declaration_confirm,
    payment_declare,
    second_officer_threshold_cents,
)
from socsec.contributions.collection.payments import payment_record
from socsec.contributions.models import Invoice, Payment, PaymentAllocation, PaymentDeclaration
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.ledger.models import LedgerEntry
from socsec.ledger.selectors import balance, trial_balance
from tests.contributions.invoices import two_invoices
from tests.world import SYSTEM

HEADER = "date,amount,reference,payer\n"


@pytest.fixture(autouse=True)
def no_backdating_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """These cases confirm dates months before today; the backdating limit is tested in
    test_bank_settlement.py."""
    monkeypatch.setattr("socsec.contributions.collection.declarations.backdate_limit_days", lambda on: 100_000)


@pytest.fixture
def invoices(world: Any) -> list[Invoice]:
    """Two invoices of ridego: 10.00 yuan due 2026-03-15, 5.00 yuan due 2026-04-15."""
    return two_invoices(world)


def client_of(world: Any, role: str) -> Client:
    if role == "platform":
        return Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    c = Client()
    c.force_login(world.users[role])
    return c


def post(c: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return c.post(url, json.dumps(body or {}), content_type="application/json")


def late(on: dt.date) -> list[tuple[int, int, int, int]]:
    return [(a.invoice.pk, a.outstanding_cents, a.days_late, a.surcharge_cents) for a in arrears(on=on)]


def officer(world: Any, role: str = "officer") -> Actor:
    return Principal.of_user(world.users[role]).actor


def test_a_platform_cannot_mark_its_own_invoices_paid(world, invoices):
    """The finding: one call with a date before the due date cleared the arrears and their surcharge.
    Now the call is a declaration: the invoices stay open, the ledger does not move."""
    first, second = invoices
    before = late(dt.date(2026, 4, 25))
    assert before == [(first.pk, 1000, 41, 21), (second.pk, 500, 10, 3)]  # 20.5 -> 21, 2.5 -> 3
    response = post(
        client_of(world, "platform"),
        "/api/payments",
        {"amount_cents": 1500, "received_on": "2026-03-01", "reference": "CLAIMED-1"},
    )
    body = response.json()
    assert (response.status_code, body["status"], body["declared_received_on"], body["received_on"]) == (
        201,
        "PENDING",
        "2026-03-01",
        None,
    )
    assert (body["payment"], body["allocated"]) == (None, [])
    assert late(dt.date(2026, 4, 25)) == before
    assert (Payment.objects.count(), PaymentAllocation.objects.count(), LedgerEntry.objects.count()) == (0, 0, 0)
    assert list(AuditEntry.objects.filter(object_type="contributions.PaymentDeclaration").values_list("action")) == [
        ("payment.declare",)
    ]


def test_the_bank_line_books_it_on_the_banks_date(world, invoices):
    first, second = invoices
    platform = client_of(world, "platform")
    post(platform, "/api/payments", {"amount_cents": 1500, "received_on": "2026-03-01", "reference": "BANK-7"})
    bank_statement_import(actor=SYSTEM, content=f"{HEADER}2026-04-10,15.00,BANK-7,ridego\n".encode(), source="b")
    declaration = PaymentDeclaration.objects.get()
    assert (declaration.status, declaration.received_on, declaration.declared_received_on) == (
        "MATCHED",
        dt.date(2026, 4, 10),
        dt.date(2026, 3, 1),
    )
    assert declaration.payment is not None and declaration.payment.received_on == dt.date(2026, 4, 10)
    assert [(a.invoice_id, a.amount_cents) for a in declaration.payment.allocations.order_by("id")] == [
        (first.pk, 1000),
        (second.pk, 500),
    ]
    # the surcharge runs to the bank's date: on 2026-04-05, after the declared date, 10.00 yuan is still unpaid
    assert late(dt.date(2026, 4, 5)) == [(first.pk, 1000, 21, 11)]  # 10.5 -> 11
    assert late(dt.date(2026, 4, 25)) == []
    assert balance("bank:collection") == 1500 and sum(trial_balance().values()) == 0
    assert AuditEntry.objects.filter(action="payment.declaration.match").count() == 1
    # the same declaration again is a replay; another amount under the reference a conflict
    again = post(platform, "/api/payments", {"amount_cents": 1500, "received_on": "2026-03-01", "reference": "BANK-7"})
    assert (again.status_code, again["Idempotent-Replayed"], again.json()["status"]) == (201, "true", "MATCHED")
    other = post(platform, "/api/payments", {"amount_cents": 1, "received_on": "2026-03-01", "reference": "BANK-7"})
    assert (other.status_code, other.json()["code"]) == (409, "payment_reference_reused")


def test_a_declaration_after_the_bank_line_is_matched_at_once(world, invoices):
    bank_statement_import(actor=SYSTEM, content=f"{HEADER}2026-04-02,3.00,B-1,ridego\n".encode(), source="b")
    declaration, replayed = payment_declare(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=300,
        declared_received_on=dt.date(2026, 3, 1),
        reference="B-1",
    )
    assert (replayed, declaration.status, declaration.received_on) == (False, "MATCHED", dt.date(2026, 4, 2))
    assert (Payment.objects.count(), balance("bank:collection")) == (1, 300)


def test_an_officer_confirms_with_a_date_and_a_reason(world, invoices):
    first, _second = invoices
    d = post(
        client_of(world, "platform"),
        "/api/payments",
        {"amount_cents": 400, "received_on": "2026-03-01", "reference": "R-1"},
    )
    url = f"/api/payment-declarations/{d.json()['id']}"
    refused = post(client_of(world, "platform"), f"{url}/confirm", {"received_on": "2026-03-01", "reason": "mine"})
    assert refused.status_code == 403
    officer_client = client_of(world, "officer")
    no_reason = post(officer_client, f"{url}/confirm", {"received_on": "2026-03-20", "reason": "  "})
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    assert Payment.objects.count() == 0
    pending = officer_client.get("/api/payment-declarations?status=PENDING").json()["items"]
    assert [(p["reference"], p["amount_cents"]) for p in pending] == [("R-1", 400)]
    ok = post(officer_client, f"{url}/confirm", {"received_on": "2026-03-20", "reason": "bank slip 0042 seen"})
    body = ok.json()
    assert (ok.status_code, body["status"], body["received_on"], body["reason"]) == (
        200,
        "CONFIRMED",
        "2026-03-20",
        "bank slip 0042 seen",
    )
    assert body["allocated"] == [{"invoice": first.pk, "amount_cents": 400}]
    assert Payment.objects.get().received_on == dt.date(2026, 3, 20)
    assert balance("bank:collection") == 400
    assert late(dt.date(2026, 4, 14)) == [(first.pk, 600, 30, 10)]  # (1000 x 5 days + 600 x 25 days) x 0.05% = 10.0
    twice = post(officer_client, f"{url}/confirm", {"received_on": "2026-03-20", "reason": "again"})
    assert (twice.status_code, twice.json()["code"]) == (409, "declaration_decided")
    actions = AuditEntry.objects.filter(object_type="contributions.PaymentDeclaration").order_by("id")
    assert list(actions.values_list("action", flat=True)) == ["payment.declare", "payment.declaration.confirm"]
    assert AuditEntry.objects.filter(action="payment.record").count() == 1


def test_at_the_threshold_a_second_officer_approves(world, invoices):
    threshold = second_officer_threshold_cents(dt.date(2026, 12, 1))
    assert threshold == 10_000_000  # 100,000 yuan
    d = post(
        client_of(world, "platform"),
        "/api/payments",
        {"amount_cents": threshold, "received_on": "2026-03-01", "reference": "BIG-1"},
    )
    url = f"/api/payment-declarations/{d.json()['id']}"
    maker = client_of(world, "officer")
    confirmed = post(maker, f"{url}/confirm", {"received_on": "2026-03-05", "reason": "bank slip 7"}).json()
    assert (confirmed["status"], confirmed["payment"]) == ("AWAITING_APPROVAL", None)
    assert (Payment.objects.count(), LedgerEntry.objects.count()) == (0, 0)
    same = post(maker, f"{url}/approve")
    assert (same.status_code, same.json()["code"]) == (403, "maker_checker")
    assert Payment.objects.count() == 0
    approved = post(client_of(world, "supervisor"), f"{url}/approve")
    assert (approved.status_code, approved.json()["status"], approved.json()["received_on"]) == (
        200,
        "CONFIRMED",
        "2026-03-05",
    )
    declaration = PaymentDeclaration.objects.get()
    assert (declaration.confirmed_by_id, declaration.approved_by_id) == (
        world.users["officer"].pk,
        world.users["supervisor"].pk,
    )
    assert balance("bank:collection") == threshold
    assert late(dt.date(2026, 5, 1)) == []
    assert AuditEntry.objects.filter(action="payment.declaration.approve").count() == 1


def test_below_the_threshold_one_officer_books(world, invoices):
    threshold = second_officer_threshold_cents(dt.date(2026, 12, 1))
    declaration, _ = payment_declare(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=threshold - 1,
        declared_received_on=dt.date(2026, 3, 1),
        reference="JUST-UNDER",
    )
    done = payment_declaration_confirm(
        actor=officer(world), declaration=declaration, received_on=dt.date(2026, 3, 2), reason="slip"
    )
    assert (done.status, done.payment_id is not None, balance("bank:collection")) == ("CONFIRMED", True, threshold - 1)


def test_rejected_declarations_move_nothing(world, invoices):
    d = post(
        client_of(world, "platform"),
        "/api/payments",
        {"amount_cents": 900, "received_on": "2026-03-01", "reference": "X-1"},
    )
    url = f"/api/payment-declarations/{d.json()['id']}"
    rejected = post(client_of(world, "officer"), f"{url}/reject", {"reason": "no such transfer on the account"})
    assert (rejected.status_code, rejected.json()["status"]) == (200, "REJECTED")
    late_confirm = post(client_of(world, "supervisor"), f"{url}/confirm", {"received_on": "2026-03-02", "reason": "r"})
    assert (late_confirm.status_code, late_confirm.json()["code"]) == (409, "declaration_decided")
    auditor = post(client_of(world, "auditor"), f"{url}/reject", {"reason": "r"})
    assert auditor.status_code == 403
    assert (Payment.objects.count(), LedgerEntry.objects.count()) == (0, 0)


def test_service_paths_refuse_the_wrong_actor(world, invoices):
    platform_actor = Actor(label="token", token_id=1, organisation_id=world.platform.pk)
    with pytest.raises(Forbidden):
        payment_record(
            actor=platform_actor,
            platform=world.platform,
            amount_cents=100,
            received_on=dt.date(2026, 3, 1),
            reference="P-1",
            source="api",
        )
    declaration, _ = payment_declare(
        actor=platform_actor,
        platform=world.platform,
        amount_cents=100,
        declared_received_on=dt.date(2026, 3, 1),
        reference="P-1",
    )
    for actor in (platform_actor, SYSTEM, officer(world, "worker")):
        with pytest.raises(Forbidden):
            payment_declaration_confirm(
                actor=actor, declaration=declaration, received_on=dt.date(2026, 3, 1), reason="r"
            )
    with pytest.raises(ValidationFailed):
        payment_declaration_confirm(
            actor=officer(world),
            declaration=declaration,
            received_on=dt.date.today() + dt.timedelta(days=1),
            reason="r",
        )
    with pytest.raises(Conflict):
        payment_declare(
            actor=platform_actor,
            platform=world.platform,
            amount_cents=100,
            declared_received_on=dt.date(2026, 3, 2),
            reference="P-1",
        )
    assert (Payment.objects.count(), PaymentDeclaration.objects.get().status) == (0, "PENDING")


def test_the_bank_line_counts_not_the_declared_amount(world, invoices):
    first, _second = invoices
    payment_declare(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=1500,
        declared_received_on=dt.date(2026, 3, 1),
        reference="SHORT-1",
    )
    lines = f"{HEADER}2026-03-20,4.00,SHORT-1,zipper\n2026-03-21,6.00,SHORT-1,ridego\n"
    bank_statement_import(actor=SYSTEM, content=lines.encode(), source="b")
    declaration = PaymentDeclaration.objects.get()
    assert declaration.payment is not None
    assert (declaration.status, declaration.amount_cents, declaration.payment.amount_cents) == (
        "MISMATCHED",
        1500,
        600,
    )
    assert declaration.mismatch == "declared 15.00 yuan; the bank's line SHORT-1 is 6.00 yuan"
    assert (
        declaration.payment.platform_id == world.platform.pk
    )  # another platform's line of the same reference is not it
    assert late(dt.date(2026, 4, 14)) == [(first.pk, 400, 30, 8)]  # (1000 x 6 days + 400 x 24 days) x 0.05% = 7.8
