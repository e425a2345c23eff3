"""Payments a platform declares: a declaration moves no money. It is booked as a payment (allocated to
the invoices, posted to the ledger) only on evidence: a bank-statement line with the same reference
(the bank's date and amount count), or an officer's confirmation with a reason and the date the money
arrived; at or above a threshold (``contribution.payment_second_officer``) a second, different officer
approves before it is booked, and so does a date more than ``contribution.payment_backdate_second_officer_days``
back (a backdated day clears surcharges); the officer's day is never more than
``contribution.payment_bank_match_days`` before the day declared. The officer's booking is provisional until
the bank's line settles it (``bank_lines``). A bank line with the declaration's reference but another amount
makes the declaration MISMATCHED: booked as the bank says, in the officer's queue. The date the platform
claims is kept, never booked."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import Payment, PaymentDeclaration
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.registry.models import Organisation
from socsec.rules.parameters import load_parameters

from .payments import OpenInvoices, check_payment_fields, record_payment

S = PaymentDeclaration.Status
THRESHOLD_PARAMETER = "contribution.payment_second_officer"
MATCH_DAYS_PARAMETER = "contribution.payment_bank_match_days"
BACKDATE_PARAMETER = "contribution.payment_backdate_second_officer_days"
OPEN = (S.PENDING, S.AWAITING_APPROVAL)


def payment_declare(
    *, actor: Actor, platform: Organisation, amount_cents: int, declared_received_on: dt.date, reference: str
) -> tuple[PaymentDeclaration, bool]:
    """Record what a platform says it paid, once per (platform, reference). Nothing is allocated or
    posted. If the bank's line with that reference is already booked, the declaration is matched to it at
    once. Returns (declaration, replayed)."""
    if actor.organisation_id is not None and actor.organisation_id != platform.pk:
        raise Forbidden("a platform may only declare its own payments", field="platform")
    check_payment_fields(amount_cents, declared_received_on, reference)
    with transaction.atomic():
        lock(Organisation.objects).filter(pk=platform.pk).first()  # as the bank import: one at a time
        existing = PaymentDeclaration.objects.filter(platform=platform, reference=reference).first()
        if existing is not None:
            if (existing.amount_cents, existing.declared_received_on) != (amount_cents, declared_received_on):
                raise Conflict(
                    "reference %(reference)s was declared with another amount or date",
                    field="reference",
                    code=ContributionErrorCode.PAYMENT_REFERENCE_REUSED,
                    params={"reference": reference},
                )
            return existing, True
        declaration = PaymentDeclaration.objects.create(
            platform=platform,
            reference=reference,
            amount_cents=amount_cents,
            declared_received_on=declared_received_on,
        )
        audit_record(actor=actor, action="payment.declare", instance=declaration)
        booked = Payment.objects.filter(platform=platform, reference=reference).first()
        if booked is not None:
            _match(actor, declaration, booked)
    return declaration, False


def declarations_match(*, actor: Actor, payments: list[Payment]) -> int:
    """Inside the bank import's transaction (platforms locked): each open declaration whose reference is
    one of these payments' is matched to it and takes the bank's date. Returns how many were matched."""
    by_key = {(p.platform_id, p.reference): p for p in payments}
    if not by_key:
        return 0
    open_ones = (
        PaymentDeclaration.objects.select_for_update()
        .filter(status__in=OPEN, platform_id__in={k[0] for k in by_key}, reference__in={k[1] for k in by_key})
        .order_by("id")
    )
    matched = 0
    for declaration in open_ones:
        payment = by_key.get((declaration.platform_id, declaration.reference))
        if payment is not None:
            _match(actor, declaration, payment)
            matched += 1
    return matched


def _match(actor: Actor, declaration: PaymentDeclaration, payment: Payment) -> None:
    """Match the declaration to the bank's payment; another amount makes it MISMATCHED (the bank's payment
    stays booked as the bank says: an officer reviews what the platform declared)."""
    before = snapshot(declaration)
    declaration.status = S.MATCHED
    if payment.amount_cents != declaration.amount_cents:
        declaration.status = S.MISMATCHED
        declaration.mismatch = (
            f"declared {cents_text(declaration.amount_cents)} yuan; "
            f"the bank's line {payment.reference} is {cents_text(payment.amount_cents)} yuan"
        )
    declaration.payment = payment
    declaration.received_on = payment.received_on
    declaration.decided_at = timezone.now()
    declaration.save(update_fields=["status", "mismatch", "payment", "received_on", "decided_at"])
    audit_record(actor=actor, action="payment.declaration.match", instance=declaration, before=before)


def cents_text(cents: int) -> str:
    """Cents as yuan with two decimals, for the messages an officer reads."""
    return f"{cents // 100:,}.{cents % 100:02d}"


def match_window_days(on: dt.date) -> int:
    """How far a bank line's date may lie from an officer's, and an officer's before the declared date."""
    return load_parameters().value_int(MATCH_DAYS_PARAMETER, on)


def backdate_limit_days(on: dt.date) -> int:
    """A confirmation that the money arrived more days ago than this needs a second officer."""
    return load_parameters().value_int(BACKDATE_PARAMETER, on)


def second_officer_threshold_cents(on: dt.date) -> int:
    """From this amount on, a confirmation needs a second officer (the parameter is in yuan)."""
    return int(load_parameters().value_decimal(THRESHOLD_PARAMETER, on) * 100)


