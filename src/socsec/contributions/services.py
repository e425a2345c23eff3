"""Contribution writes not yet moved to their sub-package: assessment runs, payments, own
contributions, relief, withholding mandates and interest crediting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pyarrow as pa
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, audit_record_many
from socsec.batch.assess import (
    LINES_FILE_OPTIONS,
    Assessment,
    assess_increment,
    assess_month,
    month_start,
)
from socsec.batch.store import (
    write_atomic,
)
from socsec.core.db import lock
from socsec.core.errors import Conflict, ValidationFailed
from socsec.coverage.models import SchemeActivation
from socsec.ledger.services import post as ledger_post
from socsec.registry.models import Organisation, Person, Region
from socsec.rules.coverage import Scheme
from socsec.rules.engine import RuleViolation, calc
from socsec.rules.parameters import ResolvedValue, load_parameters

from .models import (
    AssessedMonth,
    AssessmentRun,
    InterestCredit,
    Invoice,
    OrderBatch,
    OwnContribution,
    PerOrderAdjustment,
    WithholdingMandate,
)
from .orders.selectors import accepted_files
from .own.amounts import own_amounts, own_contribution_post
from .selectors import adjustments_for_month, oip_line_coverage


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
        for platform_id, province_id, count, cents, withheld in Invoice.objects.filter(month=month).values_list(
            "platform_id", "province_id", "order_count", "amount_cents", "withheld_cents"
        ):
            before = invoiced.get((platform_id, province_id), (0, 0))
            invoiced[(platform_id, province_id)] = (before[0] + count, before[1] + cents - withheld)  # OIP part
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
        write_atomic(assessment.lines, folder / "lines.parquet", **LINES_FILE_OPTIONS)
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
        invoices += _withhold_at_source(run, assessment.lines, invoices, today, today + dt.timedelta(days=days))
        audit_record(actor=actor, action="oip.assessment.run", instance=run)
    return RunResult(run, invoices, assessment)


def _withhold_at_source(
    run: AssessmentRun, lines: pa.Table, invoices: list[Invoice], today: dt.date, due_on: dt.date
) -> list[Invoice]:
    """Workers' own contributions withheld by platforms for the month: for each mandate in force, when
    the worker took orders on the platform in the month and the month is not paid yet, the month's
    contribution (from the rules, less the subsidy of the worker's relief group) is added to the
    platform's invoice for the worker's province. Returns the invoices made for it alone."""
    from socsec.coverage.selectors import coverage_for
    from socsec.rules.coverage import Scheme as RuleScheme
    from socsec.rules.coverage import Status

    start = month_start(run.month)
    mandates = list(
        WithholdingMandate.objects.filter(valid_from__lte=start)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .select_related("person__residence_region", "platform")
    )
    if not mandates:
        return []
    counts: dict[tuple[str, int], int] = {}
    for row in lines.select(["platform", "person_id", "order_count"]).to_pylist():
        key = (row["platform"], row["person_id"])
        counts[key] = counts.get(key, 0) + row["order_count"]
    by_key = {(i.platform_id, i.province_id): i for i in invoices}
    made = []
    for mandate in mandates:
        person, platform = mandate.person, mandate.platform
        orders = counts.get((platform.code, person.pk), 0)
        if orders <= 0 or coverage_for(person, start).scheme(RuleScheme(mandate.scheme)).status != Status.VOLUNTARY:
            continue  # no orders on it this month (the worker pays themself), or the scheme is not theirs
        lock(Person.objects).filter(pk=person.pk).first()
        paid = OwnContribution.objects.filter(person=person, scheme=mandate.scheme, period_start__lte=start)
        if any(_add_months(c.period_start, c.months) > start for c in paid):
            continue  # paid already (by the worker, for this month or a period covering it, or withheld before)
        region = person.residence_region
        amounts = own_amounts(person, mandate.scheme, region.code, start, start, 1, mandate.declared_base_cents, "")
        province = Region.objects.get(code=region.province_code)
        invoice = by_key.get((platform.pk, province.pk))
        if invoice is None:
            invoice = Invoice.objects.create(
                run=run,
                platform=platform,
                province=province,
                month=run.month,
                order_count=0,
                amount_cents=0,
                issued_on=today,
                due_on=due_on,
            )
            by_key[(platform.pk, province.pk)] = invoice
            made.append(invoice)
        per_order = (Decimal(amounts.paid) / orders).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        amounts.explanation["withholding"] = {
            "platform": platform.code,
            "orders": orders,
            "per_order_cents": str(per_order),
            "text": f"{amounts.paid} cents withheld from the earnings of {orders} orders ({per_order} cents per order)",
        }
        record = OwnContribution.objects.create(
            person=person,
            scheme=mandate.scheme,
            region=region,
            period_start=start,
            months=1,
            declared_base_cents=mandate.declared_base_cents,
            **amounts.record_fields(),
            paid_on=today,
            withheld_by=platform,
            invoice=invoice,
        )
        Invoice.objects.filter(pk=invoice.pk).update(
            amount_cents=F("amount_cents") + amounts.paid, withheld_cents=F("withheld_cents") + amounts.paid
        )
        invoice.refresh_from_db()
        own_contribution_post(record, amounts, province.code, f"receivable:platform:{platform.code}", today)
    return made


# --- interest credited to individual accounts ---------------------------------------------------------

INTEREST_RULE = "individual_account_interest"
INTEREST_RATE = "employee_pension.individual_account_interest_rate"
INDIVIDUAL_ACCOUNT = "fund:individual-account:"


@dataclass(frozen=True)
class InterestRun:
    year: int
    credited: list[InterestCredit]
    already_credited: int

    @property
    def amount_cents(self) -> int:
        return sum(c.amount_cents for c in self.credited)


def interest_credit(*, actor: Actor, year: int, today: dt.date | None = None) -> InterestRun:
    """Credit a year's interest to every employee-pension individual account that had a balance on 1
    January or contributions during the year, at the year's published rate (rule
    ``individual_account_interest``: the opening balance x rate + each contribution x rate x months left
    / 12, to the cent, once per person).

    What counts is the account's employee-pension money in the ledger (``fund:individual-account:<person>``):
    the individual-account part of the person's own employee-pension contributions, by the day they were
    booked, and the interest credited for earlier years. The residents' pension money in the same account
    earns its province's own rate and is not credited here.

    One transaction for the whole run: all persons are credited or none (a run killed or refused halfway
    leaves nothing). Each person's posting also has its own idempotency key (``interest:<year>:<person>``)
    and an ``InterestCredit`` row unique per person and year, so a re-run credits only those not credited
    yet and never anyone twice (of two runs at once, the second is refused whole, 409, and can be re-run).
    Each posting moves the interest from the province's pension-fund interest account
    (``fund:EMPLOYEE_PENSION:<province>:interest``; the province of the person's latest employee-pension
    contribution) to the individual account, booked on 31 December of the year, so that it is part of the
    next year's opening balance. Years are credited in order: once a later year is credited, an earlier
    one is refused."""
    today = today or timezone.localdate()
    if not isinstance(year, int) or not 1900 <= year <= 9999:
        raise ValidationFailed(f"year: {year!r} is not a year.", field="year")
    if dt.date(year + 1, 1, 1) > today:
        raise ValidationFailed(f"year: {year} is not over yet; its interest is credited after it ends.", field="year")
    year_end = dt.date(year, 12, 31)
    if InterestCredit.objects.filter(year__gt=year).exists():
        raise Conflict(
            f"interest of a later year is credited already; {year} would change its opening balances",
            field="year",
            code="later_year_credited",
        )
    try:
        rate = load_parameters().leaf(INTEREST_RATE).resolve(year_end)
    except LookupError:
        rate = None
    if rate is None or rate.value is None:
        raise ValidationFailed(
            f"year: no credited interest rate for {year} in the rules ({INTEREST_RATE}); it is published the "
            "year after",
            field="year",
        )

    try:
        return _interest_credit_run(actor, year, year_end, rate)
    except IntegrityError:  # another run of the year credited someone meanwhile; this one wrote nothing
        raise Conflict(
            f"another run is crediting {year} right now; run it again to credit whoever it left",
            field="year",
            code="interest_run_in_progress",
        ) from None


def _interest_credit_run(actor: Actor, year: int, year_end: dt.date, rate: ResolvedValue) -> InterestRun:
    from socsec.rules.engine import ROUNDING, Explanation, compute, get_formula

    f = get_formula(INTEREST_RULE)
    with transaction.atomic():
        done = set(InterestCredit.objects.filter(year=year).values_list("person_id", flat=True))
        accounts = _employee_pension_accounts(year)
        persons = sorted(p for p in accounts if p not in done)
        credited: list[InterestCredit] = []
        if persons:
            opening = np.array([accounts[p][0] for p in persons], dtype=np.int64)
            weighted = np.array(
                [sum(cents * (13 - day.month) for day, cents in accounts[p][1]) for p in persons], dtype=np.int64
            )
            try:
                amounts = compute(INTEREST_RULE, year_end, opening_balance=opening, contribution_months=weighted)
            except RuleViolation as exc:
                raise ValidationFailed(f"year: {exc}", field="year") from None
            provinces = _pension_provinces(persons, year_end)
            for person_id, start, months, cents in zip(persons, opening, weighted, amounts, strict=True):
                if int(cents) == 0:
                    continue
                province = provinces[person_id]
                explanation = Explanation(
                    formula=f.name,
                    label=f.label,
                    reference=f.reference,
                    unit=f.unit,
                    value=int(cents),
                    inputs={
                        "on": year_end.isoformat(),
                        "opening_balance": int(start),
                        "contribution_months": int(months),
                    },
                    parameters=[rate],
                    rounding=ROUNDING[f.rounding][0] if f.rounding else None,
                ).as_dict()
                explanation["contributions"] = [
                    {"booked_on": day.isoformat(), "amount_cents": amount, "months_left": 13 - day.month}
                    for day, amount in accounts[person_id][1]
                ]
                key = f"interest:{year}:{person_id}"
                posted = ledger_post(
                    entries=[
                        (f"fund:EMPLOYEE_PENSION:{province}:interest", int(cents)),
                        (f"{INDIVIDUAL_ACCOUNT}{person_id}", -int(cents)),
                    ],
                    description=f"interest {year} at {rate.value:.2%} on the individual account of person {person_id}",
                    source=key,
                    idempotency_key=key,
                    booked_on=year_end,
                )
                credited.append(
                    InterestCredit.objects.create(
                        person_id=person_id,
                        year=year,
                        province=province,
                        opening_balance_cents=int(start),
                        contribution_month_cents=int(months),
                        amount_cents=int(cents),
                        explanation=explanation,
                        transaction=posted,
                    )
                )
        audit_record_many(actor=actor, action="pension.interest.credit", instances=credited)
    return InterestRun(year, credited, len(done))


def _employee_pension_accounts(year: int) -> dict[int, tuple[int, list[tuple[dt.date, int]]]]:
    """Per person: the employee-pension money in the individual account on 1 January of the year (summed
    by the database), and the year's contributions to it (day booked, cents), for those with either.
    Employee-pension money: postings of employee-pension own contributions and interest credited for
    earlier years (booked on 31 December of their year); the interest of the year itself is left out."""
    from django.db.models import CharField, Sum, Value
    from django.db.models.functions import Cast, Concat

    from socsec.ledger.models import LedgerEntry

    first, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    own = (
        OwnContribution.objects.filter(scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, paid_on__lt=end)
        .annotate(source=Concat(Value("own-contribution:"), Cast("pk", CharField()), output_field=CharField()))
        .values("source")
    )
    entries = LedgerEntry.objects.filter(
        Q(transaction__source__in=own) | Q(transaction__source__startswith="interest:"),
        account__code__startswith=INDIVIDUAL_ACCOUNT,
    )
    accounts: dict[int, tuple[int, list[tuple[dt.date, int]]]] = {}
    for code, cents in (
        entries.filter(transaction__booked_on__lt=first)
        .values("account__code")
        .annotate(total=Sum("amount_cents"))
        .values_list("account__code", "total")
    ):
        accounts[int(code[len(INDIVIDUAL_ACCOUNT) :])] = (-int(cents), [])  # credits are negative entries
    for code, day, cents in (
        entries.filter(transaction__booked_on__gte=first, transaction__booked_on__lt=end)
        .exclude(transaction__source__startswith=f"interest:{year}:")
        .order_by("transaction__booked_on", "id")
        .values_list("account__code", "transaction__booked_on", "amount_cents")
    ):
        accounts.setdefault(int(code[len(INDIVIDUAL_ACCOUNT) :]), (0, []))[1].append((day, -int(cents)))
    return {p: v for p, v in accounts.items() if v[0] or v[1]}


def _pension_provinces(persons: list[int], year_end: dt.date) -> dict[int, str]:
    """The province of each person's latest employee-pension contribution up to the year's end (else of
    their residence): its pension fund pays the interest."""
    provinces = {
        p: code[:2] + "0000"
        for p, code in Person.objects.filter(pk__in=persons).values_list("pk", "residence_region__code")
    }
    latest = (
        OwnContribution.objects.filter(
            person_id__in=persons, scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, paid_on__lte=year_end
        )
        .order_by("paid_on", "id")
        .values_list("person_id", "region__code")
    )
    for person_id, code in latest:
        provinces[person_id] = code[:2] + "0000"  # later ones overwrite earlier ones
    return provinces
