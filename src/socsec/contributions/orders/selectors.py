"""Reads of order batches: the files of accepted batches that count for a month, one batch (of a
platform), a platform's batches, a batch's error report, a worker's last order after a day."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.db.models import QuerySet

from socsec.contributions.errors import StoredFilesDamaged
from socsec.contributions.models import OrderBatch
from socsec.core.compiled import CompiledQuery, id_sentinel
from socsec.core.csvsafe import csv_writer
from socsec.core.errors import NotFound
from socsec.core.stored import stored_file_problem
from socsec.registry.models import Organisation


def accepted_files(
    *, months: Iterable[str], platform: Organisation | None = None, batch_ids: Iterable[int] | None = None
) -> tuple[list[str], list[str]]:
    """Order and correction files of ACCEPTED batches for the months (paths relative to the data dir),
    in batch order; only of ``batch_ids`` when given. Files of an interrupted batch are never listed. Each
    file is checked against the SHA-256 its manifest keeps before anything reads it: those absent or
    changed raise ``StoredFilesDamaged``, naming each with its batch (which can be withdrawn and re-sent)."""
    wanted = set(months)
    batches = OrderBatch.objects.filter(status=OrderBatch.Status.ACCEPTED).order_by("id")
    if platform is not None:
        batches = batches.filter(platform=platform)
    if batch_ids is not None:
        batches = batches.filter(id__in=list(batch_ids))
    orders: list[str] = []
    corrections: list[str] = []
    damaged: list[dict[str, Any]] = []
    for batch_id, files in batches.values_list("id", "files"):
        for f in files:
            if f["month"] in wanted:
                problem = stored_file_problem(settings.DATA_DIR / f["path"], f["sha256"])
                if problem:
                    reason = "missing" if problem == "missing" else "checksum differs"
                    damaged.append({"batch": batch_id, "path": f["path"], "reason": reason})
                (orders if f["kind"] == "orders" else corrections).append(f["path"])
    if damaged:
        raise StoredFilesDamaged(damaged, "")
    return orders, corrections


def damaged_files(*, platform: Organisation, months: Iterable[str]) -> list[dict[str, Any]]:
    """The files of the platform's ACCEPTED batches for the months that are missing or whose SHA-256 is not
    the one their manifest recorded: ``{"batch", "path", "reason"}`` each (reads every file: call it when a
    read has failed, not on every ingest)."""
    wanted = set(months)
    damaged: list[dict[str, Any]] = []
    batches = OrderBatch.objects.filter(platform=platform, status=OrderBatch.Status.ACCEPTED).order_by("id")
    for batch_id, files in batches.values_list("id", "files"):
        for f in files:
            if f["month"] not in wanted:
                continue
            path = settings.DATA_DIR / f["path"]
            if not path.is_file():
                damaged.append({"batch": batch_id, "path": f["path"], "reason": "missing"})
                continue
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            if digest.hexdigest() != f["sha256"]:
                damaged.append({"batch": batch_id, "path": f["path"], "reason": "checksum differs"})
    return damaged


def _batch_first(*, batch_id: int, platform_id: int | None) -> QuerySet[OrderBatch]:
    qs = OrderBatch.objects.select_related("platform").filter(pk=batch_id)
    if platform_id is not None:
        qs = qs.filter(platform_id=platform_id)
    return (qs if qs.ordered else qs.order_by("pk"))[:1]  # what ``first()`` reads


_BATCH = CompiledQuery(_batch_first, sentinels={"batch_id": id_sentinel(1), "platform_id": id_sentinel(2)})


def batch_get(*, batch_id: int, platform: Organisation | None = None) -> OrderBatch:
    """The batch with its platform (read with SQL built once per process); one of another platform fails
    as an absent one."""
    found = _BATCH.objects(batch_id=batch_id, platform_id=platform.pk if platform is not None else None)
    batch = found[0] if found else None
    if batch is None:
        raise NotFound("no order batch %(batch_id)s", field="batch_id", params={"batch_id": batch_id})
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


class HasRowErrors(Protocol):
    errors: Any


def error_report_csv(batch: HasRowErrors) -> str:
    """The per-row error report of a batch (or of an upload kept with the same report, a payroll
    declaration) as CSV: row, order id (a payroll's employee), field, code, message (in English: the pages
    say it in the reader's language). At most the first errors by row are stored
    (``ORDERS_MAX_STORED_ERRORS``); the batch's ``error_counts`` count them all."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(["row", "order_id", "field", "code", "message"])
    for e in batch.errors:
        writer.writerow([e["row"], e.get("order_id", ""), e["field"], e.get("code", ""), e["message"]])
    return buffer.getvalue()
