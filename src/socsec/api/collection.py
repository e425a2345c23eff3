"""Collection over the API: a platform declares its payments (once per bank reference; booked only when
a bank-statement line with that reference is imported, or an officer confirms it, maker-checker above a
threshold); officers list, confirm, approve and reject declarations; platforms and staff read the arrears
with their late-payment surcharge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from socsec.accounts.access import principal_of, require, require_platform, require_staff_or_platform
from socsec.accounts.permissions import Principal, may_confirm_payments
from socsec.api.base import api
from socsec.api.bounds import Cents, Day, Reference, Text
from socsec.contributions.collection.arrears import arrears
from socsec.contributions.collection.declarations import (
    payment_declaration_approve,
    payment_declaration_confirm,
    payment_declaration_reject,
    payment_declare,
)
from socsec.contributions.collection.selectors import declaration_get, declarations_list
from socsec.contributions.models import PaymentDeclaration

router = Router()


class PaymentIn(Schema):
    amount_cents: Cents
    received_on: Day  # the date the platform says it paid: kept, never booked
    reference: Reference


class DeclarationOut(Schema):
    id: int
    platform: str
    reference: str
    amount_cents: int
    declared_received_on: dt.date
    status: PaymentDeclaration.Status
    received_on: dt.date | None  # from the bank line or the officer, once booked
    reason: str
    payment: int | None
    allocated: list[dict[str, int]]

    @staticmethod
    def of(d: PaymentDeclaration) -> dict[str, Any]:
        allocations = d.payment.allocations.order_by("id") if d.payment is not None else []
        return {
            "id": d.pk,
            "platform": d.platform.code,
            "reference": d.reference,
            "amount_cents": d.amount_cents,
            "declared_received_on": d.declared_received_on,
            "status": d.status,
            "received_on": d.received_on,
            "reason": d.reason,
            "payment": d.payment_id,
            "allocated": [{"invoice": a.invoice_id, "amount_cents": a.amount_cents} for a in allocations],
        }


@router.post("/payments", response={201: DeclarationOut}, tags=["orders"])
def report_payment(request: HttpRequest, payload: PaymentIn) -> HttpResponse:
    """A platform declares a payment by its bank reference, once per reference. Nothing is allocated:
    the payment is booked when the bank statement shows it (on the bank's date) or an officer confirms
    it."""
    p = principal_of(request)
    platform = require_platform(p, "only a platform reports its payments")
    declaration, replayed = payment_declare(
        actor=p.actor,
        platform=platform,
        amount_cents=payload.amount_cents,
        declared_received_on=payload.received_on,
        reference=payload.reference,
    )
    response = api.create_response(request, DeclarationOut.of(declaration), status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


@router.get("/payment-declarations", response=list[DeclarationOut], tags=["orders"])
def list_declarations(request: HttpRequest, status: PaymentDeclaration.Status | None = None) -> list[dict[str, Any]]:
    """Declared payments oldest first (staff: every platform's; a platform: its own), of one status."""
    own = require_staff_or_platform(principal_of(request), "you may not see declared payments")
    rows = declarations_list(statuses=[status] if status else None, platform=own)
    return [DeclarationOut.of(d) for d in rows]


class ConfirmIn(Schema):
    received_on: Day  # the day the money arrived, as the officer's evidence shows
    reason: Text


class RejectIn(Schema):
    reason: Text


def _officer_declaration(request: HttpRequest, declaration_id: int) -> tuple[Principal, PaymentDeclaration]:
    p = principal_of(request)
    require(may_confirm_payments(p), "only an officer confirms, approves or rejects a declared payment")
    return p, declaration_get(declaration_id=declaration_id)


@router.post("/payment-declarations/{declaration_id}/confirm", response=DeclarationOut, tags=["orders"])
def confirm_declaration(request: HttpRequest, declaration_id: int, payload: ConfirmIn) -> dict[str, Any]:
    """An officer confirms a declared payment with the day the money arrived and a reason: booked on that
    day, or, at or above the threshold, left for a second officer to approve."""
    p, declaration = _officer_declaration(request, declaration_id)
    return DeclarationOut.of(
        payment_declaration_confirm(
            actor=p.actor, declaration=declaration, received_on=payload.received_on, reason=payload.reason
        )
    )


@router.post("/payment-declarations/{declaration_id}/approve", response=DeclarationOut, tags=["orders"])
def approve_declaration(request: HttpRequest, declaration_id: int) -> dict[str, Any]:
    """A second officer (not the one who confirmed) approves a confirmation; it is booked."""
    p, declaration = _officer_declaration(request, declaration_id)
    return DeclarationOut.of(payment_declaration_approve(actor=p.actor, declaration=declaration))


@router.post("/payment-declarations/{declaration_id}/reject", response=DeclarationOut, tags=["orders"])
def reject_declaration(request: HttpRequest, declaration_id: int, payload: RejectIn) -> dict[str, Any]:
    """An officer rejects a declared payment not booked, with the reason."""
    p, declaration = _officer_declaration(request, declaration_id)
    return DeclarationOut.of(payment_declaration_reject(actor=p.actor, declaration=declaration, reason=payload.reason))


class ArrearOut(Schema):
    invoice: int
    platform: str
    province: str
    month: str
    due_on: dt.date
    outstanding_cents: int
    days_late: int
    surcharge_cents: int
    explanation: dict[str, Any]


@router.get("/arrears", response=list[ArrearOut], tags=["orders"])
def list_arrears(request: HttpRequest, on: Day | None = None) -> list[dict[str, Any]]:
    """Invoices past due on the date, with the late-payment surcharge reckoned day by day between
    payments; the explanation lists every stretch of days (from, to, days, unpaid amount, amount)."""
    own = require_staff_or_platform(principal_of(request), "you may not see arrears")
    rows = arrears(on=on or timezone.localdate(), platform=own)
    return [
        {
            "invoice": a.invoice.pk,
            "platform": a.invoice.platform.code,
            "province": a.invoice.province.code,
            "month": a.invoice.month,
            "due_on": a.invoice.due_on,
            "outstanding_cents": a.outstanding_cents,
            "days_late": a.days_late,
            "surcharge_cents": a.surcharge_cents,
            "explanation": a.explanation(),
        }
        for a in rows
    ]
