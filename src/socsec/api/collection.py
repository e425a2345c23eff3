"""Collection over the API: a platform reports its payments (once per bank reference, allocated to its
oldest unpaid invoices); platforms and staff list invoices and payments, and read the arrears with their late-payment
surcharge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from socsec.accounts.access import access_organisation, principal_of, require_platform, require_staff_or_platform
from socsec.api.base import api
from socsec.api.responses import PageIn, page_of, paginate, paginate_list, responses
from socsec.contributions.collection.arrears import arrears
from socsec.contributions.collection.payments import payment_record
from socsec.contributions.collection.selectors import invoices_list, payments_list
from socsec.contributions.models import Invoice, Payment
from socsec.registry.models import Organisation

router = Router()


class PaymentIn(Schema):
    amount_cents: int
    received_on: dt.date
    reference: str


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


@router.post("/payments", response=responses({201: PaymentOut}, 409), tags=["orders"])
def report_payment(request: HttpRequest, payload: PaymentIn) -> HttpResponse:
    """A platform reports a payment by its bank reference; recorded once per reference and allocated to
    its oldest unpaid invoices."""
    p = principal_of(request)
    platform = require_platform(p, "only a platform reports its payments")
    payment, replayed = payment_record(
        actor=p.actor,
        platform=platform,
        amount_cents=payload.amount_cents,
        received_on=payload.received_on,
        reference=payload.reference,
        source="api",
    )
    response = api.create_response(request, payment_body(payment), status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


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
    on: dt.date | None = None


@router.get("/arrears", response=responses({200: page_of(ArrearOut)}), tags=["orders"])
def list_arrears(request: HttpRequest, filters: Query[ArrearsFilter]) -> dict[str, Any]:
    """Invoices past due on the date, with the late-payment surcharge reckoned day by day between
    payments; the explanation lists every stretch of days (from, to, days, unpaid amount, amount).
    Paged by invoice id."""
    own = require_staff_or_platform(principal_of(request), "you may not see arrears")
    rows = arrears(on=filters.on or timezone.localdate(), platform=own)
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
    return paginate_list(items, filters, key=lambda row: int(row["invoice"]))


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
    qs = invoices_list(platform=own, month=filters.month, province=filters.province)
    return paginate(qs, filters, InvoiceOut.of)


class PaymentFilter(PageIn):
    platform: str | None = Field(None, max_length=40, description="Staff only: one platform's payments.")


@router.get("/payments", response=responses({200: page_of(PaymentOut)}, 404), tags=["orders"])
def list_payments(request: HttpRequest, filters: Query[PaymentFilter]) -> dict[str, Any]:
    """Payments recorded for a platform, with the invoices each was allocated to, by id."""
    own = _listed_platform(request, filters.platform, "you may not see payments")
    return paginate(payments_list(platform=own), filters, payment_body)
