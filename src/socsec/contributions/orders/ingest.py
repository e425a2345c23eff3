"""Order ingestion: a platform's batch of orders, checked row by row, stored as Parquet files, with
its manifest in the database.

Idempotency: a batch carries the platform's key. The same key with the same content is accepted once
(a re-sent batch changes nothing and gets the first answer); the same key with other content is refused
(409). "The same content" is the same rows, not the same bytes: the manifest keeps the SHA-256 of the
rows as read (``canonical_digest``), so a re-sent file that differs only in line endings, a trailing
newline, blank lines or the order of the keys in a JSON line is the same batch.
A batch interrupted while writing (process killed) is redone from the start when the same key comes
again: its manifest stays WRITING until the files are in place, and only ACCEPTED batches count.
A batch that failed (an earlier batch's file is damaged) is marked FAILED and, like a WITHDRAWN one, no
longer holds its key: the same key brings the batch anew (see ``withdrawal``).

Limits (settings): ``ORDERS_MAX_BYTES`` and ``ORDERS_MAX_ROWS`` are checked before the upload is parsed
(HTTP 413); at most ``ORDERS_MAX_STORED_ERRORS`` row errors are stored, all of them counted per code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.batch.uploads import UPLOAD_COLUMNS, Upload, UploadError, read_upload
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import OrderBatch
from socsec.core.clock import database_today
from socsec.core.db import lock
from socsec.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from socsec.registry.models import Organisation

from .checks import check_rows
from .files import write_files
from .last_orders import batch_last_days, last_orders_raise
from .limits import orders_limits_check

LIVE = ~Q(status__in=[OrderBatch.Status.WITHDRAWN, OrderBatch.Status.FAILED])  # the batches that hold their key


def orders_ingest(
    *,
    actor: Actor,
    platform: Organisation,
    content: bytes,
    fmt: str,
    idempotency_key: str,
    source: str,
    today: dt.date | None = None,
) -> tuple[OrderBatch, bool]:
    """Ingest one batch. Returns (manifest, replayed): replayed is True when the same key and content
    had already been accepted and nothing was done."""
    if actor.organisation_id is not None and actor.organisation_id != platform.pk:
        raise Forbidden("a platform may only report its own orders", field="platform")
    if platform.kind != Organisation.Kind.PLATFORM:
        raise ValidationFailed(
            "platform: %(platform)s is not a platform enterprise.", field="platform", params={"platform": platform.code}
        )
    if not idempotency_key or len(idempotency_key) > 100:
        raise ValidationFailed("idempotency_key: is required (1-100 characters).", field="idempotency_key")
    orders_limits_check(content, fmt)
    try:
        upload = read_upload(content, fmt)
    except UploadError as exc:
        raise ValidationFailed("file: " + exc.template, field="file", params=exc.params or None) from None
    digest = canonical_digest(upload)
    existing = OrderBatch.objects.filter(LIVE, platform=platform, idempotency_key=idempotency_key).first()
    # manifests written before digests were canonical hold the SHA-256 of the raw bytes
    if existing is not None and existing.content_sha256 not in (digest, hashlib.sha256(content).hexdigest()):
        raise Conflict(
            "idempotency key %(idempotency_key)r was used for other content (batch %(existing)s)",
            field="idempotency_key",
            code=ContributionErrorCode.IDEMPOTENCY_KEY_REUSED,
            params={"idempotency_key": idempotency_key, "existing": existing.pk},
        )
    if existing is not None and existing.status != OrderBatch.Status.WRITING:
        return existing, True
    if existing is None:
        try:
            with transaction.atomic():  # the manifest first: a killed attempt leaves it WRITING
                existing = OrderBatch.objects.create(
                    platform=platform, idempotency_key=idempotency_key, content_sha256=digest, source=source[:200]
                )
                audit_record(actor=actor, action="orders.ingest.start", instance=existing)
        except IntegrityError:  # the same key arrived twice at once; the other one is writing it
            raise Conflict(
                "this batch is being ingested right now; retry later",
                field="idempotency_key",
                code=ContributionErrorCode.BATCH_IN_PROGRESS,
            ) from None
    try:
        return _check_and_write(actor, platform, existing, upload, today or database_today())
    except DomainError as exc:  # nothing of this batch was stored: say why, and free its key
        _fail(actor, existing, exc)
        raise


def _check_and_write(
    actor: Actor, platform: Organisation, existing: OrderBatch, upload: Upload, day: dt.date
) -> tuple[OrderBatch, bool]:
    data_dir = settings.DATA_DIR
    for _attempt in range(5):
        # check and write outside any transaction (long work holds no lock); files get a name of their
        # own per attempt, so a concurrent or interrupted attempt never touches them
        seen_up_to = _last_accepted_batch(platform)
        checked = check_rows(platform, upload, day, keep_errors=settings.ORDERS_MAX_STORED_ERRORS)
        files = write_files(data_dir, platform.code, existing.pk, checked)
        last_days = batch_last_days(data_dir, files)  # read outside the lock, written with the acceptance
        with transaction.atomic():
            lock(Organisation.objects).filter(pk=platform.pk).first()
            batch = OrderBatch.objects.select_for_update().get(pk=existing.pk)
            if batch.status != OrderBatch.Status.WRITING:  # another attempt with this key finished first
                return batch, True
            if _last_accepted_batch(platform) != seen_up_to:
                continue  # a batch of this platform was accepted meanwhile: check against it too
            batch.files = files
            batch.read_as = upload.read_as
            batch.rows_total = upload.total
            batch.rows_invalid = checked.errors.invalid_rows
            batch.rows_valid = batch.rows_total - batch.rows_invalid
            batch.orders_new, batch.orders_void, batch.orders_amend = (
                checked.counts["NEW"],
                checked.counts["VOID"],
                checked.counts["AMEND"],
            )
            batch.months = sorted(set(checked.orders) | set(checked.corrections))
            batch.errors = checked.errors.report()
            batch.error_counts = dict(sorted(checked.errors.counts.items()))
            batch.status = OrderBatch.Status.ACCEPTED if batch.rows_valid else OrderBatch.Status.REJECTED
            batch.completed_at = timezone.now()
            batch.save()
            if batch.status == OrderBatch.Status.ACCEPTED:
                last_orders_raise(platform=platform, days=last_days)
            audit_record(actor=actor, action="orders.ingest", instance=batch)
            return batch, False
    raise Conflict(
        "other batches of this platform kept arriving; send this one again",
        field="idempotency_key",
        code=ContributionErrorCode.BATCH_IN_PROGRESS,
    )


def canonical_digest(upload: Upload) -> str:
    """The SHA-256 of a batch's rows as read (every value a string or null, with its place among the rows
    that are not blank) and of the rows that could not be read (place and reason), column by column as JSON:
    the same orders give the same digest whatever the bytes, encoding, headers or blank lines they came in
    (places, not row numbers, so that digests stored before rows were numbered as a spreadsheet's still
    match)."""
    rejected = np.array([n for n, _, _ in upload.rejected], dtype=np.int64)
    every = np.sort(np.concatenate([upload.numbers.astype(np.int64), rejected]))
    h = hashlib.sha256()
    h.update((np.searchsorted(every, upload.numbers) + 1).astype("<i8").tobytes())
    for name in UPLOAD_COLUMNS:
        h.update(b"\n" + name.encode() + b"\n")
        h.update(json.dumps(upload.table.column(name).to_pylist(), ensure_ascii=False).encode())
    places = (np.searchsorted(every, rejected) + 1).tolist()
    reasons = [[place, t % p if p else t] for place, (_, t, p) in zip(places, upload.rejected, strict=True)]
    h.update(json.dumps(reasons, ensure_ascii=False).encode())
    return h.hexdigest()


def _fail(actor: Actor, batch: OrderBatch, exc: DomainError) -> None:
    with transaction.atomic():
        updated = OrderBatch.objects.filter(pk=batch.pk, status=OrderBatch.Status.WRITING).update(
            status=OrderBatch.Status.FAILED,
            errors=[{"row": 0, "field": exc.field or "file", "code": str(exc.code), "message": exc.message}],
            completed_at=timezone.now(),
        )
        if updated:
            batch.refresh_from_db()
            audit_record(actor=actor, action="orders.ingest.failed", instance=batch)


def _last_accepted_batch(platform: Organisation) -> tuple[int, int]:
    """The last accepted batch of the platform and how many there are (a withdrawal changes the count)."""
    accepted = OrderBatch.objects.filter(platform=platform, status=OrderBatch.Status.ACCEPTED)
    last = accepted.order_by("-id").values_list("id", flat=True).first()
    return int(last or 0), accepted.count()
