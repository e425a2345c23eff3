"""Reads of order batches: the files of accepted batches that count for a month, one batch (of a
platform), a platform's batches, a batch's error report."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import QuerySet

from socsec.contributions.models import OrderBatch
from socsec.core.errors import NotFound
from socsec.registry.models import Organisation


def accepted_files(
    *, months: Iterable[str], platform: Organisation | None = None, batch_ids: Iterable[int] | None = None
) -> tuple[list[str], list[str]]:
    """Order and correction files of ACCEPTED batches for the months (paths relative to the data dir),
    in batch order; only of ``batch_ids`` when given. Files of an interrupted batch are never listed."""
    wanted = set(months)
    batches = OrderBatch.objects.filter(status=OrderBatch.Status.ACCEPTED).order_by("id")
    if platform is not None:
        batches = batches.filter(platform=platform)
    if batch_ids is not None:
        batches = batches.filter(id__in=list(batch_ids))
    orders: list[str] = []
    corrections: list[str] = []
    for files in batches.values_list("files", flat=True):
        for f in files:
            if f["month"] in wanted:
                (orders if f["kind"] == "orders" else corrections).append(f["path"])
    return orders, corrections


def batch_get(*, batch_id: int, platform: Organisation | None = None) -> OrderBatch:
    qs = OrderBatch.objects.select_related("platform").filter(pk=batch_id)
    if platform is not None:
        qs = qs.filter(platform=platform)
    batch = qs.first()
    if batch is None:
        raise NotFound(f"no order batch {batch_id}", field="batch_id")
    return batch


def batches_of(*, platform: Organisation) -> QuerySet[OrderBatch]:
    return OrderBatch.objects.filter(platform=platform).order_by("-id")


def batches_list(*, platform: Organisation | None, status: str | None = None) -> QuerySet[OrderBatch]:
    """Order batches of one platform or of all (staff), by id, optionally of one status."""
    qs = OrderBatch.objects.select_related("platform")
    if platform is not None:
        qs = qs.filter(platform=platform)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("pk")


def error_report_csv(batch: OrderBatch) -> str:
    """The per-row error report of a batch as CSV: row, field, message."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "field", "message"])
    for e in batch.errors:
        writer.writerow([e["row"], e["field"], e["message"]])
    return buffer.getvalue()
