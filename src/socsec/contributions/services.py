"""Order ingestion: a platform's batch of orders, checked row by row, stored as Parquet files, with
its manifest in the database.

Idempotency: a batch carries the platform's key. The same key with the same content is accepted once
(a re-sent batch changes nothing and gets the first answer); the same key with other content is refused
(409). A batch interrupted while writing (process killed) is redone from the start when the same key
comes again: its manifest stays WRITING until the files are in place, and only ACCEPTED batches count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.batch.assess import (
    CORRECTION_SCHEMA,
    ORDER_SCHEMA,
    Assessment,
    assess_increment,
    assess_month,
    month_start,
)
from socsec.batch.store import (
    StoredOrder,
    UploadError,
    batch_path,
    read_upload,
    stored_orders,
    write_atomic,
)
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.coverage.models import SchemeActivation
from socsec.ledger.services import post as ledger_post
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.rules.coverage import Scheme
from socsec.rules.engine import RuleViolation, calc
from socsec.rules.parameters import load_parameters

from .models import (
    AssessedMonth,
    AssessmentRun,
    Invoice,
    OrderBatch,
    OwnContribution,
    Payment,
    PaymentAllocation,
    PerOrderAdjustment,
)
from .selectors import accepted_files, adjustments_for_month, oip_line_coverage, unpaid_invoices

ACTIONS = ("NEW", "VOID", "AMEND")


@dataclass
class _Checked:
    orders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # month -> rows
    corrections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"NEW": 0, "VOID": 0, "AMEND": 0})

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "field": column, "message": message})


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
        raise ValidationFailed(f"platform: {platform.code} is not a platform enterprise.", field="platform")
    if not idempotency_key or len(idempotency_key) > 100:
        raise ValidationFailed("idempotency_key: is required (1-100 characters).", field="idempotency_key")
    digest = hashlib.sha256(content).hexdigest()
    existing = OrderBatch.objects.filter(platform=platform, idempotency_key=idempotency_key).first()
    if existing is not None and existing.content_sha256 != digest:
        raise Conflict(
            f"idempotency key {idempotency_key!r} was used for other content (batch {existing.pk})",
            field="idempotency_key",
            code="idempotency_key_reused",
        )
    if existing is not None and existing.status != OrderBatch.Status.WRITING:
        return existing, True
    try:
        rows = read_upload(content, fmt)
    except UploadError as exc:
        raise ValidationFailed(f"file: {exc}", field="file") from None
    data_dir = settings.DATA_DIR
    if existing is None:
        try:
            with transaction.atomic():  # the manifest first: a killed attempt leaves it WRITING
                existing = OrderBatch.objects.create(
                    platform=platform, idempotency_key=idempotency_key, content_sha256=digest, source=source[:200]
                )
                audit_record(actor=actor, action="orders.ingest.start", instance=existing)
        except IntegrityError:  # the same key arrived twice at once; the other one is writing it
            raise Conflict(
                "this batch is being ingested right now; retry later", field="idempotency_key", code="batch_in_progress"
            ) from None
    day = today or timezone.localdate()
    for _attempt in range(5):
        # check and write outside any transaction (long work holds no lock); files get a name of their
        # own per attempt, so a concurrent or interrupted attempt never touches them
        seen_up_to = _last_accepted_batch(platform)
        checked = _check_rows(platform, rows, day)
        files = _write_files(data_dir, platform.code, existing.pk, checked)
        with transaction.atomic():
            lock(Organisation.objects).filter(pk=platform.pk).first()
            batch = OrderBatch.objects.select_for_update().get(pk=existing.pk)
            if batch.status != OrderBatch.Status.WRITING:  # another attempt with this key finished first
                return batch, True
            if _last_accepted_batch(platform) != seen_up_to:
                continue  # a batch of this platform was accepted meanwhile: check against it too
            batch.files = files
            batch.rows_total = len(rows)
            batch.rows_invalid = len({e["row"] for e in checked.errors})
            batch.rows_valid = batch.rows_total - batch.rows_invalid
            batch.orders_new, batch.orders_void, batch.orders_amend = (
                checked.counts["NEW"],
                checked.counts["VOID"],
                checked.counts["AMEND"],
            )
            batch.months = sorted(set(checked.orders) | set(checked.corrections))
            batch.errors = checked.errors
            batch.status = OrderBatch.Status.ACCEPTED if batch.rows_valid else OrderBatch.Status.REJECTED
            batch.completed_at = timezone.now()
            batch.save()
            audit_record(actor=actor, action="orders.ingest", instance=batch)
            return batch, False
    raise Conflict(
        "other batches of this platform kept arriving; send this one again",
        field="idempotency_key",
        code="batch_in_progress",
    )


def _last_accepted_batch(platform: Organisation) -> int:
    last = (
        OrderBatch.objects.filter(platform=platform, status=OrderBatch.Status.ACCEPTED)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    return int(last or 0)


def _write_files(data_dir: Any, platform: str, batch_id: int, checked: _Checked) -> list[dict[str, Any]]:
    attempt = uuid.uuid4().hex[:12]
    files = []
    for kind, by_month, schema in (
        ("orders", checked.orders, ORDER_SCHEMA),
        ("corrections", checked.corrections, CORRECTION_SCHEMA),
    ):
        for month, rows in sorted(by_month.items()):
            path = batch_path(data_dir, kind, month, platform, batch_id, attempt)
            digest = write_atomic(pa.Table.from_pylist(rows, schema=schema), path)
            files.append(
                {
                    "kind": kind,
                    "month": month,
                    "path": str(path.relative_to(data_dir)),
                    "rows": len(rows),
                    "sha256": digest,
                }
            )
    return files


class _Context:
    """What the row checks look up, loaded once per batch."""

    def __init__(self, platform: Organisation, rows: list[Mapping[str, Any]], today: dt.date) -> None:
        params = load_parameters()
        self.today = today
        window = int(params.value("oip.reporting.window_months", today))  # type: ignore[arg-type]
        first = (today.year * 12 + today.month - 1) - window
        self.earliest = dt.date(first // 12, first % 12 + 1, 1)
        self.max_fare = int(params.value("oip.reporting.max_fare_cents", today))  # type: ignore[arg-type]
        self.amounts = params.node("oip.per_order_amount")
        self.regions = set(Region.objects.values_list("code", flat=True))
        ids = {str(r.get("resident_id") or "").upper() for r in rows} - {""}
        self.persons = Person.objects.in_bulk(list(ids), field_name="resident_id")
        self.engagements: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
        for person_id, start, end in Engagement.objects.filter(
            organisation=platform, person__resident_id__in=list(ids)
        ).values_list("person_id", "start_date", "end_date"):
            self.engagements.setdefault(person_id, []).append((start, end))
        months = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(first, today.year * 12 + today.month)]
        orders, corrections = accepted_files(platform=platform, months=months)
        order_ids = {str(r.get("order_id") or "") for r in rows}
        base = settings.DATA_DIR
        self.stored: dict[str, StoredOrder] = stored_orders(
            [str(base / p) for p in orders], [str(base / p) for p in corrections], order_ids
        )

    def pilot_sector(self, sector: str, day: dt.date) -> bool:
        child = self.amounts.children.get(sector)
        return child is not None and not np.isnan(child.at(np.array([day], dtype="datetime64[D]"))[0])


def _check_rows(platform: Organisation, rows: list[Mapping[str, Any]], today: dt.date) -> _Checked:
    ctx = _Context(platform, rows, today)
    out = _Checked()
    seen_new: dict[str, int] = {}
    corrected: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        errors_before = len(out.errors)
        order_id = (row.get("order_id") or "").strip()
        action = (row.get("action") or "NEW").strip().upper()
        if not order_id or len(order_id) > 64:
            out.error(number, "order_id", "is required (at most 64 characters).")
        if action not in ACTIONS:
            out.error(number, "action", f"{action!r} is not one of NEW, VOID, AMEND.")
            continue
        day = _date(row.get("order_date"), number, out)
        if day is not None and not (ctx.earliest <= day <= ctx.today):
            out.error(
                number,
                "order_date",
                f"{day.isoformat()} is outside the reporting window "
                f"({ctx.earliest.isoformat()} to {ctx.today.isoformat()}).",
            )
        fare = _fare(row.get("fare_cents"), ctx.max_fare, number, out)
        if action == "NEW":
            if order_id in seen_new:
                out.error(number, "order_id", f"repeats row {seen_new[order_id]}.")
            elif order_id in ctx.stored:
                out.error(number, "order_id", "was already reported in an earlier batch.")
            values = _worker_values(ctx, row, day, number, out)
            if len(out.errors) == errors_before and values and day:
                seen_new[order_id] = number
                out.orders.setdefault(_month(day), []).append(
                    {"order_id": order_id, **values, "order_date": day, "fare_cents": fare}
                )
                out.counts["NEW"] += 1
            continue
        stored = ctx.stored.get(order_id)
        if order_id in corrected:
            out.error(number, "order_id", f"is corrected twice in this batch (row {corrected[order_id]}).")
        elif stored is None:
            out.error(number, "order_id", "no order with this id was reported before (report it as NEW first).")
        elif stored.voided:
            out.error(number, "order_id", "the order is already void.")
        elif day is not None and _month(day) != stored.month:
            out.error(number, "order_date", f"the order belongs to {stored.month}; a correction cannot move it.")
        new_values = _worker_values(ctx, row, day, number, out) if action == "AMEND" else None
        if len(out.errors) == errors_before and stored is not None:
            corrected[order_id] = number
            out.corrections.setdefault(stored.month, []).append(
                {
                    "order_id": order_id,
                    "action": action,
                    "old_person_id": stored.person_id,
                    "old_region": stored.region,
                    "old_sector": stored.sector,
                    "new_person_id": new_values["person_id"] if new_values else None,
                    "new_region": new_values["region"] if new_values else None,
                    "new_sector": new_values["sector"] if new_values else None,
                    "order_date": day,
                }
            )
            out.counts[action] += 1
    return out


def _worker_values(
    ctx: _Context, row: Mapping[str, Any], day: dt.date | None, number: int, out: _Checked
) -> dict[str, Any] | None:
    resident_id = (row.get("resident_id") or "").strip().upper()
    region = (row.get("region") or "").strip()
    sector = (row.get("sector") or "").strip().upper()
    person = ctx.persons.get(resident_id)
    ok = True
    if person is None:
        out.error(number, "resident_id", "unknown worker: no registered person with this resident ID.")
        ok = False
    elif day is not None and not any(
        start <= day and (end is None or end >= day) for start, end in ctx.engagements.get(person.pk, [])
    ):
        out.error(
            number,
            "resident_id",
            f"unknown engagement: the worker has no engagement with this platform on {day.isoformat()}.",
        )
        ok = False
    if region not in ctx.regions:
        out.error(number, "region", f"unknown region code {region!r}.")
        ok = False
    if day is not None and not ctx.pilot_sector(sector, day):
        out.error(number, "sector", f"{sector!r} is not an OIP pilot sector on {day.isoformat()}.")
        ok = False
    if not ok or person is None:
        return None
    return {"person_id": person.pk, "region": region, "sector": sector}


def _date(raw: Any, number: int, out: _Checked) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        out.error(number, "order_date", f"{raw!r} is not a date (YYYY-MM-DD).")
        return None


def _fare(raw: Any, maximum: int, number: int, out: _Checked) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        out.error(number, "fare_cents", f"{raw!r} is not a whole number of cents.")
        return None
    if value < 0 or value > maximum:
        out.error(number, "fare_cents", f"{value} is outside 0 to {maximum} cents.")
        return None
    return value


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + (end.month - start.month) - (1 if end.day < start.day else 0)


def adjustment_set(
    *, actor: Actor, platform: Organisation, province_code: str, steps: int, effective_from: dt.date, reason: str
) -> PerOrderAdjustment:
    """Set a platform's per-order amount in a province from the first day of a month, if the rules
    allow it (``oip_adjustment_check``); the refusal names the rule that stops it."""
    errors: dict[str, list[str]] = {}
    province = Region.objects.filter(code=province_code, level=Region.Level.PROVINCE).first()
    if province is None:
        errors["province"] = [f"unknown province code {province_code!r}."]
    if platform.kind != Organisation.Kind.PLATFORM:
        errors["platform"] = [f"{platform.code} is not a platform enterprise."]
    if effective_from.day != 1:
        errors["effective_from"] = ["must be the first day of a month (amounts apply to whole months)."]
    if not reason or not reason.strip():
        errors["reason"] = ["is required: say why the amount changes (fund use, injury incidence)."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    assert province is not None
    switches = SchemeActivation.objects.filter(scheme=Scheme.OIP, region=province).filter(
        Q(organisation=platform) | Q(organisation__isnull=True)
    )
    in_force = switches.filter(start_date__lte=effective_from).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=effective_from)
    )
    joined = switches.order_by("start_date").values_list("start_date", flat=True).first()
    if joined is None or not in_force.exists():
        raise ValidationFailed(
            f"effective_from: OIP is not switched on for {platform.code} in {province_code} on "
            f"{effective_from.isoformat()}.",
            field="effective_from",
        )
    with transaction.atomic():
        lock(Organisation.objects).filter(pk=platform.pk).first()  # one change at a time
        current = (
            PerOrderAdjustment.objects.filter(platform=platform, province=province, effective_from__lte=effective_from)
            .order_by("-effective_from")
            .first()
        )
        if current is not None and current.effective_from == effective_from:
            raise Conflict(f"an adjustment from {effective_from.isoformat()} is already set", field="effective_from")
        check = calc(
            "oip_adjustment_check",
            on=effective_from,
            current_steps=current.steps if current else 0,
            proposed_steps=steps,
            months_in_scheme=_months_between(joined, effective_from),
            months_since_last_change=_months_between(current.effective_from if current else joined, effective_from),
        )
        if check.value != 0:
            raise ValidationFailed(
                f"steps: refused - {check.meaning}.", field="steps", details={"explanation": check.as_dict()}
            )
        adjustment = PerOrderAdjustment.objects.create(
            platform=platform, province=province, steps=steps, effective_from=effective_from, reason=reason.strip()
        )
        audit_record(actor=actor, action="oip.adjustment.set", instance=adjustment)
    return adjustment


@dataclass(frozen=True)
class RunResult:
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
        invoiced: dict[tuple[int, int], tuple[int, int]] = {}
        for platform_id, province_id, count, cents in Invoice.objects.filter(month=month).values_list(
            "platform_id", "province_id", "order_count", "amount_cents"
        ):
            before = invoiced.get((platform_id, province_id), (0, 0))
            invoiced[(platform_id, province_id)] = (before[0] + count, before[1] + cents)
        org_ids = dict(Organisation.objects.filter(kind=Organisation.Kind.PLATFORM).values_list("code", "id"))
        region_ids = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "id"))
        due: dict[tuple[int, int], tuple[int, int]] = {}
        for row in assessment.totals.to_pylist():
            due[(org_ids[row["platform"]], region_ids[row["province"]])] = (row["order_count"], row["amount_cents"])
        differences = {
            key: (
                due.get(key, (0, 0))[0] - invoiced.get(key, (0, 0))[0],
                due.get(key, (0, 0))[1] - invoiced.get(key, (0, 0))[1],
            )
            for key in sorted(set(due) | set(invoiced))
        }
        differences = {k: v for k, v in differences.items() if v != (0, 0)}
        if not differences:  # nothing new to invoice: no run is recorded
            return RunResult(None, [], assessment)
        sequence = len(previous) + 1
        folder = data_dir / "assessments" / f"month={month}" / f"run={sequence:04d}"
        step("write")
        write_atomic(assessment.lines, folder / "lines.parquet")
        step("record")
        run = AssessmentRun.objects.create(
            month=month,
            sequence=sequence,
            kind=AssessmentRun.Kind.ADJUSTMENT if previous else AssessmentRun.Kind.ORIGINAL,
            batches=sorted(batch_ids),
            lines_path=str((folder / "lines.parquet").relative_to(data_dir)),
            order_count=sum(v[0] for v in due.values()),
            amount_cents=sum(v[1] for v in due.values()),
        )
        days = int(load_parameters().value("oip.invoicing.payment_days", today))  # type: ignore[arg-type]
        invoices = []
        codes = {v: k for k, v in org_ids.items()}
        provinces = {v: k for k, v in region_ids.items()}
        for (platform_id, province_id), (count, cents) in differences.items():
            invoice = Invoice.objects.create(
                run=run,
                platform_id=platform_id,
                province_id=province_id,
                month=month,
                order_count=count,
                amount_cents=cents,
                issued_on=today,
                due_on=today + dt.timedelta(days=days),
            )
            invoices.append(invoice)
            platform, province = codes[platform_id], provinces[province_id]
            if cents:
                ledger_post(
                    entries=[(f"receivable:platform:{platform}", cents), (f"fund:OIP:{province}", -cents)],
                    description=f"OIP {month} {platform} {province} ({run.kind.lower()} run {sequence})",
                    source=f"invoice:{invoice.pk}",
                    idempotency_key=f"invoice:{invoice.pk}",
                    booked_on=today,
                )
        audit_record(actor=actor, action="oip.assessment.run", instance=run)
    return RunResult(run, invoices, assessment)


def payment_record(
    *, actor: Actor, platform: Organisation, amount_cents: int, received_on: dt.date, reference: str, source: str
) -> tuple[Payment, bool]:
    """Record a payment once per (platform, reference) and allocate it to the platform's unpaid
    invoices, oldest due first; what is left stays as credit on its account. Returns (payment, replayed)."""
    if actor.organisation_id is not None and actor.organisation_id != platform.pk:
        raise Forbidden("a platform may only report its own payments", field="platform")
    errors: dict[str, list[str]] = {}
    if not reference or len(reference) > 100:
        errors["reference"] = ["is required (the bank reference, at most 100 characters)."]
    if not isinstance(amount_cents, int) or amount_cents <= 0:
        errors["amount_cents"] = [f"{amount_cents!r} must be a positive whole number of cents."]
    if received_on > timezone.localdate():
        errors["received_on"] = [f"{received_on.isoformat()} is in the future."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        lock(Organisation.objects).filter(pk=platform.pk).first()  # one allocation at a time
        existing = Payment.objects.filter(platform=platform, reference=reference).first()
        if existing is not None:
            if (existing.amount_cents, existing.received_on) != (amount_cents, received_on):
                raise Conflict(
                    f"reference {reference!r} was recorded with another amount or date",
                    field="reference",
                    code="payment_reference_reused",
                )
            return existing, True
        still_open = unpaid_invoices(platform=platform)  # before this payment exists: it is not credit yet
        payment = Payment.objects.create(
            platform=platform,
            reference=reference,
            amount_cents=amount_cents,
            received_on=received_on,
            source=source[:100],
        )
        left = amount_cents
        for invoice, outstanding in still_open:
            if left == 0:
                break
            share = min(left, outstanding)
            PaymentAllocation.objects.create(payment=payment, invoice=invoice, amount_cents=share)
            left -= share
        ledger_post(
            entries=[("bank:collection", amount_cents), (f"receivable:platform:{platform.code}", -amount_cents)],
            description=f"payment {reference} from {platform.code}",
            source=f"payment:{payment.pk}",
            idempotency_key=f"payment:{payment.pk}",
            booked_on=received_on,
        )
        audit_record(actor=actor, action="payment.record", instance=payment)
    return payment, False


@dataclass(frozen=True)
class StatementRow:
    row: int
    platform: Organisation
    amount_cents: int
    received_on: dt.date
    reference: str


def bank_statement_import(*, actor: Actor, content: bytes, source: str) -> list[tuple[Payment, bool]]:
    """A bank statement (CSV: date, amount in yuan, reference, payer = platform code or credit code).
    Every row is checked first; one bad row and nothing is recorded. Re-importing the same statement
    records nothing twice (payments are unique by reference)."""
    import csv
    import io
    from decimal import Decimal, InvalidOperation

    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(f"file: not UTF-8 text (byte {exc.start}).", field="file") from None
    reader = csv.DictReader(io.StringIO(text))
    expected = {"date", "amount", "reference", "payer"}
    if not reader.fieldnames or expected - set(reader.fieldnames):
        raise ValidationFailed(f"file: the header must have the columns {', '.join(sorted(expected))}.", field="file")
    payers = {o.code: o for o in Organisation.objects.filter(kind=Organisation.Kind.PLATFORM)}
    payers |= {o.credit_code: o for o in payers.values() if o.credit_code}
    rows: list[StatementRow] = []
    problems: list[dict[str, Any]] = []
    seen: dict[tuple[int, str], int] = {}
    for number, raw in enumerate(reader, start=2):  # row 1 is the header
        try:
            received = dt.date.fromisoformat((raw.get("date") or "").strip())
        except ValueError:
            problems.append({"row": number, "field": "date", "message": f"{raw.get('date')!r} is not a date."})
            continue
        try:
            yuan = Decimal((raw.get("amount") or "").strip())
        except InvalidOperation:
            problems.append({"row": number, "field": "amount", "message": f"{raw.get('amount')!r} is not an amount."})
            continue
        if not yuan.is_finite() or yuan <= 0 or yuan > MAX_PAYMENT_YUAN or yuan != yuan.quantize(Decimal("0.01")):
            problems.append(
                {
                    "row": number,
                    "field": "amount",
                    "message": f"{yuan} must be positive, at most {MAX_PAYMENT_YUAN}, with at most two decimals.",
                }
            )
            continue
        reference = (raw.get("reference") or "").strip()
        if not reference or len(reference) > 100:
            problems.append({"row": number, "field": "reference", "message": "is required (at most 100 characters)."})
            continue
        payer = payers.get((raw.get("payer") or "").strip())
        if payer is None:
            problems.append({"row": number, "field": "payer", "message": f"unknown payer {raw.get('payer')!r}."})
            continue
        if (payer.pk, reference) in seen:
            problems.append(
                {"row": number, "field": "reference", "message": f"repeats row {seen[(payer.pk, reference)]}."}
            )
            continue
        seen[(payer.pk, reference)] = number
        rows.append(StatementRow(number, payer, int(yuan * 100), received, reference))
    if problems:
        raise ValidationFailed(
            f"{len(problems)} bad row(s); first: row {problems[0]['row']} {problems[0]['field']} "
            f"{problems[0]['message']}",
            field=problems[0]["field"],
            details={"rows": problems},
        )
    rows.sort(key=lambda r: (r.platform.pk, r.row))  # platforms locked in one order: no deadlock between imports
    with transaction.atomic():
        return [
            payment_record(
                actor=actor,
                platform=r.platform,
                amount_cents=r.amount_cents,
                received_on=r.received_on,
                reference=r.reference,
                source=source,
            )
            for r in rows
        ]


FREQUENCIES = (1, 3, 12)
MAX_DECLARED_BASE_CENTS = 10**10  # far above any 300% ceiling; it only guards the storage
MAX_PAYMENT_YUAN = (
    10**10
)  # a plausibility bound: ten billion yuan on one bank line is a data error  # monthly, quarterly, yearly


def own_contribution_pay(
    *,
    actor: Actor,
    person: Person,
    scheme: str,
    period_start: dt.date,
    months: int = 1,
    declared_base_cents: int | None = None,
    tier: str = "",
    today: dt.date | None = None,
) -> OwnContribution:
    """A worker pays their own contribution for a period. Allowed only where the coverage rules say the
    scheme is voluntary for them on that date; the amount, its split and any subsidy come from the
    rules, with the explanation kept. One payment per person, scheme and period start."""
    from socsec.coverage.selectors import coverage_for
    from socsec.rules.coverage import Scheme as RuleScheme
    from socsec.rules.coverage import Status

    today = today or timezone.localdate()
    if actor.organisation_id is not None:
        raise Forbidden("only the worker or an officer records a worker's own contribution", field="person")
    errors: dict[str, list[str]] = {}
    if scheme not in OwnContribution.Scheme.values:
        errors["scheme"] = [f"{scheme!r} is not one of {', '.join(OwnContribution.Scheme.values)}."]
    if period_start.day != 1:
        errors["period_start"] = ["must be the first day of a month."]
    if scheme == OwnContribution.Scheme.EMPLOYEE_PENSION:
        if months not in FREQUENCIES:
            errors["months"] = [f"{months} is not monthly (1), quarterly (3) or yearly (12)."]
        if declared_base_cents is None or declared_base_cents <= 0:
            errors["declared_base_cents"] = ["is required: the monthly base you choose, in cents."]
        elif declared_base_cents > MAX_DECLARED_BASE_CENTS:
            errors["declared_base_cents"] = [f"{declared_base_cents} is not a plausible monthly base."]
        if tier:
            errors["tier"] = ["belongs to the residents' pension; leave it out."]
    if scheme == OwnContribution.Scheme.RESIDENT_PENSION:
        if months not in (1, 12):
            errors["months"] = ["the residents' pension is paid by the year."]
        months = 12
        if not tier or len(tier) > 10:
            errors["tier"] = ["is required: the yearly tier you choose (e.g. 500)."]
        if declared_base_cents is not None:
            errors["declared_base_cents"] = ["belongs to the employee pension; leave it out."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    for offset in range(months):  # open to them in every month paid for
        day = _add_months(period_start, offset)
        coverage = coverage_for(person, day).scheme(RuleScheme(scheme))
        if coverage.status != Status.VOLUNTARY:
            raise ValidationFailed(
                f"scheme: not open to you on {day.isoformat()} - {coverage.reason.text}", field="scheme"
            )

    region = person.residence_region
    try:
        if scheme == OwnContribution.Scheme.EMPLOYEE_PENSION:
            inputs = {"region": region.code, "declared_base": declared_base_cents, "months": months}
            paid = calc("flexible_pension_contribution", on=period_start, **inputs)
            account = calc("flexible_pension_individual_account", on=period_start, **inputs)
            amounts = (int(paid.value), 0, int(account.value), int(paid.value) - int(account.value))
            explanation = {"contribution": paid.as_dict(), "individual_account": account.as_dict()}
        else:
            paid = calc("resident_pension_contribution", on=period_start, tier=tier)
            subsidy = calc("resident_pension_subsidy", on=period_start, tier=tier)
            total = int(paid.value) + int(subsidy.value)  # all of it goes to the individual account
            amounts = (int(paid.value), int(subsidy.value), total, 0)
            explanation = {"contribution": paid.as_dict(), "subsidy": subsidy.as_dict()}
    except RuleViolation as exc:
        where = "tier" if scheme == OwnContribution.Scheme.RESIDENT_PENSION else "period_start"
        raise ValidationFailed(f"{where}: {exc}", field=where) from None
    with transaction.atomic():
        lock(Person.objects).filter(pk=person.pk).first()  # one payment of a person at a time
        end = _add_months(period_start, months)
        for paid in OwnContribution.objects.filter(person=person, scheme=scheme, period_start__lt=end):
            if _add_months(paid.period_start, paid.months) > period_start:
                raise Conflict(
                    f"the months from {paid.period_start.isoformat()} ({paid.months}) are already paid",
                    field="period_start",
                    code="already_paid",
                )
        record = OwnContribution.objects.create(
            person=person,
            scheme=scheme,
            region=region,
            period_start=period_start,
            months=months,
            declared_base_cents=declared_base_cents,
            tier=tier,
            paid_cents=amounts[0],
            subsidy_cents=amounts[1],
            individual_account_cents=amounts[2],
            pooled_cents=amounts[3],
            explanation=explanation,
            paid_on=today,
        )
        province = region.province_code
        entries = [("bank:collection", amounts[0]), (f"fund:individual-account:{person.pk}", -amounts[2])]
        if amounts[1]:
            entries.append((f"receivable:government:{province}", amounts[1]))
        if amounts[3]:
            entries.append((f"fund:{scheme}:{province}", -amounts[3]))
        ledger_post(
            entries=entries,
            description=f"{scheme} own contribution of person {person.pk}",
            source=f"own-contribution:{record.pk}",
            idempotency_key=f"own-contribution:{record.pk}",
            booked_on=today,
        )
        audit_record(actor=actor, action="contribution.own.pay", instance=record)
    return record
