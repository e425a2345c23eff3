"""Starting a job: one of a kind and month at a time, queued on the task backend in the same
transaction as its row (both or neither), and the jobs a stopped worker left running made re-runnable.
The services a job runs are idempotent (a month assessed again invoices only what changed; a month paid
again pays only what is still due), so running a month again after a failure is safe."""

from __future__ import annotations

import datetime as dt
import os
import socket

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.clock import database_today
from socsec.core.db import lock
from socsec.core.errors import Conflict, ValidationFailed
from socsec.core.months import month_first_day, month_index, month_of

from .errors import JobErrorCode
from .models import Job
from .runs import worker_name
from .tasks import run_job

ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
INTERRUPTED = "the worker running the job stopped before it finished; nothing of it was kept. Start it again."


def job_start(*, actor: Actor, kind: str, month: str, today: dt.date | None = None) -> Job:
    """Queue a job of ``kind`` for ``month``, refused while one of that kind and month is queued or running."""
    if kind not in Job.Kind.values:
        raise ValidationFailed("kind: %(kind)s is not a job", field="kind", params={"kind": kind})
    _check_month(kind, month, today or timezone.localdate())
    jobs_recover_interrupted()
    try:
        with transaction.atomic():
            active = Job.objects.filter(kind=kind, month=month, status__in=ACTIVE).first()
            if active is not None:
                raise _busy(month, active.pk)
            job = Job.objects.create(kind=kind, month=month, started_by_id=actor.user_id)
            job.task_id = str(run_job.enqueue(job_id=job.pk).id)
            job.save(update_fields=["task_id"])
    except IntegrityError:  # a concurrent start of the same kind and month won
        active = Job.objects.filter(kind=kind, month=month, status__in=ACTIVE).first()
        raise _busy(month, active.pk if active else 0) from None
    return job


def _busy(month: str, job_id: int) -> Conflict:
    return Conflict(
        "a job of this kind for %(month)s is already waiting or running (job %(job)s): wait for it to finish",
        field="month",
        code=JobErrorCode.JOB_ACTIVE,
        params={"month": month, "job": job_id},
        details={"job": job_id},
    )


def _check_month(kind: str, month: str, today: dt.date) -> None:
    try:
        index = month_index(month)
        valid = month_of(month_first_day(index)) == month
    except ValueError:
        valid = False
    if not valid:
        raise ValidationFailed("month: %(month)s is not a month (YYYY-MM)", field="month", params={"month": month})
    # a month is assessed and paid once it has ended (both kinds): a later one would invoice or pay ahead
    if index >= min(month_index(today), month_index(database_today())):
        raise ValidationFailed(
            "month: %(month)s has not ended yet; it can be run from %(opens)s on",
            field="month",
            code=JobErrorCode.MONTH_NOT_CLOSED,
            params={"month": month, "opens": month_first_day(index + 1).isoformat()},
        )


def jobs_recover_interrupted() -> int:
    """Jobs left running by a worker process of this host that is gone (killed, the machine restarted)
    are marked failed as interrupted: the run's own transaction rolled back with the process, so nothing
    of it was kept, and the month may be started again. Returns how many."""
    host = socket.gethostname()
    gone = [
        job.pk
        for job in Job.objects.filter(status=Job.Status.RUNNING, worker__startswith=f"{host}:")
        if job.worker != worker_name() and not _alive(job.worker.rpartition(":")[2])
    ]
    return Job.objects.filter(pk__in=gone, status=Job.Status.RUNNING).update(
        status=Job.Status.FAILED,
        error_code=JobErrorCode.INTERRUPTED.value,
        error_template=INTERRUPTED,
        error_params={},
        finished_at=timezone.now(),
    )


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def job_stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SOCSEC_JOB_STALE_MINUTES)


def job_is_stale(job: Job, now: dt.datetime | None = None) -> bool:
    """Waiting or running, with no sign of life (a step, its start, its queueing) for
    ``settings.SOCSEC_JOB_STALE_MINUTES``: its worker is gone, or none is running."""
    seen = job.heartbeat_at or job.started_at or job.created_at
    return job.is_active and seen is not None and (now or timezone.now()) - seen > job_stale_after()


def job_mark_interrupted(*, actor: Actor, job: Job, now: dt.datetime | None = None) -> Job:
    """An officer marks a job that shows no sign of life as interrupted (FAILED), so that its month can be
    started again; refused for a job that is finished or still showing life. Audited."""
    now = now or timezone.now()
    with transaction.atomic():
        job = lock(Job.objects).get(pk=job.pk)
        if not job_is_stale(job, now):
            raise Conflict(
                "job %(job)s is not waiting or running without a sign of life for %(minutes)s minutes",
                field="job",
                code=JobErrorCode.JOB_NOT_STALE,
                params={"job": job.pk, "minutes": settings.SOCSEC_JOB_STALE_MINUTES},
            )
        before = {"status": job.status}
        job.status, job.error_code, job.error_template = Job.Status.FAILED, JobErrorCode.INTERRUPTED.value, INTERRUPTED
        job.error_params, job.finished_at = {}, now
        job.save(update_fields=["status", "error_code", "error_template", "error_params", "finished_at"])
        audit_record(actor=actor, action="job.interrupted", instance=job, before=before)
    return job
