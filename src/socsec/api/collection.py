"""Collection over the API: a platform declares its payments (once per bank reference; booked only when
a bank-statement line with that reference is imported, or an officer confirms it, maker-checker above a
threshold); officers list, confirm, approve and reject declarations; platforms and staff list invoices
and booked payments, and read the arrears with their late-payment surcharge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from socsec.accounts.access import (
    access_organisation,
    principal_of,
    require,
    require_platform,
    require_staff_or_platform,
)
from socsec.accounts.permissions import Principal, may_confirm_payments
from socsec.api.base import api
from socsec.api.bounds import Cents, Day, Reference, Text
from socsec.api.responses import (
    PageIn,
    decode_cursor,
    encode_cursor,
    page_of,
    paginate,
    paginate_read,
    responses,
)
from socsec.contributions.collection.arrears import arrears_page
from socsec.contributions.collection.declarations import (
    payment_declaration_approve,
    payment_declaration_confirm,
    payment_declaration_reject,
    payment_declare,
)
from socsec.contributions.collection.selectors import (
    declaration_get,
    declarations_list,
    invoices_page,
    payments_list,
)
from socsec.contributions.models import Invoice, Payment, PaymentDeclaration
from socsec.registry.models import Organisation

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
        allocations = sorted(d.payment.allocations.all(), key=lambda a: a.pk) if d.payment is not None else []
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


class PaymentOut(Schema):
    id: int
    platform: str
    reference: str
    amount_cents: int
    received_on: dt.date
    allocated: list[dict[str, int]]


def payment_body(payment: Payment) -> dict[str, Any]:
    return {
        "id": payment.pk,
        "platform": payment.platform.code,
        "reference": payment.reference,
        "amount_cents": payment.amount_cents,
        "received_on": payment.received_on,
        "allocated": [
            {"invoice": a.invoice_id, "amount_cents": a.amount_cents}
            for a in sorted(payment.allocations.all(), key=lambda a: a.pk)
        ],
    }


@router.post("/payments", response=responses({201: DeclarationOut}, 409), tags=["orders"])
def declare_payment(request: HttpRequest, payload: PaymentIn) -> HttpResponse:
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


class DeclarationFilter(PageIn):
    platform: str | None = Field(None, max_length=40, description="Staff only: one platform's declarations.")
    status: PaymentDeclaration.Status | None = None


@router.get("/payment-declarations", response=responses({200: page_of(DeclarationOut)}, 404), tags=["orders"])
def list_payment_declarations(request: HttpRequest, filters: Query[DeclarationFilter]) -> dict[str, Any]:
    """Declared payments by id, oldest first (staff: every platform's; a platform: its own), of one status."""
    own = _listed_platform(request, filters.platform, "you may not see declared payments")
    rows = declarations_list(statuses=[filters.status] if filters.status else None, platform=own)
    return paginate(rows.prefetch_related("payment__allocations"), filters, DeclarationOut.of)


class ConfirmIn(Schema):
    received_on: Day  # the day the money arrived, as the officer's evidence shows
    reason: Text


class RejectIn(Schema):
    reason: Text


def _officer_declaration(request: HttpRequest, declaration_id: int) -> tuple[Principal, PaymentDeclaration]:
    p = principal_of(request)
    require(may_confirm_payments(p), "only an officer confirms, approves or rejects a declared payment")
    return p, declaration_get(declaration_id=declaration_id)


@router.post(
    "/payment-declarations/{declaration_id}/confirm",
    response=responses({200: DeclarationOut}, 404, 409),
    tags=["orders"],
)
def confirm_payment_declaration(request: HttpRequest, declaration_id: int, payload: ConfirmIn) -> dict[str, Any]:
    """An officer confirms a declared payment with the day the money arrived and a reason: booked on that
    day, or, at or above the threshold, left for a second officer to approve."""
    p, declaration = _officer_declaration(request, declaration_id)
    return DeclarationOut.of(
        payment_declaration_confirm(
            actor=p.actor, declaration=declaration, received_on=payload.received_on, reason=payload.reason
        )
    )


@router.post(
    "/payment-declarations/{declaration_id}/approve",
    response=responses({200: DeclarationOut}, 404, 409),
    tags=["orders"],
)
def approve_payment_declaration(request: HttpRequest, declaration_id: int) -> dict[str, Any]:
    """A second officer (not the one who confirmed) approves a confirmation; it is booked."""
    p, declaration = _officer_declaration(request, declaration_id)
    return DeclarationOut.of(payment_declaration_approve(actor=p.actor, declaration=declaration))


@router.post(
    "/payment-declarations/{declaration_id}/reject",
    response=responses({200: DeclarationOut}, 404, 409),
    tags=["orders"],
)
def reject_payment_declaration(request: HttpRequest, declaration_id: int, payload: RejectIn) -> dict[str, Any]:
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


class ArrearsFilter(PageIn):
    on: Day | None = None


@router.get("/arrears", response=responses({200: page_of(ArrearOut)}), tags=["orders"])
def list_arrears(request: HttpRequest, filters: Query[ArrearsFilter]) -> dict[str, Any]:
    """Invoices past due on the date, with the late-payment surcharge reckoned day by day between
    payments; the explanation lists every stretch of days (from, to, days, unpaid amount, amount).
    Paged by platform (by id), then each platform's oldest due first; only the page is reckoned."""
    own = require_staff_or_platform(principal_of(request), "you may not see arrears")
    rows, more = arrears_page(
        on=filters.on or timezone.localdate(), platform=own, after=decode_cursor(filters.cursor), limit=filters.limit
    )
    items: list[dict[str, Any]] = [
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
    return {"items": items, "next_cursor": encode_cursor(rows[-1].invoice.pk) if more else None}


class InvoiceOut(Schema):
    id: int
    platform: str
    province: str
    month: str
    order_count: int
    amount_cents: int
    withheld_cents: int
    paid_cents: int
    issued_on: dt.date
    due_on: dt.date

    @staticmethod
    def of(i: Invoice) -> dict[str, Any]:
        return {
            "id": i.pk,
            "platform": i.platform.code,
            "province": i.province.code,
            "month": i.month,
            "order_count": i.order_count,
            "amount_cents": i.amount_cents,
            "withheld_cents": i.withheld_cents,
            "paid_cents": getattr(i, "paid_cents", 0),
            "issued_on": i.issued_on,
            "due_on": i.due_on,
        }


class InvoiceFilter(PageIn):
    platform: str | None = Field(None, max_length=40, description="Staff only: one platform's invoices.")
    month: str | None = Field(None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    province: str | None = Field(None, max_length=12)


def _listed_platform(request: HttpRequest, code: str | None, message: str) -> Organisation | None:
    """A platform lists its own; staff every platform's, or the one named."""
    p = principal_of(request)
    own = require_staff_or_platform(p, message)
    if own is None and code:
        own = access_organisation(p, code)
    return own


@router.get("/invoices", response=responses({200: page_of(InvoiceOut)}, 404), tags=["orders"])
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilter]) -> dict[str, Any]:
    """Invoices (a credit note when negative) with what payments have paid of each, by id."""
    own = _listed_platform(request, filters.platform, "you may not see invoices")
    return paginate_read(
        invoices_page, filters, InvoiceOut.of, platform=own, month=filters.month, province=filters.province
    )


class PaymentFilter(PageIn):
    platform: str | None = Field(None, max_length=40, description="Staff only: one platform's payments.")


@router.get("/payments", response=responses({200: page_of(PaymentOut)}, 404), tags=["orders"])
def list_payments(request: HttpRequest, filters: Query[PaymentFilter]) -> dict[str, Any]:
    """Payments recorded for a platform, with the invoices each was allocated to, by id."""
    own = _listed_platform(request, filters.platform, "you may not see payments")
    return paginate(payments_list(platform=own), filters, payment_body)
