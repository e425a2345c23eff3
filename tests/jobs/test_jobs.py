"""Month jobs through django-tasks' database backend: queued with the job's row, run by the worker,
progress and outcome recorded; one job of a kind and month at a time; a job a dead worker left running
made re-runnable; re-running a month changes nothing already done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from socsec.accounts.permissions import Principal
from socsec.contributions.models import Invoice
from socsec.core.errors import Conflict, ValidationFailed
from socsec.jobs import runs
from socsec.jobs.errors import JobErrorCode
from socsec.jobs.models import Job
from socsec.jobs.services import job_start, jobs_recover_interrupted
from tests.benefits.test_awards_and_payments import awarded
from tests.contributions.test_ingest import MONTH, order, send
from tests.jobs.worker import run_pending


def officer(world):
    return Principal.of_user(world.users["officer"]).actor


@pytest.fixture
def steps_seen(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int, str]]:
    """Each progress write the run makes, in order (the writer itself still writes)."""
    seen: list[tuple[int, int, str]] = []
    original = runs.progress_writer

    from contextlib import contextmanager

    @contextmanager
    def watching(job_id):  # type: ignore[no-untyped-def]
        with original(job_id) as write:

            def both(done: int, total: int, step: str) -> None:
                seen.append((done, total, step))
                write(done, total, step)

            yield both

    monkeypatch.setattr(runs, "progress_writer", watching)
    return seen


def test_the_months_assessment_runs_through_the_database_backend(world, data_dir, platform, steps_seen):
    send(platform, [order(world, f"a{i}") for i in range(3)], "k1")
    job = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    task = DBTaskResult.objects.get()
    assert (str(task.id), task.status, task.task_path) == (job.task_id, "READY", "socsec.jobs.tasks.run_job")
    assert Invoice.objects.count() == 0  # queued only: the worker runs it
    run_pending()
    job.refresh_from_db()
    task.refresh_from_db()
    assert (job.status, job.steps_done, job.steps_total, task.status) == ("SUCCEEDED", 5, 5, "SUCCESSFUL")
    assert job.outcome == {"run": 1, "invoices": 1, "invoiced_cents": 3, "platforms": 1, "assessed_cents": 3}
    assert steps_seen == [(0, 5, "read"), (1, 5, "aggregate"), (2, 5, "price"), (3, 5, "write"), (4, 5, "record")]
    assert [(i.platform.code, i.province.code, i.order_count, i.amount_cents) for i in Invoice.objects.all()] == [
        ("ridego", "440000", 3, 3)
    ]
    # the same month again: safe, nothing new is invoiced
    again = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    run_pending()
    again.refresh_from_db()
    assert (again.status, again.outcome["run"], again.outcome["invoices"]) == ("SUCCEEDED", None, 0)
    assert Invoice.objects.count() == 1


def test_a_second_job_for_the_same_month_is_refused_while_one_waits(world, data_dir):
    first = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    with pytest.raises(Conflict) as refused:
        job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    assert (refused.value.code, refused.value.details) == (JobErrorCode.JOB_ACTIVE, {"job": first.pk})
    assert (Job.objects.count(), DBTaskResult.objects.count()) == (1, 1)  # nothing queued for the refusal
    other = job_start(actor=officer(world), kind="PAY_RUN", month="2026-05")  # another kind: its own
    assert other.pk != first.pk


def test_the_pay_run_job_pays_the_month_and_counts_awards(world, data_dir, steps_seen):
    awarded(world, {"grade": 3})
    job = job_start(actor=officer(world), kind="PAY_RUN", month="2026-05")
    run_pending()
    job.refresh_from_db()
    assert (job.status, job.steps_done, job.steps_total) == ("SUCCEEDED", 2, 2)
    assert job.outcome == {
        "new_payments": 2,
        "new_cents": 10_710_000,
        "payments": 2,
        "paid_cents": 10_710_000,
        "suspended": 0,
    }
    assert steps_seen == [(0, 2, "awards"), (2, 2, "awards")]
    again = job_start(actor=officer(world), kind="PAY_RUN", month="2026-05")
    run_pending()
    again.refresh_from_db()
    assert (again.outcome["new_payments"], again.outcome["payments"]) == (0, 2)


def test_a_month_not_ended_is_refused_for_the_pay_run(world):
    with pytest.raises(ValidationFailed) as refused:
        job_start(actor=officer(world), kind="PAY_RUN", month="2999-01")
    assert refused.value.code == JobErrorCode.MONTH_NOT_CLOSED
    assert refused.value.params == {"month": "2999-01", "opens": "2999-02-01"}
    with pytest.raises(ValidationFailed):
        job_start(actor=officer(world), kind="ASSESSMENT", month="2026-13")
    assert Job.objects.count() == 0


def test_a_month_not_ended_is_refused_for_the_assessment(world):
    with pytest.raises(ValidationFailed) as refused:
        job_start(actor=officer(world), kind="ASSESSMENT", month="2030-01", today=dt.date(2026, 12, 2))
    assert refused.value.code == JobErrorCode.MONTH_NOT_CLOSED
    assert str(refused.value) == "month: 2030-01 has not ended yet; it can be run from 2030-02-01 on"
    with pytest.raises(ValidationFailed) as refused:  # the month under way has not ended either
        job_start(actor=officer(world), kind="ASSESSMENT", month="2026-12", today=dt.date(2026, 12, 2))
    assert refused.value.params == {"month": "2026-12", "opens": "2027-01-01"}
    assert Job.objects.count() == 0


def test_a_job_left_running_by_a_dead_worker_can_be_started_again(world, data_dir):
    job = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    host = runs.worker_name().rpartition(":")[0]
    Job.objects.filter(pk=job.pk).update(status="RUNNING", worker=f"{host}:999999999")  # no such process
    alive = Job.objects.create(kind="PAY_RUN", month="2026-05", status="RUNNING", worker=runs.worker_name())
    assert jobs_recover_interrupted() == 1
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("FAILED", "job_interrupted")
    assert Job.objects.get(pk=alive.pk).status == "RUNNING"  # this very process: still running
    again = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    run_pending()
    again.refresh_from_db()
    assert again.status == "SUCCEEDED"


def test_a_refusal_of_the_service_is_kept_on_the_job(world, data_dir, monkeypatch):
    from socsec.core.errors import ValidationFailed as Refusal

    def refuse(**kwargs):  # type: ignore[no-untyped-def]
        raise Refusal("month: %(month)s has no rules", field="month", params={"month": kwargs["month"]})

    monkeypatch.setattr("socsec.contributions.assessment.runs.assessment_run", refuse)
    job = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    run_pending()
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_template, job.error_params) == (
        "FAILED",
        "invalid",
        "month: %(month)s has no rules",
        {"month": MONTH},
    )
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"  # the task ran; the job records the refusal


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_page_sees_each_step_while_the_run_is_open(world, data_dir, platform, monkeypatch):
    """The run is one transaction; its progress goes through a connection of its own, seen at once."""
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: the progress is seen when the run commits")
    send(platform, [order(world, f"a{i}") for i in range(2)], "k1")
    job = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    reader = connections.create_connection(DEFAULT_DB_ALIAS)
    seen_outside: list[tuple[int, str]] = []
    original = runs.progress_writer

    from contextlib import contextmanager

    @contextmanager
    def watching(job_id):  # type: ignore[no-untyped-def]
        with original(job_id) as write:

            def both(done: int, total: int, step: str) -> None:
                write(done, total, step)
                with reader.cursor() as cursor:
                    cursor.execute("SELECT steps_done, step FROM jobs_job WHERE id = %s", [job_id])
                    seen_outside.append(cursor.fetchone())

            yield both

    monkeypatch.setattr(runs, "progress_writer", watching)
    try:
        run_pending()
    finally:
        reader.close()
    assert seen_outside == [(0, "read"), (1, "aggregate"), (2, "price"), (3, "write"), (4, "record")]
    job.refresh_from_db()
    assert (job.status, job.steps_done, job.outcome["invoiced_cents"]) == ("SUCCEEDED", 5, 2)


@pytest.mark.django_db(transaction=True)  # on PostgreSQL a step is written from another connection
def test_each_step_stamps_the_heartbeat(world, data_dir):
    from socsec.jobs.progress import progress_writer

    job = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    assert job.heartbeat_at is None
    with progress_writer(job.pk) as write:
        write(1, 5, "orders")
    job.refresh_from_db()
    assert (job.steps_done, job.step) == (1, "orders")
    assert job.heartbeat_at is not None and (timezone.now() - job.heartbeat_at).total_seconds() < 60


def test_a_job_without_a_sign_of_life_is_marked_interrupted_by_an_officer_and_its_month_runs_again(world, data_dir):
    from socsec.audit.models import AuditEntry
    from socsec.jobs.services import job_is_stale, job_mark_interrupted

    job = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    now = timezone.now()
    beat = now - dt.timedelta(minutes=29)
    Job.objects.filter(pk=job.pk).update(status="RUNNING", worker="elsewhere:1", started_at=beat, heartbeat_at=beat)
    job.refresh_from_db()
    assert job_is_stale(job, now) is False
    with pytest.raises(Conflict) as refused:  # still showing life within 30 minutes
        job_mark_interrupted(actor=officer(world), job=job, now=now)
    assert refused.value.code == JobErrorCode.JOB_NOT_STALE
    assert str(refused.value) == f"job {job.pk} is not waiting or running without a sign of life for 30 minutes"
    with pytest.raises(Conflict):  # the month stays blocked: another worker's host, so no recovery
        job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    later = now + dt.timedelta(minutes=2)
    assert job_is_stale(job, later) is True
    job_mark_interrupted(actor=officer(world), job=job, now=later)
    job.refresh_from_db()
    assert (job.status, job.error_code, job.finished_at) == ("FAILED", "job_interrupted", later)
    assert AuditEntry.objects.filter(action="job.interrupted").count() == 1
    with pytest.raises(Conflict):  # a finished job is not marked again
        job_mark_interrupted(actor=officer(world), job=job, now=later)
    again = job_start(actor=officer(world), kind="ASSESSMENT", month=MONTH)
    run_pending()
    again.refresh_from_db()
    assert again.status == "SUCCEEDED"
