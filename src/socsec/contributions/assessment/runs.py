"""The assessment run of a month: its accepted batches read and assessed (in full the first time, the
new batches only after), the lines file written, the run recorded, and the platforms invoiced for what
changed (``invoices``), with own contributions withheld at source added (``withholding``).

The engine runs with no database transaction open, so that ingestion goes on during a long assessment;
one transaction then records the run, if the runs and batches it was computed from are still current
(otherwise the month is assessed again). An engine that fails (a cluster gone mid-run) records nothing."""

from __future__ import annotations

import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.batch.assess import assess_increment, assess_month
from socsec.batch.errors import AssessmentError
from socsec.batch.lines_files import by_person_path, write_lines
from socsec.batch.orders import month_start
from socsec.batch.pricing import Assessment
from socsec.batch.spark import SparkConfig
from socsec.contributions.errors import AssessmentRaced
from socsec.contributions.models import AssessedMonth, AssessmentRun, Invoice, OrderBatch
from socsec.contributions.orders.selectors import accepted_files
from socsec.core.stored import stored_file_check
from socsec.registry.models import Organisation, Region
from socsec.rules.parameters import load_parameters

from .adjustments import adjustments_for_month
from .coverage import oip_line_coverage
from .invoices import invoice_differences, invoices_issue
from .withholding import withhold_at_source

logger = logging.getLogger(__name__)

# How many times a run is assessed again when its month's runs or batches changed while the engine ran.
ATTEMPTS = 3


@dataclass(frozen=True)
class RunResult:
    """What a run did: the run recorded, the invoices it issued, and the month's assessment."""

    run: AssessmentRun | None  # None when nothing changed since the last run
    invoices: list[Invoice]
    assessment: Assessment


