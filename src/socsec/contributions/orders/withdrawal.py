"""Withdrawing an order batch, the repair of a batch whose stored file is damaged or lost (or that was
sent by mistake): its orders stop counting, its idempotency key is freed, and the batch can be sent
again, with the same key or another.

A batch that an assessment run has counted cannot be withdrawn: its orders are in issued invoices, and a
withdrawal would change them silently. Correct such orders with VOID or AMEND in a new batch (the
adjustment run invoices the difference), or restore its file from the backup.

A batch left WRITING by a process that was killed is redone by the next request with its key; one whose
key never comes again is marked FAILED by ``orders_abandon_stale`` (``socsec sweep`` calls it)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import AssessedMonth, AssessmentRun, OrderBatch
from socsec.core.db import lock
from socsec.core.errors import Conflict, NotFound, ValidationFailed
from socsec.registry.models import Organisation

WITHDRAWABLE = (OrderBatch.Status.ACCEPTED, OrderBatch.Status.REJECTED)


def orders_batch_withdraw(*, actor: Actor, batch_id: int, reason: str) -> OrderBatch:
    """Withdraw a batch (a platform its own; an officer any). Refused once an assessment has counted it."""
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ValidationFailed("reason: is required (at most 500 characters).", field="reason")
    with transaction.atomic():
        batch = OrderBatch.objects.filter(pk=batch_id).first()
        if batch is None or (actor.organisation_id is not None and actor.organisation_id != batch.platform_id):
            raise NotFound("no order batch %(batch_id)s", field="batch_id", params={"batch_id": batch_id})
        lock(Organisation.objects).filter(pk=batch.platform_id).first()  # no ingest of the platform meanwhile
        for month in sorted(batch.months):  # nor an assessment of its months
            AssessedMonth.objects.get_or_create(month=month)
            AssessedMonth.objects.select_for_update().get(month=month)
        batch = OrderBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status not in WITHDRAWABLE:
            raise Conflict(
                "batch %(batch)s is %(status)s; only an accepted or rejected batch can be withdrawn",
                field="batch_id",
                code=ContributionErrorCode.BATCH_NOT_WITHDRAWABLE,
                params={"batch": batch.pk, "status": batch.status},
            )
        for run in AssessmentRun.objects.filter(month__in=batch.months).order_by("month", "sequence"):
            if batch.pk in run.batches:
                raise Conflict(
                    "batch %(batch)s was counted by the assessment of %(month)s (run %(run)s) and invoiced; it "
                    "cannot be withdrawn: correct its orders with VOID or AMEND in a new batch, or restore its "
                    "file from the backup",
                    field="batch_id",
                    code=ContributionErrorCode.BATCH_ASSESSED,
                    params={"batch": batch.pk, "month": run.month, "run": run.sequence},
                )
        batch.status = OrderBatch.Status.WITHDRAWN
        batch.withdrawn_at = timezone.now()
        batch.withdrawal_reason = reason
        batch.save(update_fields=["status", "withdrawn_at", "withdrawal_reason"])
        audit_record(actor=actor, action="orders.withdraw", instance=batch)
    return batch


def orders_abandon_stale(*, actor: Actor, older_than: dt.timedelta = dt.timedelta(hours=6)) -> list[int]:
    """Mark FAILED the batches left WRITING for longer than ``older_than`` (their process was killed and
    their key never came again), freeing their keys; their attempt files are named by no counted manifest
    and can be swept. Returns the batches' ids."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        stale = list(
            OrderBatch.objects.select_for_update().filter(status=OrderBatch.Status.WRITING, created_at__lt=cutoff)
        )
        for batch in stale:
            batch.status = OrderBatch.Status.FAILED
            batch.completed_at = timezone.now()
            batch.errors = [
                {
                    "row": 0,
                    "field": "file",
                    "code": "abandoned",
                    "message": "the batch was never finished; send it again.",
                }
            ]
            batch.save(update_fields=["status", "completed_at", "errors"])
            audit_record(actor=actor, action="orders.abandon", instance=batch)
    return [b.pk for b in stale]
