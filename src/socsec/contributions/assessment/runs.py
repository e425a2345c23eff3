"""The assessment run of a month: its accepted batches read and assessed (in full the first time, the
new batches only after), the lines file written, the run recorded, and the platforms invoiced for what
changed (``invoices``), with own contributions withheld at source added (``withholding``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.batch.assess import assess_increment, assess_month
from socsec.batch.lines_files import write_lines
from socsec.batch.orders import month_start
from socsec.batch.pricing import Assessment
from socsec.contributions.models import AssessedMonth, AssessmentRun, Invoice, OrderBatch
from socsec.contributions.orders.selectors import accepted_files
from socsec.core.stored import stored_file_check
from socsec.registry.models import Organisation, Region
from socsec.rules.parameters import load_parameters

from .adjustments import adjustments_for_month
from .coverage import oip_line_coverage
from .invoices import invoice_differences, invoices_issue
from .withholding import withhold_at_source


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
    engine: str = "duckdb",
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Assess a month from its accepted batches and invoice it. The first run invoices the totals;
    a later run invoices only the differences (late batches, corrections), as adjustment invoices or
    credit notes. A re-run with nothing new records nothing. Each invoice is posted to the ledger:
    the platform's receivable against the province's OIP fund. ``progress`` is told each step as it
    starts: ``read`` (the batches' files), ``aggregate`` and ``price`` (the engine's), ``write`` (the
    lines file) and ``record`` (runs, invoices, ledger); the last two only when there is something new."""
    step = progress or (lambda _step: None)
    month_start(month)  # a malformed month is refused before anything is written
    today = today or timezone.localdate()
    data_dir = settings.DATA_DIR
    with transaction.atomic():
        AssessedMonth.objects.get_or_create(month=month)
        AssessedMonth.objects.select_for_update().get(month=month)  # one run of a month at a time
        previous = list(AssessmentRun.objects.filter(month=month).order_by("sequence"))
        step("read")
        batch_ids = [
            pk
            for pk, months in OrderBatch.objects.filter(status=OrderBatch.Status.ACCEPTED).values_list("id", "months")
            if month in months
        ]
        if previous:
            # only the batches accepted since the last run are read; its counts carry the rest
            last = previous[-1]
            if last.lines_sha256:  # the counts carried over, as the run wrote them
                stored_file_check(
                    data_dir / last.lines_path, last.lines_sha256, f"assessment run {month} {last.sequence}"
                )
            new_ids = sorted(set(batch_ids) - set(last.batches))
            orders, corrections = accepted_files(months=[month], batch_ids=new_ids)
            assessment = assess_increment(
                data_dir / last.lines_path,
                month,
                ([str(data_dir / p) for p in orders], [str(data_dir / p) for p in corrections]),
                adjustments_for_month(month),
                coverage=oip_line_coverage,
                engine=engine,
                progress=step,
            )
        else:
            orders, corrections = accepted_files(months=[month])
            assessment = assess_month(
                data_dir,
                month,
                adjustments_for_month(month),
                files=([str(data_dir / p) for p in orders], [str(data_dir / p) for p in corrections]),
                coverage=oip_line_coverage,
                engine=engine,
                progress=step,
            )
        org_ids = dict(Organisation.objects.filter(kind=Organisation.Kind.PLATFORM).values_list("code", "id"))
        region_ids = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "id"))
        due: dict[tuple[int, int], tuple[int, int]] = {}
        for row in assessment.totals.to_pylist():
            due[(org_ids[row["platform"]], region_ids[row["province"]])] = (row["order_count"], row["amount_cents"])
        differences = invoice_differences(month, due)
        if not differences:  # nothing new to invoice: no run is recorded
            return RunResult(None, [], assessment)
        sequence = len(previous) + 1
        folder = data_dir / "assessments" / f"month={month}" / f"run={sequence:04d}"
        step("write")
        lines_sha256 = write_lines(assessment.lines, folder / "lines.parquet")  # and its copy by worker
        step("record")
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
    return RunResult(run, invoices, assessment)
