"""Orders over the API: a platform reports its orders in batches (JSON lines, idempotent by key) and reads
each batch's result and error report; officers set a platform's yearly per-order adjustment."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from socsec.accounts.access import access_order_batch, access_organisation, principal_of, require, require_platform
from socsec.accounts.permissions import may_write_registry
from socsec.api.base import api
from socsec.api.bounds import Code, Count, Day, Text
from socsec.contributions.assessment.adjustments import adjustment_set
from socsec.contributions.models import OrderBatch
from socsec.contributions.orders.ingest import orders_ingest
from socsec.contributions.orders.selectors import error_report_csv

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
            "errors_url": f"/api/orders/batches/{b.pk}/errors.csv" if b.errors else None,
        }


@router.post("/orders/batches", response={201: OrderBatchOut}, tags=["orders"])
def report_orders(request: HttpRequest) -> HttpResponse:
    """A batch of orders as JSON lines (one order per line: order_id, action NEW|VOID|AMEND, resident_id,
    region, sector, order_date, fare_cents). Send the platform's ``Idempotency-Key`` header: the same
    key with the same body is accepted once and answered the same; with another body it is refused (409).
    Valid rows are kept; invalid ones are listed in the batch's error report."""
    p = principal_of(request)
    platform = require_platform(p, "only a platform reports its orders")
    batch, replayed = orders_ingest(
        actor=p.actor,
        platform=platform,
        content=request.body,
        fmt="jsonl",
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        source="api",
    )
    response = api.create_response(request, OrderBatchOut.of(batch), status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


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
