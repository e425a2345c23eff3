"""The officer records a payment received (a declared payment, the platforms' service) and reconciles it:
confirmed on the payments page, or matched to the line of a bank statement uploaded on the page."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from socsec.audit.models import AuditEntry
from socsec.contributions.models import Payment, PaymentDeclaration

DAY = dt.date.today() - dt.timedelta(days=2)


def client_as(world, name: str, language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def record(client: Client, **fields: str):
    data = {"platform": "ridego", "reference": "BANK-77", "amount": "12,000.50", "received_on": DAY.isoformat()}
    return client.post("/officer/payments/record/", data | fields)


def test_a_payment_recorded_waits_on_the_page_and_a_bank_line_matches_it(world):
    officer = client_as(world, "officer")
    assert 'href="/officer/payments/record/"' in officer.get("/officer/payments/").content.decode()
    done = record(officer)
    declaration = PaymentDeclaration.objects.get()
    assert (done.status_code, done["Location"]) == (302, f"/officer/payments/#declaration-{declaration.pk}")
    assert (declaration.platform.code, declaration.reference, declaration.amount_cents, declaration.status) == (
        "ridego",
        "BANK-77",
        1_200_050,
        "PENDING",
    )
    page = officer.get("/officer/payments/").content.decode()
    assert "BANK-77" in page and "12,000.50" in page and f'id="confirm-{declaration.pk}"' in page
    statement = f"date,amount,reference,payer\n{DAY.isoformat()},12000.50,BANK-77,ridego\n".encode()
    upload = officer.post(
        "/officer/payments/bank-statement/", {"statement": SimpleUploadedFile("june.csv", statement, "text/csv")}
    )
    text = upload.content.decode()
    assert upload.status_code == 200
    assert "1 new payments booked, 0 confirmed payments settled, 0 lines seen before, 0 lines for review." in text
    declaration.refresh_from_db()
    payment = Payment.objects.get()
    assert (declaration.status, payment.amount_cents, payment.received_on) == ("MATCHED", 1_200_050, DAY)


def test_bad_values_are_refused_at_their_field_in_chinese_and_nothing_is_written(world):
    officer = client_as(world, "officer", "zh-hans")
    before = AuditEntry.objects.count()
    answer = record(officer, amount="12,00", received_on=(dt.date.today() + dt.timedelta(days=1)).isoformat())
    page = answer.content.decode()
    assert answer.status_code == 422
    assert 'id="id_amount-error">请输入以元为单位的金额，例如 12000 或 12,000.50。' in page
    assert 'id="id_received_on-error">到账日期不能晚于今天。' in page
    assert 'aria-describedby="id_amount-error"' in page
    assert (PaymentDeclaration.objects.count(), AuditEntry.objects.count()) == (0, before)
    record(officer)
    reused = record(officer, amount="1")
    assert reused.status_code == 409
    assert "流水号 BANK-77 此前已按其他金额或日期登记：请核对流水号。" in reused.content.decode()
    assert PaymentDeclaration.objects.get().amount_cents == 1_200_050


def test_a_malformed_statement_is_refused_whole(world):
    officer = client_as(world, "officer", "zh-hans")
    statement = b"date,amount,reference,payer\nyesterday,10,R1,ridego\n"
    answer = officer.post(
        "/officer/payments/bank-statement/", {"statement": SimpleUploadedFile("s.csv", statement, "text/csv")}
    )
    assert answer.status_code == 422
    assert "对账单未被接受，未登记任何内容。" in answer.content.decode()
    assert Payment.objects.count() == 0


def test_an_auditor_reads_but_does_not_record(world):
    auditor = client_as(world, "auditor")
    assert 'href="/officer/payments/record/"' not in auditor.get("/officer/payments/").content.decode()
    assert record(auditor).status_code == 403
    assert PaymentDeclaration.objects.count() == 0
