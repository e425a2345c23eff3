"""Orders over the API: a platform reports its orders in batches (a JSON array, JSON lines, CSV or Parquet,
idempotent by key), lists its batches and reads each batch's result and error report; officers set a
platform's yearly per-order adjustment."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.params import functions as param

from socsec.accounts.access import (
    access_order_batch,
    access_organisation,
    principal_of,
    require,
    require_platform,
    require_staff_or_platform,
)
from socsec.accounts.permissions import may_write_registry
from socsec.api.base import api
from socsec.api.bounds import Code, Count, Day, Text
from socsec.api.responses import PageIn, page_of, paginate, responses
from socsec.contributions.assessment.adjustments import adjustment_set
from socsec.contributions.models import OrderBatch
from socsec.contributions.orders.ingest import orders_ingest
from socsec.contributions.orders.limits import orders_size_check
from socsec.contributions.orders.selectors import batches_list, error_report_csv
from socsec.contributions.orders.withdrawal import orders_batch_withdraw
from socsec.core.errors import ValidationFailed

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


class OrderIn(Schema):
    """One order of a batch. Rows are checked one by one: a row that fails is listed in the batch's
    error report and the others are kept."""

    order_id: str = Field(..., min_length=1, max_length=100)
    action: Literal["NEW", "VOID", "AMEND"] = "NEW"
    resident_id: str | None = Field(None, max_length=18, description="The worker's resident ID (NEW, AMEND).")
    region: str | None = Field(None, max_length=12, description="The region code where the order was served.")
    sector: str | None = Field(None, max_length=40)
    order_date: dt.date
    fare_cents: int | None = Field(None, ge=0, le=10**12)


# a batch comes as a JSON array of orders, as JSON lines, as CSV with a header or as Parquet: one column or
# key per field of ``OrderIn``
BATCH_FORMATS = {
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "text/csv": "csv",
    "application/vnd.apache.parquet": "parquet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}
BATCH_BODY = {
    "requestBody": {
        "required": True,
        "description": "The orders: a JSON array of orders, JSON lines (one order per line), CSV with a header "
        "row (UTF-8, with or without a byte-order mark, or GB18030/GBK; English or Chinese headers), an .xlsx "
        "workbook (its first sheet), or Parquet, with the fields of an order as keys or columns.",
        "content": {
            "application/json": {"schema": {"type": "array", "items": OrderIn.model_json_schema()}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
        },
    },
    "responses": {
        "201": {
            "description": "The batch, new or (same key, same orders) as first answered",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrderBatchOut"}}},
            "headers": {
                "Idempotent-Replayed": {
                    "description": "true when this answer is a replay of the batch first sent with this key",
                    "schema": {"type": "string", "enum": ["true", "false"]},
                }
            },
        }
    },
}


def batch_content(request: HttpRequest) -> tuple[bytes, str]:
    """The body and the upload format its Content-Type names; a JSON array becomes JSON lines. Any other
    Content-Type is read as JSON lines. The body is read from the stream, not ``request.body`` (Django's
    small form-data limit is not a batch's), never more than one byte over the limit whatever
    Content-Length said, and its size is checked before a JSON array is parsed."""
    orders_size_check(_content_length(request))
    content = request.read(settings.ORDERS_MAX_BYTES + 1)
    fmt = BATCH_FORMATS.get(request.content_type or "", "jsonl")
    if fmt != "json":
        return content, fmt
    orders_size_check(len(content))
    try:
        orders = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationFailed("body: is not valid JSON.", field="body") from None
    if not isinstance(orders, list) or not all(isinstance(o, dict) for o in orders):
        raise ValidationFailed("body: is not a JSON array of orders.", field="body")
    return "\n".join(json.dumps(o) for o in orders).encode(), "jsonl"


@router.post(
    "/orders/batches",
    response=responses({201: OrderBatchOut}, 409, 413),
    tags=["orders"],
    openapi_extra=BATCH_BODY,
)
def send_order_batch(
    request: HttpRequest,
    idempotency_key: str = param.Header(
        ...,
        alias="Idempotency-Key",
        description="The platform's key of this batch (1-100 characters): the same key with the same orders is "
        "accepted once and answered the same; with other orders it is refused (409).",
    ),
) -> HttpResponse:
    """A batch of orders. Valid rows are kept; invalid ones are listed in the batch's error report by row
    (row N is the N-th order of an array, the N-th non-blank line of JSON lines or after a CSV header, the
    N-th row of Parquet), a line that is not a JSON object included. Idempotent by ``Idempotency-Key``
    over the orders as parsed, not the bytes: the same orders re-sent with other line endings, a trailing
    newline or keys in another order are the same batch. The ``Idempotent-Replayed`` response header says
    whether this answer is a replay.

    Limits (checked before the body is parsed; over one, 413 ``upload_too_large`` with ``details.limit``
    and ``details.got``): at most 268,435,456 bytes (256 MiB) and 2,000,000 rows by default, enough for
    a day of the largest platform (the agency may set ``SOCSEC_ORDERS_MAX_BYTES`` and
    ``SOCSEC_ORDERS_MAX_ROWS``). The error report keeps the first 1,000 errors by row
    (``SOCSEC_ORDERS_MAX_STORED_ERRORS``); ``error_counts`` counts them all, per code."""
    p = principal_of(request)
    platform = require_platform(p, "only a platform reports its orders")
    content, fmt = batch_content(request)
    batch, replayed = orders_ingest(
        actor=p.actor,
        platform=platform,
        content=content,
        fmt=fmt,
        idempotency_key=idempotency_key,
        source="api",
    )
    response = api.create_response(request, OrderBatchOut.of(batch), status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


class BatchFilter(PageIn):
    platform: str | None = Field(None, max_length=40, description="Staff only: one platform's batches.")
    status: OrderBatch.Status | None = None


@router.get("/orders/batches", response=responses({200: page_of(OrderBatchOut)}, 404), tags=["orders"])
def list_order_batches(request: HttpRequest, filters: Query[BatchFilter]) -> dict[str, Any]:
    """A platform's own order batches; staff see every platform's, or one platform's with ``platform``."""
    p = principal_of(request)
    own = require_staff_or_platform(p, "you may not see order batches")
    if own is None and filters.platform:
        own = access_organisation(p, filters.platform)
    return paginate(batches_list(platform=own, status=filters.status), filters, OrderBatchOut.of)


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


class WithdrawalIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


@router.post(
    "/orders/batches/{batch_id}/withdrawal", response=responses({200: OrderBatchOut}, 404, 409), tags=["orders"]
)
def withdraw_order_batch(request: HttpRequest, batch_id: int, payload: WithdrawalIn) -> dict[str, Any]:
    """Withdraw a batch (a platform its own, an officer any), e.g. when its stored file is damaged or lost:
    its orders stop counting and its idempotency key is freed, so the batch can be sent again (with the
    same key or another). A batch that an assessment has counted is refused (409 ``batch_assessed``):
    correct its orders with VOID or AMEND in a new batch."""
    p = principal_of(request)
    access_order_batch(p, batch_id)
    require(p.organisation is not None or may_write_registry(p), "only the platform or an officer withdraws a batch")
    return OrderBatchOut.of(orders_batch_withdraw(actor=p.actor, batch_id=batch_id, reason=payload.reason))


@router.get("/orders/batches/{batch_id}", response=responses({200: OrderBatchOut}, 404), tags=["orders"])
def get_order_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return OrderBatchOut.of(access_order_batch(principal_of(request), batch_id))


@router.get(
    "/orders/batches/{batch_id}/errors.csv",
    response=responses({200: None}, 404),
    tags=["orders"],
    openapi_extra={
        "responses": {
            "200": {
                "description": "The batch's error report (row, field, message)",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def get_order_batch_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
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


@router.post("/oip/adjustments", response=responses({201: AdjustmentOut}, 404), tags=["orders"])
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
