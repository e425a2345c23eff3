"""Collection over the API: a platform reports its payments (once per bank reference, allocated to its
oldest unpaid invoices); platforms and staff read the arrears with their late-payment surcharge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router, Schema

from socsec.accounts.access import principal_of, require_platform, require_staff_or_platform
from socsec.api.base import api
from socsec.api.bounds import Cents, Day, Reference
from socsec.contributions.collection.arrears import arrears
from socsec.contributions.collection.payments import payment_record

router = Router()


class PaymentIn(Schema):
    amount_cents: Cents
    received_on: Day
    reference: Reference


class PaymentOut(Schema):
    id: int
    platform: str
    reference: str
    amount_cents: int
    received_on: dt.date
    allocated: list[dict[str, int]]


@router.post("/payments", response={201: PaymentOut}, tags=["orders"])
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
    body = {
        "id": payment.pk,
        "platform": platform.code,
        "reference": payment.reference,
        "amount_cents": payment.amount_cents,
        "received_on": payment.received_on,
        "allocated": [
            {"invoice": a.invoice_id, "amount_cents": a.amount_cents} for a in payment.allocations.order_by("id")
        ],
    }
    response = api.create_response(request, body, status=201)
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
