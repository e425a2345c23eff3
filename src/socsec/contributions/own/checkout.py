"""Paying an own contribution through a payment provider: the payment is started with the amount the
rules give (``own_contribution_quote``) and stays PENDING until the provider's signed callback confirms
it; only then is the contribution booked (``own_contribution_pay``), in the callback's transaction and
once per provider reference. A callback with a bad signature, an unknown reference, a replay, a stale
timestamp or another amount changes nothing: it is logged, and stored as a ``RejectedCallback`` once its
signature holds (an unsigned flood stores nothing)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import ProviderPayment, RejectedCallback, VoluntaryEnrolment
from socsec.core.db import lock
from socsec.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from socsec.registry.models import Person
from socsec.rules.coverage import SCHEME_LABELS
from socsec.rules.coverage import Scheme as RuleScheme

from .payments import own_contribution_pay, own_contribution_quote
from .providers import CANCELLED, PAID, CallbackMessage, CallbackRejected, PaymentStart, payment_provider

security_log = logging.getLogger("socsec.security")
# Refusals of callbacks whose signature does not hold: not the provider's, so not kept as rows.
UNVERIFIED = (RejectedCallback.Reason.BAD_SIGNATURE, RejectedCallback.Reason.MALFORMED)


def own_payment_start(
    *,
    actor: Actor,
    person: Person,
    scheme: str,
    period_start: dt.date,
    months: int = 1,
    declared_base_cents: int | None = None,
    tier: str = "",
    today: dt.date | None = None,
) -> tuple[ProviderPayment, PaymentStart]:
    """Opens a payment with the provider for an own contribution of a scheme the person joined, at the
    amount the rules give today; nothing is booked until the provider confirms it."""
    today = today or timezone.localdate()
    amounts, plan = own_contribution_quote(
        actor=actor,
        person=person,
        scheme=scheme,
        period_start=period_start,
        months=months,
        declared_base_cents=declared_base_cents,
        tier=tier,
        today=today,
    )
    if not VoluntaryEnrolment.objects.filter(person=person, scheme=scheme).exists():
        raise ValidationFailed(
            "you have not joined %(scheme)s: join it first",
            field="scheme",
            code=ContributionErrorCode.NOT_JOINED,
            params={"scheme": SCHEME_LABELS[RuleScheme(scheme)]},
        )
    _refuse_pending_overlap(person, scheme, period_start, plan.months)
    provider = payment_provider()
    started = provider.start(
        amount_cents=amounts.paid, description=f"{scheme} {period_start:%Y-%m} x{plan.months} person {person.pk}"
    )
    with transaction.atomic():
        payment = ProviderPayment.objects.create(
            person=person,
            scheme=scheme,
            period_start=period_start,
            months=plan.months,
            declared_base_cents=declared_base_cents,
            tier=tier,
            amount_cents=amounts.paid,
            provider=provider.code,
            reference=started.reference,
        )
        audit_record(actor=actor, action="contribution.own.payment.start", instance=payment)
    return payment, started


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _refuse_pending_overlap(person: Person, scheme: str, period_start: dt.date, months: int) -> None:
    """A second payment for months a PENDING one covers is refused: both could be paid at the provider,
    and the second could then only be refunded."""
    first = _month_index(period_start)
    pending = ProviderPayment.objects.filter(person=person, scheme=scheme, status=ProviderPayment.Status.PENDING)
    for other in pending:
        start = _month_index(other.period_start)
        if start < first + months and first < start + other.months:
            raise Conflict(
                "a payment for these months is waiting for the payment provider (%(reference)s): "
                "pay or cancel it first",
                field="period_start",
                code=ContributionErrorCode.PAYMENT_PENDING,
                params={"reference": other.reference},
            )


def provider_payments_of(*, person_id: int) -> QuerySet[ProviderPayment]:
    return ProviderPayment.objects.filter(person_id=person_id).select_related("contribution")


def provider_payment_get(*, person_id: int, reference: str) -> ProviderPayment:
    payment = provider_payments_of(person_id=person_id).filter(reference=reference).first()
    if payment is None:
        raise NotFound("no payment %(reference)s of yours", field="reference", params={"reference": reference[:64]})
    return payment


def _reject(provider: str, reason: str, body: bytes, reference: str = "", nonce: str = "") -> None:
    RejectedCallback.objects.create(
        provider=provider[:30],
        reference=reference[:64],
        nonce=nonce[:64],
        reason=reason,
        body=body.decode("utf-8", "replace")[:2000],
    )
    _log_rejected(provider, reference, reason)


def _log_rejected(provider: str, reference: str, reason: str) -> None:
    security_log.warning(
        "payment callback rejected: provider=%s reference=%s reason=%s", provider[:30], reference[:64], reason
    )


def own_payment_callback(
    *, provider_code: str, body: bytes, headers: Mapping[str, str], now: dt.datetime | None = None
) -> ProviderPayment | None:
    """The provider tells the outcome of a payment. A verified PAID books the contribution and confirms
    the payment (FAILED, with why, when its months can no longer be booked or cost another amount now: the
    money is owed back); CANCELLED cancels it. Anything else changes nothing, is recorded and logged, and
    answers None."""
    now = now or timezone.now()
    provider = payment_provider(provider_code)  # an unknown provider: NotFound
    try:
        message = provider.verify_callback(body=body, headers=headers, now=now)
    except CallbackRejected as exc:
        if exc.reason in UNVERIFIED:  # anyone can post these: logged only, so a flood fills no table
            _log_rejected(provider.code, exc.reference, exc.reason)
        else:
            _reject(provider.code, exc.reason, body, exc.reference, exc.nonce)
        return None
    actor = Actor.system(f"payment provider {provider.code}")
    with transaction.atomic():
        payment = lock(ProviderPayment.objects).filter(provider=provider.code, reference=message.reference).first()
        reason = ""
        replay = ProviderPayment.objects.filter(callback_nonce=message.nonce).exists()
        if payment is None:
            reason = RejectedCallback.Reason.UNKNOWN_REFERENCE
        elif not replay and payment.status == ProviderPayment.Status.CANCELLED and message.outcome == PAID:
            return _paid_after_cancel(payment, message, actor, now)
        elif payment.status != ProviderPayment.Status.PENDING or replay:
            reason = RejectedCallback.Reason.REPLAY
        elif message.outcome != CANCELLED and message.amount_cents != payment.amount_cents:
            reason = RejectedCallback.Reason.AMOUNT_MISMATCH
        if reason or payment is None:
            _reject(provider.code, reason, body, message.reference, message.nonce)
            return None
        before = {"status": payment.status}
        payment.callback_nonce, payment.settled_at = message.nonce, now
        if message.outcome == CANCELLED:
            payment.status = ProviderPayment.Status.CANCELLED
        else:
            _book(payment, actor, timezone.localdate(now))
        payment.save(update_fields=["status", "contribution", "callback_nonce", "failure", "settled_at"])
        audit_record(
            actor=actor, action=f"contribution.own.payment.{payment.status.lower()}", instance=payment, before=before
        )
    return payment


def _paid_after_cancel(
    payment: ProviderPayment, message: CallbackMessage, actor: Actor, now: dt.datetime
) -> ProviderPayment:
    """A verified PAID, with a new nonce, for a payment cancelled before: the person paid in the end (in
    another tab, or the provider settled late). The money was taken, so it is a new fact, not a replay:
    the payment becomes FAILED (paid, not booked, to be refunded), for the officers' queue."""
    before = {"status": payment.status}
    payment.status, payment.callback_nonce, payment.settled_at = ProviderPayment.Status.FAILED, message.nonce, now
    payment.failure = f"paid ({message.amount_cents} cents) after the payment was cancelled: the money is owed back"
    payment.save(update_fields=["status", "callback_nonce", "failure", "settled_at"])
    audit_record(actor=actor, action="contribution.own.payment.failed", instance=payment, before=before)
    security_log.warning(
        "payment paid after it was cancelled: provider=%s reference=%s", payment.provider, payment.reference
    )
    return payment


class _AmountChanged(Exception):
    pass


def _book(payment: ProviderPayment, actor: Actor, today: dt.date) -> None:
    try:
        with transaction.atomic():  # a savepoint: a booking refused leaves nothing of itself
            contribution = own_contribution_pay(
                actor=actor,
                person=payment.person,
                scheme=payment.scheme,
                period_start=payment.period_start,
                months=payment.months,
                declared_base_cents=payment.declared_base_cents,
                tier=payment.tier,
                today=today,
            )
            if contribution.paid_cents != payment.amount_cents:
                raise _AmountChanged(f"the amount due is now {contribution.paid_cents} cents")
    except (DomainError, _AmountChanged) as exc:
        payment.status, payment.failure = ProviderPayment.Status.FAILED, str(exc)[:300]
        return
    payment.status, payment.contribution = ProviderPayment.Status.CONFIRMED, contribution


def provider_payments_failed() -> QuerySet[ProviderPayment]:
    """Payments the provider took and that were not booked: the money is owed back (newest first)."""
    return ProviderPayment.objects.filter(status=ProviderPayment.Status.FAILED).select_related("person")


def rejected_callbacks() -> QuerySet[RejectedCallback]:
    return RejectedCallback.objects.all()
