"""A platform's payments as the agency sees them arrive (a bank-statement line, an officer's confirmed
declaration): each recorded once per bank reference, allocated to the platform's unpaid invoices oldest
due first (what is left stays as credit), and posted to the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import Payment, PaymentAllocation
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.core.text import text_refusal
from socsec.ledger.accounts import BANK_COLLECTION, platform_receivable
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import post as ledger_post
from socsec.registry.models import Organisation

from .outstanding import unpaid_invoices


def payment_record(
    *, actor: Actor, platform: Organisation, amount_cents: int, received_on: dt.date, reference: str, source: str
) -> tuple[Payment, bool]:
    """Record money the agency has seen arrive (the system or an officer: a bank line, the demo), once
    per (platform, reference), and allocate it to the platform's unpaid invoices, oldest due first; what
    is left stays as credit on its account. A platform only declares its payments
    (``declarations.payment_declare``). Returns (payment, replayed)."""
    if actor.organisation_id is not None:
        raise Forbidden(
            "a platform declares its payments; they are booked when the bank statement or an officer confirms them",
            field="platform",
        )
    check_payment_fields(amount_cents, received_on, reference)
    with transaction.atomic():
        lock(Organisation.objects).filter(pk=platform.pk).first()  # one allocation at a time
        return record_payment(actor, platform, amount_cents, received_on, reference, source, OpenInvoices(platform))


def check_payment_fields(amount_cents: int, received_on: dt.date, reference: str) -> None:
    """A reference (no control character), a positive amount and a date not in the future, or
    ``ValidationFailed`` naming each."""
    errors: dict[str, list[str]] = {}
    if not reference or len(reference) > 100:
        errors["reference"] = ["is required (the bank reference, at most 100 characters)."]
    elif refusal := text_refusal(reference):
        errors["reference"] = [refusal]
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        errors["amount_cents"] = [f"{amount_cents!r} must be a positive whole number of cents."]
    if received_on > timezone.localdate():
        errors["received_on"] = [f"{received_on.isoformat()} is in the future."]
    if errors:
        raise ValidationFailed.from_fields(errors)


class OpenInvoices:
    """A platform's unpaid invoices, oldest due first, read once (with the platform locked) and kept up to
    date as payments are allocated: a statement with many lines of one platform reads them once."""

    def __init__(self, platform: Organisation) -> None:
        self.platform = platform
        self._open: list[list[Any]] | None = None

    def read(self) -> None:
        """Read them, if not read yet: before the next payment is created (it is not credit yet)."""
        if self._open is None:
            self._open = [[invoice, outstanding] for invoice, outstanding in unpaid_invoices(platform=self.platform)]

    def allocate(self, payment: Payment) -> None:
        """Allocate a new payment to the invoices, oldest first; what is left is credit."""
        assert self._open is not None, "read the open invoices before the payment is created"
        left = payment.amount_cents
        shares = []
        for entry in self._open:
            if left == 0:
                break
            share = min(left, entry[1])
            if share:
                shares.append(PaymentAllocation(payment=payment, invoice=entry[0], amount_cents=share))
                entry[1] -= share
                left -= share
        PaymentAllocation.objects.bulk_create(shares)


def record_payment(
    actor: Actor,
    platform: Organisation,
    amount_cents: int,
    received_on: dt.date,
    reference: str,
    source: str,
    open_invoices: OpenInvoices,
) -> tuple[Payment, bool]:
    """One payment of a locked platform: replayed when its reference is known, else recorded, allocated
    and posted to the ledger."""
    existing = Payment.objects.filter(platform=platform, reference=reference).first()
    if existing is not None:
        if (existing.amount_cents, existing.received_on) != (amount_cents, received_on):
            raise Conflict(
                "reference %(reference)r was recorded with another amount or date",
                field="reference",
                code=ContributionErrorCode.PAYMENT_REFERENCE_REUSED,
                params={"reference": reference},
            )
        return existing, True
    open_invoices.read()
    payment = Payment.objects.create(
        platform=platform,
        reference=reference,
        amount_cents=amount_cents,
        received_on=received_on,
        source=source[:100],
    )
    open_invoices.allocate(payment)
    key = source_key(SourceKind.PAYMENT, payment.pk)
    ledger_post(
        entries=[(BANK_COLLECTION, amount_cents), (platform_receivable(platform.code), -amount_cents)],
        description=f"payment {reference} from {platform.code}",
        kind=LineKind.PAYMENT,
        params={"reference": reference, "platform": platform.code},
        source=key,
        idempotency_key=key,
        booked_on=received_on,
    )
    audit_record(actor=actor, action="payment.record", instance=payment)
    return payment, False
