"""What a job runs, in the worker: the service it names, with its progress recorded on the job, and the
figures of the outcome, or the service's refusal, kept for the page. A job that is not waiting (run
already, or marked interrupted) is left as it is."""

from __future__ import annotations

import os
import socket
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from socsec.accounts.permissions import Principal
from socsec.audit.services import Actor
from socsec.core.errors import DomainError

from .errors import JobErrorCode
from .models import Job
from .progress import Writer, progress_writer
from .steps import ASSESSMENT_STEPS, AWARDS, TAX_STEPS

UNEXPECTED = "the job stopped on an unexpected error; nothing of it was kept. The worker's log has the details."


def worker_name() -> str:
    """The process running jobs here: host and process id, so that a job left running by a process that
    is gone can be told apart (``socsec.jobs.services.jobs_recover_interrupted``)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def job_run(*, job_id: int) -> dict[str, Any]:
    """Run a waiting job to its end. Returns its outcome (also kept on the job)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Job.Status.QUEUED:
            return {}
        job.status, job.started_at, job.worker = Job.Status.RUNNING, timezone.now(), worker_name()
        job.heartbeat_at = job.started_at
        job.save(update_fields=["status", "started_at", "worker", "heartbeat_at"])
    actor = Principal.of_user(job.started_by).actor if job.started_by else Actor.system("jobs")
    seen = [0, 0]

    def note(done: int, total: int, step: str, write: Writer) -> None:
        seen[:] = [done, total]
        write(done, total, step)

    try:
        with progress_writer(job.pk) as write:
            if job.kind == Job.Kind.ASSESSMENT:
                total = len(ASSESSMENT_STEPS)
                outcome = _assess(job.month, actor, lambda step: note(ASSESSMENT_STEPS.index(step), total, step, write))
            elif job.kind == Job.Kind.TAX_EXCHANGE:
                total = len(TAX_STEPS)
                outcome = _tax(job.month, actor, lambda step: note(TAX_STEPS.index(step), total, step, write))
            else:
                outcome = _pay(job.month, actor, lambda done, total: note(done, total, AWARDS, write))
    except DomainError as exc:
        _finish(job.pk, seen, Job.Status.FAILED, error=(str(exc.code), exc.template, dict(exc.params)))
        return {}
    except Exception:
        _finish(job.pk, seen, Job.Status.FAILED, error=(JobErrorCode.UNEXPECTED.value, UNEXPECTED, {}))
        raise
    _finish(job.pk, [seen[1], seen[1]], Job.Status.SUCCEEDED, outcome=outcome)
    return outcome


def _assess(month: str, actor: Actor, step: Any) -> dict[str, Any]:
    from socsec.contributions.assessment.runs import assessment_run
    from socsec.contributions.models import Invoice

    result = assessment_run(actor=actor, month=month, progress=step)
    issued = Invoice.objects.filter(run=result.run) if result.run else Invoice.objects.none()
    figures = issued.aggregate(n=Count("id"), cents=Sum("amount_cents"), platforms=Count("platform", distinct=True))
    return {
        "run": result.run.sequence if result.run else None,
        "invoices": figures["n"],
        "invoiced_cents": figures["cents"] or 0,
        "platforms": figures["platforms"],
        "assessed_cents": result.assessment.amount_cents,
    }


def _pay(month: str, actor: Actor, progress: Any) -> dict[str, Any]:
    from socsec.benefits.payments import pay_month

    result = pay_month(actor=actor, month=month, progress=progress)
    return {
        "new_payments": result.new_payments,
        "new_cents": result.new_cents,
        "payments": result.run.payment_count,
        "paid_cents": result.run.amount_cents,
        "suspended": len(result.suspended),
    }


def _tax(month: str, actor: Actor, step: Any) -> dict[str, Any]:
    from socsec.taxexchange.runs import tax_fetch, tax_send

    step("tax_send")
    sent = tax_send(actor=actor, month=month)
    step("tax_fetch")
    fetched = tax_fetch(actor=actor)
    return {
        "documents": len(sent.created),
        "replaced": len(sent.replaced),
        "unchanged": len(sent.unchanged),
        "acknowledged": len(sent.acknowledged),
        "not_acknowledged": len(sent.still_sent),
        "results_in": len(fetched.results_in),
        "results_refused": len(fetched.refused),
        "receipts": fetched.receipts.receipts,
        "receipts_refused": len(fetched.receipts.refused),
    }


def _finish(
    job_id: int,
    seen: list[int],
    status: str,
    *,
    outcome: dict[str, Any] | None = None,
    error: tuple[str, str, dict[str, Any]] | None = None,
) -> None:
    code, template, params = error or ("", "", {})
    done, total = seen
    if status == Job.Status.SUCCEEDED:  # a run with nothing to count (no award) is one step, done
        done = total = max(total, 1)
    Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(  # unless an officer marked it interrupted
        status=status,
        steps_done=done,
        steps_total=total,
        outcome=outcome or {},
        error_code=code,
        error_template=template,
        error_params={k: v if isinstance(v, int | str) else str(v) for k, v in params.items()},
        finished_at=timezone.now(),
    )
