"""The market regulator's, the tax authority's and the banks' feeds: checked row by row (row, field, code,
reason), applied through the agency's services, idempotent by the partner's key; refused whole when the
agreement is not in force or a column is outside it. A bank's "invalid" or "closed" holds the person's
payments until the account is corrected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socsec.audit.models import AuditEntry
from socsec.benefits.models import BenefitPayment
from socsec.benefits.payments import death_notice_record, pay_month
from socsec.core.errors import DomainError
from socsec.partners.access import PartnerCall
from socsec.partners.account_checks import payment_accounts_check
from socsec.partners.accounts import LocalBank, payment_account_set
from socsec.partners.feeds import feed_receive
from socsec.partners.models import DeclaredIncome, Feed, PartnerRefusal, PaymentAccount, PlatformRegistration
from socsec.registry.models import Organisation
from tests.benefits.pensions import pension_in_payment
from tests.partners.conftest import bearer, make_agreement
from tests.world import SYSTEM, resident_id

TODAY = timezone.localdate()
UNKNOWN = resident_id("110105", "19400101", 11)
NEW_PLATFORM = "91110000MA01ABCD1M"
RIDEGO = "91440300MA5F000007"
GONE = "91310000MA1FL0000N"
GOOD = "6222020200112233446"  # a valid Luhn check digit
BAD = "6222020200112233445"
CLOSED = "6222020200998877662"
ANOTHER = "4111111111111111"


def call_of(credentials):
    agreement = credentials.agreement
    return PartnerCall(agreement=agreement, scopes=frozenset(agreement.scopes))


def send(client, headers, kind, key, rows):
    body = {"idempotency_key": key, "rows": rows}
    return client.post(f"/api/partner/feeds/{kind}", body, content_type="application/json", **headers)


def platform_row(code, name, status="active", day="2021-03-04"):
    return {"credit_code": code, "name": name, "registered_on": day, "status": status}


def test_platform_registrations_register_update_and_flag(client, market, world):
    Organisation.objects.filter(pk=world.platform.pk).update(credit_code=RIDEGO)
    rows = [
        platform_row(NEW_PLATFORM, "Swift Errands Co."),
        platform_row(RIDEGO, "RideGo Technology Co."),
        platform_row("91110000MA01ABCD1X", "Wrong check"),
        platform_row(GONE, "Long gone", status="deregistered"),
        platform_row(NEW_PLATFORM, "Swift Errands Co."),
        platform_row("91110000MA01ABCD2", "Short", status="asleep"),
        platform_row("", "No code", day=(TODAY + dt.timedelta(days=1)).isoformat()),
    ]
    response = send(client, bearer(client, market), "platforms", "samr-1", rows)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rows_total"], body["rows_applied"], body["rows_unchanged"], body["rows_refused"]) == (7, 2, 1, 4)
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (3, "credit_code", "bad_value"),
        (5, "credit_code", "repeated"),
        (6, "credit_code", "bad_value"),
        (6, "status", "bad_value"),
        (7, "credit_code", "missing"),
        (7, "registered_on", "future_date"),
    ]
    assert body["errors"][0]["message"] == (
        "credit_code: '91110000MA01ABCD1X' is not a unified social credit code (18 characters with a check character)"
    )
    new = Organisation.objects.get(credit_code=NEW_PLATFORM)
    assert (new.code, new.name, new.kind) == ("uscc-91110000ma01abcd1m", "Swift Errands Co.", "PLATFORM")
    world.platform.refresh_from_db()
    assert world.platform.name == "RideGo Technology Co."  # renamed through the registry's service
    assert sorted(PlatformRegistration.objects.values_list("credit_code", "status", "flagged")) == [
        (NEW_PLATFORM, "ACTIVE", False),
        (RIDEGO, "ACTIVE", False),
    ]
    assert not Organisation.objects.filter(credit_code=GONE).exists()  # a deregistered stranger: nothing to do
    # later the regulator deregisters RideGo: flagged for an officer
    later = send(
        client,
        bearer(client, market),
        "platforms",
        "samr-2",
        [platform_row(RIDEGO, "RideGo Technology Co.", "deregistered")],
    )
    assert later.json()["rows_applied"] == 1
    ridego = PlatformRegistration.objects.get(credit_code=RIDEGO)
    assert (ridego.status, ridego.flagged) == ("DEREGISTERED", True)
    assert AuditEntry.objects.filter(action="partners.platform_registration.flag").count() == 1
    assert AuditEntry.objects.filter(action="organisation.rename").count() == 1


def test_declared_incomes_are_kept_corrected_and_refused_row_by_row(tax, world):
    call = call_of(tax)
    rows = [
        {"resident_id": world.rider.resident_id, "period": "2026-03", "source": "labour", "amount_cents": "812345"},
        {"resident_id": world.rider.resident_id, "period": "2025", "source": "wages", "amount_cents": "9600000"},
        {"resident_id": world.employee.resident_id, "period": "2026-13", "source": "wages", "amount_cents": "1"},
        {"resident_id": world.employee.resident_id, "period": "2026-02", "source": "gifts", "amount_cents": "-5"},
        {"resident_id": UNKNOWN, "period": "2026-02", "source": "wages", "amount_cents": "100"},
        {"resident_id": world.rider.resident_id, "period": "2026-03", "source": "labour", "amount_cents": "1"},
    ]
    feed, replayed = feed_receive(call=call, kind="incomes", rows=rows, idempotency_key="sta-1", first_row=2)
    assert (replayed, feed.rows_applied, feed.rows_unchanged, feed.rows_refused) == (False, 2, 0, 4)
    assert feed.error_counts == {"bad_value": 3, "unknown_person": 1, "repeated": 1}
    assert [(e["row"], e["field"], e["code"]) for e in feed.errors] == [
        (4, "period", "bad_value"),
        (5, "source", "bad_value"),
        (5, "amount_cents", "bad_value"),
        (6, "resident_id", "unknown_person"),
        (7, "resident_id", "repeated"),
    ]
    assert sorted(DeclaredIncome.objects.values_list("person_id", "period", "source", "amount_cents")) == sorted(
        [(world.rider.pk, "2026-03", "labour", 812345), (world.rider.pk, "2025", "wages", 9600000)]
    )
    # the same rows again: the first answer; a corrected amount: replaced, audited with what it was
    assert feed_receive(call=call, kind="incomes", rows=rows, idempotency_key="sta-1", first_row=2) == (feed, True)
    corrected, _ = feed_receive(
        call=call,
        kind="incomes",
        rows=[
            {"resident_id": world.rider.resident_id, "period": "2026-03", "source": "labour", "amount_cents": "800000"},
            {"resident_id": world.rider.resident_id, "period": "2025", "source": "wages", "amount_cents": "9600000"},
        ],
        idempotency_key="sta-2",
    )
    assert (corrected.rows_applied, corrected.rows_unchanged) == (1, 1)
    income = DeclaredIncome.objects.get(period="2026-03")
    assert (income.amount_cents, income.feed_id) == (800000, corrected.pk)
    entry = AuditEntry.objects.filter(action="partners.declared_income").order_by("id").last()
    assert (entry.before["amount_cents"], entry.after["amount_cents"]) == (812345, 800000)


def test_a_bank_check_holds_payments_to_an_invalid_or_closed_account_until_corrected(bank, world):
    bank_partner = bank.agreement.partner
    for person, number in ((world.rider, GOOD), (world.employee, BAD), (world.freelancer, CLOSED)):
        payment_account_set(actor=SYSTEM, person=person, bank=bank_partner, account_no=number)
        pension_in_payment(person, start_month="2026-09")
    feed = payment_accounts_check(actor=SYSTEM, bank=bank_partner, verifier=LocalBank(closed=[CLOSED]), today=TODAY)
    assert feed is not None and (feed.kind, feed.rows_applied, feed.rows_refused) == ("accounts", 3, 0)
    assert dict(PaymentAccount.objects.values_list("person_id", "status")) == {
        world.rider.pk: "VALID",
        world.employee.pk: "INVALID",
        world.freelancer.pk: "CLOSED",
    }
    assert payment_accounts_check(actor=SYSTEM, bank=bank_partner, verifier=LocalBank(), today=TODAY) is None
    pay_month(actor=SYSTEM, month="2026-09", today=dt.date(2026, 10, 5))
    paid = BenefitPayment.objects.values_list("award__claim__person_id", "month", "amount_cents")
    assert list(paid) == [(world.rider.pk, "2026-09", 312345)]
    # the employee gives a new account: checked valid, the next run pays what was held
    payment_account_set(actor=SYSTEM, person=world.employee, bank=bank_partner, account_no=ANOTHER)
    payment_accounts_check(actor=SYSTEM, bank=bank_partner, verifier=LocalBank(), today=TODAY)
    pay_month(actor=SYSTEM, month="2026-10", today=dt.date(2026, 11, 5))
    by_person = sorted(BenefitPayment.objects.values_list("award__claim__person_id", "month"))
    assert by_person == sorted(
        [
            (world.rider.pk, "2026-09"),
            (world.rider.pk, "2026-10"),
            (world.employee.pk, "2026-09"),
            (world.employee.pk, "2026-10"),
        ]
    )


def test_a_closed_account_holds_payments_but_not_the_recovery_after_a_death(bank, world):
    """A pensioner dies and the bank closes the account: the months paid after the death are recovered (a
    negative payment booked) though nothing more goes out to the account."""
    bank_partner = bank.agreement.partner
    payment_account_set(actor=SYSTEM, person=world.rider, bank=bank_partner, account_no=CLOSED)
    pension_in_payment(world.rider, start_month="2026-08")
    pay_month(actor=SYSTEM, month="2026-09", today=dt.date(2026, 10, 5))  # not checked yet: paid
    payment_accounts_check(actor=SYSTEM, bank=bank_partner, verifier=LocalBank(closed=[CLOSED]), today=TODAY)
    death_notice_record(
        actor=SYSTEM, person_id=world.rider.pk, died_on=dt.date(2026, 8, 20), source="civil register", today=TODAY
    )
    pay_month(actor=SYSTEM, month="2026-10", today=dt.date(2026, 11, 5))
    rows = BenefitPayment.objects.order_by("month", "kind").values_list("month", "kind", "amount_cents")
    assert list(rows) == [
        ("2026-08", "PAYMENT", 312345),
        ("2026-09", "PAYMENT", 312345),
        ("2026-09", "RECOVERY", -312345),
    ]


def test_a_bank_answer_on_an_account_the_agency_does_not_hold_is_refused(client, bank, world):
    payment_account_set(actor=SYSTEM, person=world.rider, bank=bank.agreement.partner, account_no=GOOD)
    rows = [
        {"resident_id": world.freelancer.resident_id, "account_no": BAD, "result": "valid"},
        {"resident_id": world.employee.resident_id, "account_no": GOOD, "result": "valid"},
        {"resident_id": world.rider.resident_id, "account_no": "12-34", "result": "maybe"},
        {"resident_id": world.rider.resident_id, "account_no": GOOD, "result": "closed"},
    ]
    body = send(client, bearer(client, bank), "accounts", "b-1", rows).json()
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (1, "account_no", "no_account"),
        (2, "account_no", "no_account"),
        (3, "account_no", "bad_value"),
        (3, "result", "bad_value"),
    ]
    assert (
        body["errors"][0]["message"]
        == "account_no: not the account at this bank that this person's benefits are paid to"
    )
    assert PaymentAccount.objects.get().status == "CLOSED"


def test_an_expired_agreement_and_a_column_outside_it_are_refused_whole_and_kept(client, tax, world):
    headers = bearer(client, tax)
    rows = [
        {
            "resident_id": world.rider.resident_id,
            "period": "2026-03",
            "source": "labour",
            "amount_cents": "1",
            "employer": "x",
        }
    ]
    outside = send(client, headers, "incomes", "k1", rows)
    assert outside.status_code == 422
    assert (outside.json()["code"], outside.json()["field"]) == ("invalid", "employer")
    del rows[0]["employer"]
    wrong_scope = send(client, headers, "platforms", "k1", [platform_row(NEW_PLATFORM, "X")])
    assert (wrong_scope.status_code, wrong_scope.json()["code"]) == (403, "scope_outside_agreement")
    expired = make_agreement(
        tax.agreement.partner, "STA-2025-01", scopes=["incomes:send"], read=[],
        send=["resident_id", "period", "source", "amount_cents"], days=(-400, -35),
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        feed_receive(call=call_of(expired), kind="incomes", rows=rows, idempotency_key="k2")
    assert refused.value.code == "agreement_not_in_force"
    limited = make_agreement(
        tax.agreement.partner, "STA-2026-02", scopes=["incomes:send"], read=[], send=["resident_id", "period", "source"]
    )
    with pytest.raises(DomainError) as narrow:
        feed_receive(call=call_of(limited), kind="incomes", rows=rows, idempotency_key="k3")
    assert (narrow.value.code, narrow.value.field) == ("field_outside_agreement", "amount_cents")
    assert list(PartnerRefusal.objects.order_by("id").values_list("code", flat=True)) == [
        "invalid",
        "scope_outside_agreement",
        "agreement_not_in_force",
        "field_outside_agreement",
    ]
    assert (Feed.objects.count(), DeclaredIncome.objects.count()) == (0, 0)