def _require_officer(actor: Actor) -> int:
    """The acting officer's (or supervisor's) user id; anyone else is refused."""
    from socsec.accounts.models import Role, User  # accounts reads this app: imported when used

    officer = actor.organisation_id is None and (
        actor.user_id is not None
        and User.objects.filter(pk=actor.user_id, role__in=[Role.OFFICER, Role.SUPERVISOR]).exists()
    )
    if not officer or actor.user_id is None:
        raise Forbidden("only an officer confirms, approves or rejects a declared payment")
    return actor.user_id


def _locked(declaration: PaymentDeclaration, *statuses: str) -> PaymentDeclaration:
    """The declaration locked (its platform first, as every booking), in one of the statuses."""
    lock(Organisation.objects).filter(pk=declaration.platform_id).first()
    locked = PaymentDeclaration.objects.select_for_update().select_related("platform").get(pk=declaration.pk)
    if locked.status not in statuses:
        raise Conflict(
            "declared payment %(reference)s is %(status)s",
            field="status",
            code=ContributionErrorCode.DECLARATION_DECIDED,
            params={"reference": locked.reference, "status": S(locked.status).label},
        )
    return locked


def payment_declaration_confirm(
    *,
    actor: Actor,
    declaration: PaymentDeclaration,
    received_on: dt.date,
    reason: str,
    today: dt.date | None = None,
) -> PaymentDeclaration:
    """An officer confirms a declared payment with the date the money arrived and a reason: not in the
    future, not more than the match window before the date declared. Below the threshold and within the
    backdating limit it is booked at once on that date (provisionally, until the bank's line settles it);
    at or above the threshold, or further back than the limit, it waits for a second officer."""
    user_id = _require_officer(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = ["is required: say what shows the money arrived."]
    if received_on > today:
        errors["received_on"] = [f"{received_on.isoformat()} is in the future."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        locked = _locked(declaration, S.PENDING)
        earliest = locked.declared_received_on - dt.timedelta(days=match_window_days(today))
        if received_on < earliest:
            raise ValidationFailed(
                "received_on: %(received_on)s is before %(earliest)s, more than %(days)s days before the date "
                "declared (%(declared)s).",
                field="received_on",
                params={
                    "received_on": received_on.isoformat(),
                    "earliest": earliest.isoformat(),
                    "days": match_window_days(today),
                    "declared": locked.declared_received_on.isoformat(),
                },
            )
        before = snapshot(locked)
        locked.received_on = received_on
        locked.reason = reason.strip()
        locked.confirmed_by_id = user_id
        backdated = received_on < today - dt.timedelta(days=backdate_limit_days(today))
        if backdated or locked.amount_cents >= second_officer_threshold_cents(today):
            locked.status = S.AWAITING_APPROVAL
            locked.save(update_fields=["received_on", "reason", "confirmed_by", "status"])
            audit_record(actor=actor, action="payment.declaration.confirm", instance=locked, before=before)
            return locked
        _book(actor, locked)
        audit_record(actor=actor, action="payment.declaration.confirm", instance=locked, before=before)
    return locked


def payment_declaration_approve(*, actor: Actor, declaration: PaymentDeclaration) -> PaymentDeclaration:
    """The second officer approves a confirmation at or above the threshold; it is then booked on the
    date the first officer gave. The officer who confirmed cannot approve."""
    user_id = _require_officer(actor)
    with transaction.atomic():
        locked = _locked(declaration, S.AWAITING_APPROVAL)
        if locked.confirmed_by_id == user_id:
            raise Forbidden(
                "declared payment %(reference)s needs a second officer: you confirmed it",
                code=ContributionErrorCode.MAKER_CHECKER,
                params={"reference": locked.reference},
            )
        before = snapshot(locked)
        locked.approved_by_id = user_id
        _book(actor, locked)
        audit_record(actor=actor, action="payment.declaration.approve", instance=locked, before=before)
    return locked


def payment_declaration_reject(*, actor: Actor, declaration: PaymentDeclaration, reason: str) -> PaymentDeclaration:
    """An officer rejects a declared payment that is not booked (no money seen), with the reason."""
    _require_officer(actor)
    if not reason.strip():
        raise ValidationFailed("reason: is required: say why the payment is rejected.", field="reason")
    with transaction.atomic():
        locked = _locked(declaration, *OPEN)
        before = snapshot(locked)
        locked.status = S.REJECTED
        locked.reason = reason.strip()
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "reason", "decided_at"])
        audit_record(actor=actor, action="payment.declaration.reject", instance=locked, before=before)
    return locked


def _book(actor: Actor, declaration: PaymentDeclaration) -> None:
    """Book the confirmed declaration as a payment on the officer's date (platform locked)."""
    assert declaration.received_on is not None
    payment, _replayed = record_payment(
        actor,
        declaration.platform,
        declaration.amount_cents,
        declaration.received_on,
        declaration.reference,
        "officer",
        OpenInvoices(declaration.platform),
    )
    declaration.status = S.CONFIRMED
    declaration.payment = payment
    declaration.decided_at = timezone.now()
    declaration.save(
        update_fields=["status", "payment", "received_on", "reason", "confirmed_by", "approved_by", "decided_at"]
    )
