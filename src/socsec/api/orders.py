"""Orders over the API: a platform reports its orders in batches (JSON lines, idempotent by key) and reads
each batch's result and error report; officers set a platform's yearly per-order adjustment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from socsec.accounts.access import access_order_batch, access_organisation, principal_of, require, require_platform
from socsec.accounts.permissions import may_write_registry
from socsec.api.base import api
from socsec.api.bounds import Code, Count, Day, Text
from socsec.contributions.assessment.adjustments import adjustment_set
from socsec.contributions.models import OrderBatch
from socsec.contributions.orders.ingest import orders_ingest
from socsec.contributions.orders.limits import orders_size_check
from socsec.contributions.orders.selectors import error_report_csv
from socsec.contributions.orders.withdrawal import orders_batch_withdraw

router = Router()


class OrderBatchOut(Schema):
    id: int
    platform: str
    idempotency_key: str
    status: str
    rows_total: int
    rows_valid: int
    rows_invalid: int
    orders_new: int
    orders_void: int
    orders_amend: int
    months: list[str]
    error_counts: dict[str, int]
    errors_url: str | None

    @staticmethod
    def of(b: OrderBatch) -> dict[str, Any]:
        return {
            "id": b.pk,
            "platform": b.platform.code,
            "idempotency_key": b.idempotency_key,
            "status": b.status,
            "rows_total": b.rows_total,
            "rows_valid": b.rows_valid,
            "rows_invalid": b.rows_invalid,
            "orders_new": b.orders_new,
            "orders_void": b.orders_void,
            "orders_amend": b.orders_amend,
            "months": b.months,
            "error_counts": b.error_counts,
            "errors_url": f"/api/orders/batches/{b.pk}/errors.csv" if b.errors else None,
        }


@router.post("/orders/batches", response={201: OrderBatchOut}, tags=["orders"])
def report_orders(request: HttpRequest) -> HttpResponse:
    """A batch of orders as JSON lines (one order per line: order_id, action NEW|VOID|AMEND, resident_id,
    region, sector, order_date, fare_cents). Send the platform's ``Idempotency-Key`` header: the same
    key with the same body is accepted once and answered the same; with another body it is refused (409).
    Valid rows are kept; invalid ones are listed in the batch's error report by row (row N is the N-th
    non-blank line), a line that is not a JSON object included.

    Limits (checked before the body is read; over one, 413 ``upload_too_large`` with ``details.limit``
    and ``details.got``): at most 268,435,456 bytes (256 MiB) and 2,000,000 lines by default, enough for
    a day of the largest platform (the agency may set ``SOCSEC_ORDERS_MAX_BYTES`` and
    ``SOCSEC_ORDERS_MAX_ROWS``). The error report keeps the first 1,000 errors by row
    (``SOCSEC_ORDERS_MAX_STORED_ERRORS``); ``error_counts`` counts them all, per code."""
    p = principal_of(request)
    platform = require_platform(p, "only a platform reports its orders")
    orders_size_check(_content_length(request))
    batch, replayed = orders_ingest(
        actor=p.actor,
        platform=platform,
        # the stream, not request.body (Django's small form-data limit is not a batch's), and never more than
        # one byte over the limit, whatever Content-Length said
        content=request.read(settings.ORDERS_MAX_BYTES + 1),
        fmt="jsonl",
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        source="api",
    )
    response = api.create_response(request, OrderBatchOut.of(batch), status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class WithdrawalIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


@router.post("/orders/batches/{batch_id}/withdrawal", response=OrderBatchOut, tags=["orders"])
def withdraw_order_batch(request: HttpRequest, batch_id: int, payload: WithdrawalIn) -> dict[str, Any]:
    """Withdraw a batch (a platform its own, an officer any), e.g. when its stored file is damaged or lost:
    its orders stop counting and its idempotency key is freed, so the batch can be sent again (with the
    same key or another). A batch that an assessment has counted is refused (409 ``batch_assessed``):
    correct its orders with VOID or AMEND in a new batch."""
    p = principal_of(request)
    access_order_batch(p, batch_id)
    require(p.organisation is not None or may_write_registry(p), "only the platform or an officer withdraws a batch")
    return OrderBatchOut.of(orders_batch_withdraw(actor=p.actor, batch_id=batch_id, reason=payload.reason))


@router.get("/orders/batches/{batch_id}", response=OrderBatchOut, tags=["orders"])
def get_order_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return OrderBatchOut.of(access_order_batch(principal_of(request), batch_id))


@router.get("/orders/batches/{batch_id}/errors.csv", tags=["orders"])
def order_batch_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = access_order_batch(principal_of(request), batch_id)
    response = HttpResponse(error_report_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-errors.csv"'
    return response


class AdjustmentIn(Schema):
    platform: Code
    province: Code
    steps: Count
    effective_from: Day
    reason: Text


class AdjustmentOut(Schema):
    id: int
    platform: str
    province: str
    steps: int
    effective_from: dt.date
    reason: str


@router.post("/oip/adjustments", response={201: AdjustmentOut}, tags=["orders"])
def set_adjustment(request: HttpRequest, payload: AdjustmentIn) -> Status[dict[str, Any]]:
    """A province's yearly adjustment of a platform's per-order amount, in 10% steps of the sector baseline."""
    p = principal_of(request)
    require(may_write_registry(p), "only officers and supervisors set per-order amounts")
    a = adjustment_set(
        actor=p.actor,
        platform=access_organisation(p, payload.platform),
        province_code=payload.province,
        steps=payload.steps,
        effective_from=payload.effective_from,
        reason=payload.reason,
    )
    return Status(
        201,
        {
            "id": a.pk,
            "platform": payload.platform,
            "province": payload.province,
            "steps": a.steps,
            "effective_from": a.effective_from,
            "reason": a.reason,
        },
    )
