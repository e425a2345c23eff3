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

The batch streams: it is read, checked and written ``ORDERS_CHUNK_ROWS`` rows at a time, so its memory
does not grow with its size (a file given by path, as the command line does, is never held whole; an
HTTP body is, up to ``ORDERS_MAX_BYTES``). Its digest is computed on the way; a key already used is
first checked by one reading pass (replay, or conflict) before anything is written.

Limits (settings): ``ORDERS_MAX_BYTES`` and ``ORDERS_MAX_ROWS`` are checked before the upload is parsed
(HTTP 413); at most ``ORDERS_MAX_STORED_ERRORS`` row errors are stored, all of them counted per code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.batch.order_stream import Source, UploadChunk, UploadStream, open_upload, read_ahead
from socsec.batch.uploads import UploadError, read_upload
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import OrderBatch
from socsec.core.clock import database_today
from socsec.core.db import lock
from socsec.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from socsec.core.faults import fault
from socsec.core.idempotency import (
    await_finished,
    lock_wait_for_transaction,
    read_unless_locked,
    retry_after,
    waiting_turn,
)
from socsec.core.stored import file_sha256
from socsec.registry.models import Organisation

from .checks import BatchChecker
from .digest import RowsDigest, legacy_digest
from .files import BatchWriter
from .last_orders import LastDays, last_orders_raise
from .limits import orders_limits_check
from .repeats import EarlierKeys, Repeats, repeats_of

IN_PROGRESS = "this batch is being ingested right now; retry later"
READ_AHEAD = 3  # chunks read ahead at most (each holds ORDERS_CHUNK_ROWS rows in memory)
LIVE = ~Q(status__in=[OrderBatch.Status.WITHDRAWN, OrderBatch.Status.FAILED])  # the batches that hold their key


def orders_ingest(
    *,
    actor: Actor,
    platform: Organisation,
    content: bytes | None = None,
    fmt: str,
    idempotency_key: str,
    source: str,
    today: dt.date | None = None,
    path: Path | None = None,
) -> tuple[OrderBatch, bool]:
    """Ingest one batch, given as ``content`` (bytes) or as a file's ``path`` (streamed from where it
    lies). Returns (manifest, replayed): replayed is True when the same key and content had already been
    accepted and nothing was done."""
    if actor.organisation_id is not None and actor.organisation_id != platform.pk:
        raise Forbidden("a platform may only report its own orders", field="platform")
    if platform.kind != Organisation.Kind.PLATFORM:
        raise ValidationFailed(
            "platform: %(platform)s is not a platform enterprise.", field="platform", params={"platform": platform.code}
        )
    if not idempotency_key or len(idempotency_key) > 100:
        raise ValidationFailed("idempotency_key: is required (1-100 characters).", field="idempotency_key")
    data: Source = path if path is not None else (content or b"")
    orders_limits_check(data, fmt)
    stream = _open(data, fmt)
    existing = read_unless_locked(
        OrderBatch.objects.filter(LIVE, platform=platform, idempotency_key=idempotency_key).first
    )
    if existing is not None and existing.content_sha256:
        if not _same_content(existing.content_sha256, data, fmt, stream):
            raise Conflict(
                "idempotency key %(idempotency_key)r was used for other content (batch %(existing)s)",
                field="idempotency_key",
                code=ContributionErrorCode.IDEMPOTENCY_KEY_REUSED,
                params={"idempotency_key": idempotency_key, "existing": existing.pk},
            )
        if existing.status != OrderBatch.Status.WRITING:
            return existing, True
        stream = _open(data, fmt)
    if existing is None:

        def manifest(seconds_left: float) -> OrderBatch:
            with transaction.atomic():  # the manifest first: a killed attempt leaves it WRITING
                lock_wait_for_transaction(seconds_left)
                made = OrderBatch.objects.create(
                    platform=platform, idempotency_key=idempotency_key, content_sha256="", source=source[:200]
                )
                audit_record(actor=actor, action="orders.ingest.start", instance=made)
                return made

        try:
            existing = waiting_turn(manifest, still_running=IN_PROGRESS, code=ContributionErrorCode.BATCH_IN_PROGRESS)
        except IntegrityError:  # the same key arrived twice at once: wait for the other, then replay it
            return _replay_other(platform, idempotency_key, data, fmt)
    try:
        return _check_and_write(actor, platform, existing, data, fmt, stream, today or database_today())
    except DomainError as exc:  # nothing of this batch was stored: say why, and free its key
        _fail(actor, existing, exc)
        raise


def _replay_other(platform: Organisation, key: str, data: Source, fmt: str) -> tuple[OrderBatch, bool]:
    """The batch another request with the same key is writing, once it is written (a bounded wait), as
    this request's answer; refused if its content differs, or (to be sent again) if it is still being
    written after the wait or failed meanwhile."""
    other = await_finished(
        lambda: OrderBatch.objects.filter(LIVE, platform=platform, idempotency_key=key).first(),
        lambda batch: batch.status != OrderBatch.Status.WRITING,
    )
    if other is None or other.status == OrderBatch.Status.WRITING:
        raise Conflict(
            IN_PROGRESS,
            field="idempotency_key",
            code=ContributionErrorCode.BATCH_IN_PROGRESS,
            details={"retry_after": retry_after()},
        )
    if not _same_content(other.content_sha256, data, fmt, _open(data, fmt)):
        raise Conflict(
            "idempotency key %(idempotency_key)r was used for other content (batch %(existing)s)",
            field="idempotency_key",
            code=ContributionErrorCode.IDEMPOTENCY_KEY_REUSED,
            params={"idempotency_key": key, "existing": other.pk},
        )
    return other, True


