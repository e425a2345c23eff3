"""Joining a voluntary scheme, and paying an own contribution through the payment provider: pending until
the provider's signed callback confirms it, booked once; a callback with a bad signature, an unknown
reference, a replay, a stale timestamp or another amount changes nothing and is recorded and logged."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping

import pytest
from django.test import Client
from django.utils import timezone

from socsec.audit.models import AuditEntry
from socsec.contributions.models import OwnContribution, ProviderPayment, RejectedCallback, VoluntaryEnrolment
from socsec.contributions.own.checkout import own_payment_callback, own_payment_start
from socsec.contributions.own.enrolments import enrolment_join, joinable_schemes
from socsec.contributions.own.payments import own_contribution_pay
from socsec.contributions.own.providers import (
    SIGNATURE_HEADER,
    CallbackMessage,
    CallbackRejected,
    LocalProvider,
    PaymentStart,
)
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.selectors import balance
from tests.conftest import table_counts
from tests.world import SYSTEM

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
BASE = 1_200_000  # 12,000 yuan; Beijing's bounds are 7,431.60 to 37,158 yuan (2025-07 average wage 12,386)
DUE = 240_000  # 20% of the base, one month


def start(world) -> ProviderPayment:
    return start_with(world, redirect="/pay/local/{reference}/")


def start_with(world, redirect: str) -> ProviderPayment:
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    payment, started = own_payment_start(
        actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION", period_start=THIS_MONTH, declared_base_cents=BASE
    )
    assert started.redirect_url == redirect.format(reference=payment.reference)
    return payment


def callback(payment: ProviderPayment, outcome: str = "PAID", **override: object) -> tuple[bytes, dict[str, str]]:
    return LocalProvider().callback(
        reference=str(override.get("reference", payment.reference)),
        outcome=outcome,
        amount_cents=int(override.get("amount", payment.amount_cents)),  # type: ignore[call-overload]
        now=override.get("now", timezone.now()),  # type: ignore[arg-type]
    )


def post(body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    return post_to("local", body, headers)


def post_to(provider: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    response = Client().post(f"/payments/{provider}/callback/", body, content_type="application/json", headers=headers)
    return response.status_code, response.json()


def test_join_only_what_is_voluntary_and_only_once(world):
    assert joinable_schemes(world.rider, TODAY) == ["EMPLOYEE_PENSION", "MEDICAL", "RESIDENT_PENSION"]
    e = enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    assert (e.scheme, e.joined_on, e.region.code) == ("EMPLOYEE_PENSION", TODAY, "110100")
    assert AuditEntry.objects.filter(action="contribution.enrolment.join").count() == 1
    with pytest.raises(Conflict, match="you joined Employee basic pension already"):
        enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    with pytest.raises(ValidationFailed, match="Employee basic pension is not open to you to join"):
        enrolment_join(actor=SYSTEM, person=world.employee, scheme="EMPLOYEE_PENSION")
    assert VoluntaryEnrolment.objects.count() == 1


def test_a_payment_needs_the_scheme_joined_first(world, unchanged):
    with pytest.raises(ValidationFailed, match="you have not joined Employee basic pension: join it first"):
        own_payment_start(
            actor=SYSTEM,
            person=world.rider,
            scheme="EMPLOYEE_PENSION",
            period_start=THIS_MONTH,
            declared_base_cents=BASE,
        )


def test_pending_until_the_signed_callback_then_booked_once(world):
    payment = start(world)
    assert (payment.status, payment.amount_cents, OwnContribution.objects.count()) == ("PENDING", DUE, 0)
    assert balance("bank:collection") == 0
    status, answer = post(*callback(payment))
    assert (status, answer) == (200, {"status": "CONFIRMED", "reference": payment.reference})
    payment.refresh_from_db()
    c = OwnContribution.objects.get()
    assert (payment.status, payment.contribution_id, c.paid_cents, c.period_start) == (
        "CONFIRMED",
        c.pk,
        DUE,
        THIS_MONTH,
    )
    assert (c.individual_account_cents, c.pooled_cents) == (96_000, 144_000)
    assert balance("bank:collection") == DUE
    assert AuditEntry.objects.filter(action="contribution.own.payment.confirmed").count() == 1


def test_a_cancelled_payment_books_nothing(world):
    payment = start(world)
    assert post(*callback(payment, "CANCELLED"))[0] == 200
    payment.refresh_from_db()
    assert (payment.status, OwnContribution.objects.count(), balance("bank:collection")) == ("CANCELLED", 0, 0)


def _rejected(world, caplog, body: bytes, headers: dict[str, str], reason: str, reference: str) -> None:
    before = table_counts()
    with caplog.at_level(logging.WARNING, logger="socsec.security"):
        status, answer = post(body, headers)
    assert (status, answer) == (400, {"status": "rejected"})
    after = table_counts()
    if reason == "BAD_SIGNATURE":  # not the provider's: logged only, so a flood of them fills no table
        assert after == before
    else:
        assert after.pop("contributions.RejectedCallback") == before.pop("contributions.RejectedCallback") + 1
        assert after == before  # nothing else changed
        r = RejectedCallback.objects.get()
        assert (r.provider, r.reason, r.reference) == ("local", reason, reference)
    assert f"payment callback rejected: provider=local reference={reference} reason={reason}" in caplog.text


def test_a_bad_signature_changes_nothing_and_is_logged(world, caplog):
    payment = start(world)
    body, headers = callback(payment)
    forged = body.replace(b'"PAID"', b'"PAID" ')  # the body changed after signing
    _rejected(world, caplog, forged, headers, "BAD_SIGNATURE", payment.reference)
    _none = {SIGNATURE_HEADER: "0" * 64}
    assert post(body, _none)[0] == 400
    payment.refresh_from_db()
    assert payment.status == "PENDING"


def test_a_callback_signed_with_another_key_is_refused(world, caplog):
    payment = start(world)
    body, headers = LocalProvider(key="not-the-key").callback(
        reference=payment.reference, outcome="PAID", amount_cents=DUE, now=timezone.now()
    )
    _rejected(world, caplog, body, headers, "BAD_SIGNATURE", payment.reference)


def test_an_unknown_reference_changes_nothing_and_is_logged(world, caplog):
    payment = start(world)
    _rejected(world, caplog, *callback(payment, reference="LOCAL-NOSUCH"), "UNKNOWN_REFERENCE", "LOCAL-NOSUCH")


def test_a_replay_changes_nothing_and_is_logged(world, caplog):
    payment = start(world)
    body, headers = callback(payment)
    assert post(body, headers)[0] == 200
    _rejected(world, caplog, body, headers, "REPLAY", payment.reference)  # the same message again
    fresh = callback(payment)  # a new nonce for a payment settled already
    assert post(*fresh)[0] == 400
    assert OwnContribution.objects.count() == 1 and balance("bank:collection") == DUE


def test_a_stale_callback_and_another_amount_are_refused(world, caplog):
    payment = start(world)
    old = timezone.now() - dt.timedelta(minutes=10)
    _rejected(world, caplog, *callback(payment, now=old), "STALE", payment.reference)
    RejectedCallback.objects.all().delete()
    _rejected(world, caplog, *callback(payment, amount=1), "AMOUNT_MISMATCH", payment.reference)


def test_a_payment_whose_months_were_paid_meanwhile_fails_and_books_nothing(world):
    payment = start(world)
    own_contribution_pay(  # the months booked another way while the payment waited
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=THIS_MONTH,
        declared_base_cents=BASE,
    )
    body, headers = callback(payment)
    settled = own_payment_callback(provider_code="local", body=body, headers=headers)
    assert settled is not None
    assert (settled.status, settled.contribution_id) == ("FAILED", None)
    assert "are already paid" in settled.failure
    assert OwnContribution.objects.count() == 1 and balance("bank:collection") == DUE


def test_a_second_payment_for_months_a_pending_one_covers_is_refused(world):
    first = start(world)
    args = {"actor": SYSTEM, "person": world.rider, "scheme": "EMPLOYEE_PENSION", "declared_base_cents": BASE}
    with pytest.raises(Conflict) as caught:
        own_payment_start(**args, period_start=THIS_MONTH)
    assert caught.value.code == "payment_pending"
    assert str(caught.value) == (
        f"a payment for these months is waiting for the payment provider ({first.reference}): pay or cancel it first"
    )
    assert ProviderPayment.objects.count() == 1
    next_month = (THIS_MONTH + dt.timedelta(days=32)).replace(day=1)
    second, _started = own_payment_start(**args, period_start=next_month)  # other months: no overlap
    assert second.status == "PENDING"
    assert post(*callback(first, "CANCELLED"))[0] == 200
    third, _started = own_payment_start(**args, period_start=THIS_MONTH)  # the first one is settled
    assert third.status == "PENDING"


def test_a_paid_callback_after_a_cancelled_one_is_recorded_as_money_owed_back(world, caplog):
    payment = start(world)
    assert post(*callback(payment, "CANCELLED")) == (200, {"status": "CANCELLED", "reference": payment.reference})
    paid = callback(payment)  # signed, with a new nonce: the person paid in another tab after all
    with caplog.at_level(logging.WARNING, logger="socsec.security"):
        assert post(*paid) == (200, {"status": "FAILED", "reference": payment.reference})
    payment.refresh_from_db()
    assert (payment.status, payment.contribution_id) == ("FAILED", None)
    assert payment.failure == f"paid ({DUE} cents) after the payment was cancelled: the money is owed back"
    assert RejectedCallback.objects.count() == 0 and OwnContribution.objects.count() == 0
    assert f"payment paid after it was cancelled: provider=local reference={payment.reference}" in caplog.text
    assert post(*paid)[0] == 400  # the same message again is a replay
    assert RejectedCallback.objects.get().reason == "REPLAY"
    assert post(*callback(payment))[0] == 400  # a further PAID for a payment settled as FAILED
    assert AuditEntry.objects.filter(action="contribution.own.payment.failed").count() == 1


def test_the_api_joins_and_starts_a_payment(world):
    worker = Client()
    worker.force_login(world.users["worker"])
    joined = worker.post("/api/me/enrolments", json.dumps({"scheme": "MEDICAL"}), content_type="application/json")
    assert (joined.status_code, joined.json()["scheme"], joined.json()["region"]) == (201, "MEDICAL", "110100")
    again = worker.post("/api/me/enrolments", json.dumps({"scheme": "MEDICAL"}), content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "already_joined")
    body = {"scheme": "MEDICAL", "period_start": THIS_MONTH.isoformat(), "declared_base_cents": BASE}
    started = worker.post("/api/me/contributions/own/payments", json.dumps(body), content_type="application/json")
    answer = started.json()
    assert (started.status_code, answer["status"], answer["provider"]) == (201, "PENDING", "local")
    assert answer["redirect_url"] == f"/pay/local/{answer['reference']}/"
    assert OwnContribution.objects.count() == 0


class FakeGateway:
    """Another provider, as a bank's gateway would be: chosen by setting, with its own check."""

    code = "bank"

    def start(self, *, amount_cents: int, description: str) -> PaymentStart:
        return PaymentStart(f"BANK-{amount_cents}", "https://bank.example/pay")

    def verify_callback(self, *, body: bytes, headers: Mapping[str, str], now: dt.datetime) -> CallbackMessage:
        if headers.get("X-Bank-Token") != "trusted":
            raise CallbackRejected(RejectedCallback.Reason.BAD_SIGNATURE)
        data = json.loads(body)
        return CallbackMessage(data["reference"], "PAID", int(data["amount_cents"]), data["nonce"])


def test_another_provider_fits_by_setting(world, settings):
    settings.SOCSEC_PAYMENT_PROVIDERS = {**settings.SOCSEC_PAYMENT_PROVIDERS, "bank": f"{__name__}.FakeGateway"}
    settings.SOCSEC_PAYMENT_PROVIDER = "bank"
    payment = start_with(world, redirect="https://bank.example/pay")
    assert (payment.provider, payment.reference) == ("bank", f"BANK-{DUE}")
    body = json.dumps({"reference": payment.reference, "amount_cents": DUE, "nonce": "n1"}).encode()
    assert post_to("bank", body, {})[0] == 400  # its own check refuses
    assert post_to("bank", body, {"X-Bank-Token": "trusted"}) == (
        200,
        {"status": "CONFIRMED", "reference": "BANK-240000"},
    )
    assert post_to("local", body, {"X-Bank-Token": "trusted"})[0] == 400  # not the local provider's payment
    assert Client().post("/payments/nosuch/callback/", body, content_type="application/json").status_code == 404
    assert OwnContribution.objects.get().paid_cents == DUE
