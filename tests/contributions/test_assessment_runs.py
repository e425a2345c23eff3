"""The assessment run's transaction: opened only to record the run, after the engine has finished. An ingest
commits while the engine runs; a run of the same month recorded meanwhile makes this one assess again; an
engine that fails mid-run (a cluster gone) records nothing, and the re-run completes."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
from django.db import connections

from socsec.batch import assess
from socsec.batch.errors import AssessmentError
from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.models import AssessmentRun, OrderBatch
from tests.conftest import table_counts
from tests.contributions.test_ingest import MONTH, order, send
from tests.contributions.test_invoicing import invoices
from tests.world import SYSTEM


def in_another_thread(work: Callable[[], object]) -> object:
    """``work`` on a connection of its own (another thread), to the end: committed or failed."""
    done: dict[str, object] = {}

    def target() -> None:
        try:
            done["result"] = work()
        except Exception as exc:  # handed to the test
            done["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in done:
        raise AssertionError(f"the other connection failed: {done['error']!r}")
    return done["result"]


@pytest.mark.django_db(transaction=True)
def test_an_ingest_commits_while_the_engine_runs(world, data_dir, platform):
    send(platform, [order(world, "a1"), order(world, "a2")], "k1")
    late: list[object] = []

    def during(step: str) -> None:
        if step == "aggregate" and not late:  # the engine has started: a platform's batch comes in
            late.append(in_another_thread(lambda: send(platform, [order(world, "late1")], "k2")))

    first = assessment_run(actor=SYSTEM, month=MONTH, progress=during)
    (response,) = late
    assert (response.status_code, response.json()["status"]) == (201, "ACCEPTED")  # type: ignore[attr-defined]
    batches = dict(OrderBatch.objects.values_list("idempotency_key", "id"))
    assert first.run is not None and first.run.batches == [batches["k1"]]  # the run counted what it read
    assessment_run(actor=SYSTEM, month=MONTH)  # the late batch is the next run's
    assert invoices() == [(1, "ORIGINAL", "ridego", "440000", 2, 2), (2, "ADJUSTMENT", "ridego", "440000", 1, 1)]


@pytest.mark.django_db(transaction=True)
def test_a_run_recorded_meanwhile_makes_this_one_assess_again(world, data_dir, platform):
    send(platform, [order(world, "a1"), order(world, "a2")], "k1")
    steps: list[str] = []

    def during(step: str) -> None:
        steps.append(step)
        if step == "aggregate" and steps.count("aggregate") == 1:  # a late batch, and another run with it
            in_another_thread(lambda: send(platform, [order(world, "late1")], "k2"))
            in_another_thread(lambda: assessment_run(actor=SYSTEM, month=MONTH))

    again = assessment_run(actor=SYSTEM, month=MONTH, progress=during)
    assert again.run is None  # assessed again on top of the other run: nothing new
    assert steps == ["read", "aggregate", "price", "write", "record", "read", "aggregate", "price"]
    assert invoices() == [(1, "ORIGINAL", "ridego", "440000", 3, 3)]
    folder = data_dir / "assessments" / f"month={MONTH}" / "run=0001"
    # the staged files are gone: the lines file and its copy by worker are those of the other run
    assert sorted(p.name for p in folder.iterdir()) == ["lines.by-person.parquet", "lines.parquet"]
    assert AssessmentRun.objects.get().lines_path == f"assessments/month={MONTH}/run=0001/lines.parquet"


def test_an_engine_gone_mid_run_records_nothing_and_the_rerun_completes(world, data_dir, platform, monkeypatch, caplog):
    send(platform, [order(world, "a1"), order(world, "a2")], "k1")
    report = "cannot read the orders of 2026-11 on Spark: Job aborted\nCaused by: lost executor 1\n\tat ..."

    def gone(*args: object, **kwargs: object) -> None:
        raise AssessmentError(report)

    before = table_counts()
    with monkeypatch.context() as patch:
        patch.setattr(assess, "aggregate", gone)
        with caplog.at_level(logging.ERROR), pytest.raises(AssessmentError):
            assessment_run(actor=SYSTEM, month=MONTH, engine="spark")
    assert table_counts() == before
    assert not (data_dir / "assessments").exists()
    assert report in caplog.text  # the whole report, every line of it
    rerun = assessment_run(actor=SYSTEM, month=MONTH)
    assert rerun.run is not None and rerun.run.sequence == 1
    assert invoices() == [(1, "ORIGINAL", "ridego", "440000", 2, 2)]


@pytest.mark.django_db(transaction=True)
def test_a_batch_accepted_after_the_run_listed_its_batches_is_the_next_runs(world, data_dir, platform, monkeypatch):
    """A month's first run lists its batches, then reads their files: a batch accepted in between is not
    read (it is not among the run's batches), so the next run counts it once."""
    from socsec.contributions.assessment import runs

    send(platform, [order(world, "a1"), order(world, "a2")], "k1")
    listed = runs._accepted_batches

    def then_a_late_batch(month: str) -> list[int]:
        ids = listed(month)
        if not OrderBatch.objects.filter(idempotency_key="k2").exists():
            in_another_thread(lambda: send(platform, [order(world, "late1")], "k2"))
        return ids

    monkeypatch.setattr(runs, "_accepted_batches", then_a_late_batch)
    first = assessment_run(actor=SYSTEM, month=MONTH)
    assert first.run is not None and first.run.order_count == 2  # the late batch's order is not in it
    monkeypatch.setattr(runs, "_accepted_batches", listed)
    assessment_run(actor=SYSTEM, month=MONTH)
    assert invoices() == [(1, "ORIGINAL", "ridego", "440000", 2, 2), (2, "ADJUSTMENT", "ridego", "440000", 1, 1)]
