"""The officer's page of declared payments: confirm with a date and a reason, a second officer approves
a large one, reject; refusals shown in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from socsec.contributions.collection.declarations import payment_declare, second_officer_threshold_cents
from socsec.contributions.models import Payment, PaymentDeclaration
from tests.world import SYSTEM


@pytest.fixture(autouse=True)
def no_backdating_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """These cases confirm dates months before today; the backdating limit is tested with the service."""
    monkeypatch.setattr("socsec.contributions.collection.declarations.backdate_limit_days", lambda on: 100_000)


def client_as(world, name: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def declare(world, cents: int, reference: str) -> PaymentDeclaration:
    declaration, _ = payment_declare(
        actor=SYSTEM,
        platform=world.platform,
        amount_cents=cents,
        declared_received_on=dt.date(2026, 3, 1),
        reference=reference,
    )
    return declaration


def test_an_officer_confirms_a_declared_payment_on_the_page(world):
    d = declare(world, 1234, "PAGE-1")
    officer = client_as(world, "officer")
    page = officer.get("/officer/payments/").content.decode()
    assert "PAGE-1" in page and "12.34" in page and f'id="confirm-{d.pk}"' in page
    missing = officer.post(
        "/officer/payments/", {"declaration": d.pk, "action": "confirm", "received_on": "2026-03-04"}
    )
    assert missing.status_code == 422
    assert "reason: is required: say what shows the money arrived." in missing.content.decode()
    done = officer.post(
        "/officer/payments/",
        {"declaration": d.pk, "action": "confirm", "received_on": "2026-03-04", "reason": "bank slip 9"},
    )
    assert (done.status_code, done["Location"]) == (302, "/officer/payments/")
    assert (Payment.objects.get().received_on, PaymentDeclaration.objects.get().status) == (
        dt.date(2026, 3, 4),
        "CONFIRMED",
    )
    assert "No declared payment is waiting." in officer.get("/officer/payments/").content.decode()


def test_the_same_officer_cannot_approve_on_the_page(world):
    d = declare(world, second_officer_threshold_cents(dt.date.today()), "BIG-PAGE")
    officer = client_as(world, "officer", "zh-hans")
    officer.post(
        "/officer/payments/", {"declaration": d.pk, "action": "confirm", "received_on": "2026-03-04", "reason": "slip"}
    )
    page = officer.get("/officer/payments/").content.decode()
    assert "平台申报的缴费不会变动任何资金" in page and "100,000.00 元及以上须由另一位经办人复核" in page
    assert "此项由您核实：须由另一位经办人复核。" in page and f'id="approve-{d.pk}"' not in page
    refused = officer.post("/officer/payments/", {"declaration": d.pk, "action": "approve"})
    assert refused.status_code == 403
    assert "申报的缴费 BIG-PAGE 须由另一位经办人复核：此项由您核实" in refused.content.decode()
    assert Payment.objects.count() == 0
    supervisor = client_as(world, "supervisor")
    assert f'id="approve-{d.pk}"' in supervisor.get("/officer/payments/").content.decode()
    supervisor.post("/officer/payments/", {"declaration": d.pk, "action": "approve"})
    assert PaymentDeclaration.objects.get().status == "CONFIRMED"
    auditor = client_as(world, "auditor")
    assert auditor.get("/officer/payments/").status_code == 200
    assert (
        auditor.post("/officer/payments/", {"declaration": d.pk, "action": "reject", "reason": "x"}).status_code == 403
    )


def test_a_mismatched_declaration_is_in_the_officers_queue(world):
    from socsec.contributions.collection.bank_statements import bank_statement_import

    declare(world, 100_000_000, "HUGE-1")
    bank_statement_import(
        actor=SYSTEM, content=b"date,amount,reference,payer\n2026-03-02,0.01,HUGE-1,ridego\n", source="b"
    )
    assert PaymentDeclaration.objects.get().status == "MISMATCHED"
    english = client_as(world, "officer").get("/officer/payments/").content.decode()
    assert "Mismatched: the bank's line differs from the declaration" in english
    assert "Declared 1,000,000.00 yuan; the bank&#x27;s line HUGE-1 is 0.01 yuan" in english
    assert 'id="confirm-' not in english and 'id="approve-' not in english  # booked as the bank says: no action
    chinese = client_as(world, "officer", "zh-hans").get("/officer/payments/").content.decode()
    assert "不一致：银行流水与申报不符" in chinese
    assert "申报金额 1,000,000.00 元；银行流水 HUGE-1 为 0.01 元" in chinese
