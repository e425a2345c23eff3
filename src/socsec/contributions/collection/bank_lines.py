"""One bank-statement line booked, inside the import's transaction with its platform locked. An officer's
confirmation books a payment at once but provisionally (``Payment.bank_reference`` empty): the money is
counted, and the bank's line settles it when it comes. A line settles a provisional payment of its platform
with the same reference or, when no payment has its reference, the oldest provisional one with the same
amount whose date lies within the match window of the bank's date; the bank's reference is kept on the
payment (a second import of the statement finds it). When the bank's date differs, the bank's date wins
through a correcting ledger transaction (the officer's posting reversed on the officer's date, posted
again on the bank's); when the amount differs, nothing is booked: the line is MISMATCHED, for an officer,
and the declaration behind the payment says so. Any other line is a new payment. Each line has its own
outcome: one line that cannot be booked never refuses the others."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.contributions.models import Payment, PaymentDeclaration
from socsec.ledger.accounts import BANK_COLLECTION, platform_receivable
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import post as ledger_post
from socsec.registry.models import Organisation

from .declarations import cents_text
from .payments import OpenInvoices, record_payment

OFFICER_SOURCE = "officer"


class LineOutcome(StrEnum):
    NEW = "new"  # recorded and allocated as a new payment
    REPLAYED = "replayed"  # recorded before by this line
    SETTLED = "settled"  # settled an officer-confirmed payment (the bank's date kept)
    MISMATCHED = "mismatched"  # not booked: for an officer to review


@dataclass(frozen=True)
class StatementRow:
    """One checked line of a bank statement: a platform's payment."""

    row: int
    platform: Organisation
    amount_cents: int
    received_on: dt.date
    reference: str


@dataclass(frozen=True)
class LineResult:
    """What became of one line: its row, outcome, the payment it is (none when MISMATCHED), and why."""

    row: int
    reference: str
    outcome: LineOutcome
    payment: Payment | None
    message: str = ""


def book_line(actor: Actor, r: StatementRow, source: str, open_invoices: OpenInvoices, window_days: int) -> LineResult:
    """Book one line of a locked platform (see the module's docstring)."""
    known = (
        Payment.objects.filter(platform=r.platform)
        .filter(Q(reference=r.reference) | Q(bank_reference=r.reference))
        .order_by("id")
        .first()
    )
    if known is not None and (known.bank_reference == r.reference or known.source != OFFICER_SOURCE):
        if (known.amount_cents, known.received_on) == (r.amount_cents, r.received_on):
            return LineResult(r.row, r.reference, LineOutcome.REPLAYED, known)
        return LineResult(
            r.row,
            r.reference,
            LineOutcome.MISMATCHED,
            None,
            f"reference {r.reference} was recorded with {cents_text(known.amount_cents)} yuan on "
            f"{known.received_on.isoformat()}",
        )
    if known is not None and known.bank_reference:  # the officer's reference, settled by another line
        return LineResult(
            r.row,
            r.reference,
            LineOutcome.MISMATCHED,
            None,
            f"reference {r.reference} names a payment the bank's line {known.bank_reference} settled",
        )
    if known is None:
        known = (
            Payment.objects.filter(
                platform=r.platform,
                source=OFFICER_SOURCE,
                bank_reference="",
                amount_cents=r.amount_cents,
                received_on__range=(
                    r.received_on - dt.timedelta(days=window_days),
                    r.received_on + dt.timedelta(days=window_days),
                ),
            )
            .order_by("received_on", "id")
            .first()
        )
    if known is None:
        payment, replayed = record_payment(
            actor, r.platform, r.amount_cents, r.received_on, r.reference, source, open_invoices
        )
        return LineResult(r.row, r.reference, LineOutcome.REPLAYED if replayed else LineOutcome.NEW, payment)
    return _settle(actor, known, r)


def _settle(actor: Actor, payment: Payment, r: StatementRow) -> LineResult:
    declaration = PaymentDeclaration.objects.filter(payment=payment).first()
    if payment.amount_cents != r.amount_cents:
        message = (
            f"the bank's line {r.reference} is {cents_text(r.amount_cents)} yuan; officers confirmed "
            f"{cents_text(payment.amount_cents)} yuan under {payment.reference}"
        )
        if declaration is not None:
            before = snapshot(declaration)
            declaration.status = PaymentDeclaration.Status.MISMATCHED
            declaration.mismatch = message
            declaration.save(update_fields=["status", "mismatch"])
            audit_record(actor=actor, action="payment.declaration.mismatch", instance=declaration, before=before)
        return LineResult(r.row, r.reference, LineOutcome.MISMATCHED, None, message)
    before = snapshot(payment)
    if payment.received_on != r.received_on:
        receivable = platform_receivable(r.platform.code)
        key = source_key(SourceKind.PAYMENT, payment.pk)
        ledger_post(
            entries=[(BANK_COLLECTION, -r.amount_cents), (receivable, r.amount_cents)],
            description=f"payment {payment.reference}: officer's date {payment.received_on.isoformat()} reversed",
            kind=LineKind.PAYMENT_DATE_REVERSED,
            params={"reference": payment.reference, "day": payment.received_on.isoformat()},
            source=key,
            idempotency_key=f"{key}:officer-date-reversed",
            booked_on=payment.received_on,
        )
        ledger_post(
            entries=[(BANK_COLLECTION, r.amount_cents), (receivable, -r.amount_cents)],
            description=f"payment {payment.reference}: on the bank's date (line {r.reference})",
            kind=LineKind.PAYMENT_BANK_DATE,
            params={"reference": payment.reference, "line": r.reference},
            source=key,
            idempotency_key=f"{key}:bank-date",
            booked_on=r.received_on,
        )
        payment.received_on = r.received_on
        if declaration is not None:
            declaration.received_on = r.received_on
            declaration.save(update_fields=["received_on"])
    payment.bank_reference = r.reference
    payment.save(update_fields=["received_on", "bank_reference"])
    audit_record(actor=actor, action="payment.settle", instance=payment, before=before)
    return LineResult(r.row, r.reference, LineOutcome.SETTLED, payment)