def assessment_run(
    *,
    actor: Actor,
    month: str,
    today: dt.date | None = None,
    engine: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Assess a month from its accepted batches and invoice it. The first run invoices the totals;
    a later run invoices only the differences (late batches, corrections), as adjustment invoices or
    credit notes. A re-run with nothing new records nothing. Each invoice is posted to the ledger:
    the platform's receivable against the province's OIP fund. ``engine`` is ``duckdb`` or ``spark``
    (default: the ``SOCSEC_ASSESSMENT_ENGINE`` setting). ``progress`` is told each step as it
    starts: ``read`` (the batches' files), ``aggregate`` and ``price`` (the engine's), ``write`` (the
    lines file) and ``record`` (runs, invoices, ledger); the last two only when there is something new."""
    step = progress or (lambda _step: None)
    month_start(month)  # a malformed month is refused before anything is written
    today = today or timezone.localdate()
    engine = str(engine or settings.SOCSEC_ASSESSMENT_ENGINE)
    for _try in range(ATTEMPTS):
        result = _attempt(actor, month, today, engine, step)
        if result is not None:
            return result
    raise AssessmentRaced(month, ATTEMPTS)


def spark_config() -> SparkConfig:
    """Where the Spark engine runs, from the settings (local mode unless a master is named)."""
    spark: dict[str, str | int | None] = settings.SOCSEC_SPARK
    ports = {k: int(v) if v else None for k, v in spark.items() if k.endswith("_port")}
    return SparkConfig(
        master=_text(spark["master"]),
        driver_host=_text(spark["driver_host"]),
        driver_bind_address=_text(spark["driver_bind_address"]),
        driver_port=ports["driver_port"],
        block_manager_port=ports["block_manager_port"],
        store_root=Path(settings.DATA_DIR),
        store_uri=_text(spark["store_uri"]),
        work_dir=_text(spark["work_dir"]) or "spark",
    )


def _text(value: object) -> str | None:
    return str(value) if value else None


def _accepted_batches(month: str) -> list[int]:
    return sorted(
        pk
        for pk, months in OrderBatch.objects.filter(status=OrderBatch.Status.ACCEPTED).values_list("id", "months")
        if month in months
    )


def _assess(
    month: str, previous: list[AssessmentRun], batch_ids: list[int], engine: str, step: Callable[[str], None]
) -> Assessment:
    """The month's assessment by the engine, in full or as an increment of the last run."""
    data_dir = settings.DATA_DIR
    spark = spark_config() if engine == "spark" else None
    try:
        if previous:
            # only the batches accepted since the last run are read; its counts carry the rest
            last = previous[-1]
            if last.lines_sha256:  # the counts carried over, as the run wrote them
                stored_file_check(
                    data_dir / last.lines_path, last.lines_sha256, f"assessment run {month} {last.sequence}"
                )
            new_ids = sorted(set(batch_ids) - set(last.batches))
            orders, corrections = accepted_files(months=[month], batch_ids=new_ids)
            return assess_increment(
                data_dir / last.lines_path,
                month,
                ([str(data_dir / p) for p in orders], [str(data_dir / p) for p in corrections]),
                adjustments_for_month(month),
                coverage=oip_line_coverage,
                engine=engine,
                progress=step,
                spark=spark,
            )
        # only the batches this run records: one accepted meanwhile is the next run's
        orders, corrections = accepted_files(months=[month], batch_ids=batch_ids)
        return assess_month(
            data_dir,
            month,
            adjustments_for_month(month),
            files=([str(data_dir / p) for p in orders], [str(data_dir / p) for p in corrections]),
            coverage=oip_line_coverage,
            engine=engine,
            progress=step,
            spark=spark,
        )
    except AssessmentError as exc:  # the whole report (Spark's included) stays in the log
        logger.error("the assessment of %s on %s failed: %s", month, engine, exc)
        raise


def _attempt(actor: Actor, month: str, today: dt.date, engine: str, step: Callable[[str], None]) -> RunResult | None:
    """One try: assess, then record if the month's runs and batches are still what was assessed; None
    when they changed meanwhile (nothing is recorded)."""
    data_dir = settings.DATA_DIR
    previous = list(AssessmentRun.objects.filter(month=month).order_by("sequence"))
    step("read")
    batch_ids = _accepted_batches(month)
    assessment = _assess(month, previous, batch_ids, engine, step)  # no transaction open
    org_ids = dict(Organisation.objects.filter(kind=Organisation.Kind.PLATFORM).values_list("code", "id"))
    region_ids = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "id"))
    due: dict[tuple[int, int], tuple[int, int]] = {}
    for row in assessment.totals.to_pylist():
        due[(org_ids[row["platform"]], region_ids[row["province"]])] = (row["order_count"], row["amount_cents"])
    if not invoice_differences(month, due):  # nothing new to invoice: no run is recorded
        return RunResult(None, [], assessment)
    sequence = len(previous) + 1
    folder = data_dir / "assessments" / f"month={month}" / f"run={sequence:04d}"
    step("write")
    # written under a name of this attempt's own, and renamed once the run is sure to be recorded, so
    # that a run of the same month made meanwhile keeps its file
    staged = folder / f".lines-{uuid.uuid4().hex}.parquet.tmp"  # swept if left (storage.checks)
    staged_copy = folder / f".lines-{uuid.uuid4().hex}.by-person.parquet.tmp"
    lines_sha256 = write_lines(assessment.lines, staged, staged_copy)  # the copy by worker goes with it
    step("record")
    try:
        with transaction.atomic():
            AssessedMonth.objects.get_or_create(month=month)
            AssessedMonth.objects.select_for_update().get(month=month)  # one record of a month at a time
            if AssessmentRun.objects.filter(month=month).count() != len(previous) or not set(batch_ids) <= set(
                _accepted_batches(month)
            ):
                return None  # recorded or withdrawn meanwhile: assess again
            differences = invoice_differences(month, due)
            os.replace(staged, folder / "lines.parquet")
            os.replace(staged_copy, by_person_path(folder / "lines.parquet"))
            run = AssessmentRun.objects.create(
                month=month,
                sequence=sequence,
                kind=AssessmentRun.Kind.ADJUSTMENT if previous else AssessmentRun.Kind.ORIGINAL,
                batches=sorted(batch_ids),
                lines_path=str((folder / "lines.parquet").relative_to(data_dir)),
                lines_sha256=lines_sha256,
                order_count=sum(v[0] for v in due.values()),
                amount_cents=sum(v[1] for v in due.values()),
            )
            days = load_parameters().value_int("oip.invoicing.payment_days", today)
            due_on = today + dt.timedelta(days=days)
            invoices = invoices_issue(
                run=run,
                differences=differences,
                platform_codes={v: k for k, v in org_ids.items()},
                province_codes={v: k for k, v in region_ids.items()},
                today=today,
                due_on=due_on,
            )
            invoices += withhold_at_source(run, assessment.lines, invoices, today, due_on)
            audit_record(actor=actor, action="oip.assessment.run", instance=run)
    finally:
        staged.unlink(missing_ok=True)  # renamed already, or not to be recorded
        staged_copy.unlink(missing_ok=True)
    return RunResult(run, invoices, assessment)