def _open(data: Source, fmt: str) -> UploadStream:
    try:
        return open_upload(data, fmt, chunk_rows=settings.ORDERS_CHUNK_ROWS, whole_limit=settings.ORDERS_MAX_BYTES)
    except UploadError as exc:
        raise _unreadable(exc) from None


def _unreadable(exc: UploadError) -> ValidationFailed:
    return ValidationFailed("file: " + exc.template, field="file", params=exc.params or None)


def _same_content(recorded: str, data: Source, fmt: str, stream: UploadStream) -> bool:
    """Whether a batch is the one a manifest recorded: by its digest (one reading pass), or, for manifests
    kept before batches were streamed, by the digest of then or the SHA-256 of the bytes."""
    digest = RowsDigest()
    try:
        for chunk in stream.chunks:
            digest.add(chunk)
    except UploadError as exc:
        raise _unreadable(exc) from None
    if digest.hexdigest() == recorded:
        return True
    raw = hashlib.sha256(data).hexdigest() if isinstance(data, bytes) else file_sha256(data)
    if raw == recorded:
        return True
    size = len(data) if isinstance(data, bytes) else data.stat().st_size
    if size > settings.ORDERS_MAX_BYTES:  # never a batch of then: they were read whole, up to this limit
        return False
    whole = data if isinstance(data, bytes) else data.read_bytes()
    try:
        return legacy_digest(read_upload(whole, fmt)) == recorded
    except UploadError:
        return False


def _check_and_write(
    actor: Actor,
    platform: Organisation,
    existing: OrderBatch,
    data: Source,
    fmt: str,
    stream: UploadStream,
    day: dt.date,
) -> tuple[OrderBatch, bool]:
    data_dir = settings.DATA_DIR
    for attempt in range(5):
        # check and write outside any transaction (long work holds no lock); files get a name of their
        # own per attempt, so a concurrent or interrupted attempt never touches them
        seen_up_to = _last_accepted_batch(platform)
        if attempt:
            stream = _open(data, fmt)
        writer = BatchWriter(data_dir, platform.code, existing.pk)
        digest = RowsDigest()
        earlier = EarlierKeys()
        # read, hashed and searched for repeated order ids while the registry is read (a few chunks ahead:
        # the snapshot takes as long as reading several), then while each chunk is checked
        chunks = read_ahead(_with_repeats(_digested(stream.chunks, digest), earlier), depth=READ_AHEAD)
        try:
            try:
                checker = BatchChecker(platform, day, keep_errors=settings.ORDERS_MAX_STORED_ERRORS, writer=writer)
                try:
                    last_days = LastDays(checker.registry.workers())
                    for chunk, repeats in chunks:
                        checker.check(chunk, repeats)
                        last_days.add(checker.accepted_days)
                        fault("orders.chunk")  # killed with some chunks written, others not read yet
                except UploadError as exc:
                    raise _unreadable(exc) from None
                finally:
                    checker.close()
            finally:
                chunks.close()  # the reader stops before the keys it searches are removed
                earlier.close()
            files = writer.close()
        except BaseException:
            writer.abort()
            raise
        with transaction.atomic():
            lock(Organisation.objects).filter(pk=platform.pk).first()
            batch = OrderBatch.objects.select_for_update().get(pk=existing.pk)
            recorded = batch.content_sha256
            if recorded != existing.content_sha256 and recorded != digest.hexdigest():
                # another request with this key, but other rows, was recorded while this one was read
                writer.abort()
                raise Conflict(
                    "idempotency key %(idempotency_key)r was used for other content (batch %(existing)s)",
                    field="idempotency_key",
                    code=ContributionErrorCode.IDEMPOTENCY_KEY_REUSED,
                    params={"idempotency_key": batch.idempotency_key, "existing": batch.pk},
                )
            if batch.status != OrderBatch.Status.WRITING:  # another attempt with this key finished first
                writer.abort()
                return batch, True
            if _last_accepted_batch(platform) != seen_up_to:
                writer.abort()
                continue  # a batch of this platform was accepted meanwhile: check against it too
            errors = checker.errors
            batch.content_sha256 = batch.content_sha256 or digest.hexdigest()
            batch.files = files
            batch.read_as = stream.read_as
            batch.rows_total = checker.rows_total
            batch.rows_invalid = errors.invalid_rows
            batch.rows_valid = batch.rows_total - batch.rows_invalid
            batch.orders_new, batch.orders_void, batch.orders_amend = (
                checker.counts["NEW"],
                checker.counts["VOID"],
                checker.counts["AMEND"],
            )
            batch.months = sorted({f["month"] for f in files})
            batch.errors = errors.report()
            batch.error_counts = dict(sorted(errors.counts.items()))
            batch.status = OrderBatch.Status.ACCEPTED if batch.rows_valid else OrderBatch.Status.REJECTED
            batch.completed_at = timezone.now()
            batch.save()
            if batch.status == OrderBatch.Status.ACCEPTED:
                last_orders_raise(platform=platform, days=last_days.days())
            audit_record(actor=actor, action="orders.ingest", instance=batch)
            return batch, False
    raise Conflict(
        "other batches of this platform kept arriving; send this one again",
        field="idempotency_key",
        code=ContributionErrorCode.BATCH_IN_PROGRESS,
    )


def _digested(chunks: Iterator[UploadChunk], digest: RowsDigest) -> Iterator[UploadChunk]:
    for chunk in chunks:
        digest.add(chunk)
        yield chunk


def _with_repeats(chunks: Iterator[UploadChunk], earlier: EarlierKeys) -> Iterator[tuple[UploadChunk, Repeats | None]]:
    """Each chunk with the rows that repeat an earlier row's order id (in file order, so each chunk is
    searched against all the chunks before it)."""
    for chunk in chunks:
        yield chunk, repeats_of(chunk.table, chunk.numbers, earlier)


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
