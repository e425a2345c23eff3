"""Withholding at source during an assessment run: for each withholding mandate in force, the worker's
own contribution for the month is added to the invoice of the platform that withholds it, recorded
and posted to the ledger. The mandates themselves are kept by ``contributions.own.mandates``.

Set-based: the month's orders per mandate are summed by Arrow over the lines (joined to the mandates'
keys, never turned into Python rows); the mandates are then taken in batches, each read and written in a
fixed number of statements (coverage from the formulas over arrays, payments already made, relief
groups, the records, the invoices and the ledger in bulk)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pyarrow as pa
from django.db.models import Q, QuerySet, Sum

from socsec.batch.orders import month_start
from socsec.contributions.models import (
    AssessmentRun,
    ContributionRelief,
    Invoice,
    OwnContribution,
    WithholdingMandate,
)
from socsec.contributions.own.amounts import OwnAmounts, own_amounts, own_contribution_posting
from socsec.core.db import lock
from socsec.core.errors import ValidationFailed
from socsec.core.months import month_first_day, month_index
from socsec.ledger.accounts import platform_receivable
from socsec.ledger.services import post_many
from socsec.registry.models import Engagement, Person, Region
from socsec.rules.formulas import FLEXIBLE_SUBSIDY_GROUPS

MANDATES_PER_BATCH = 1000


def withhold_at_source(
    run: AssessmentRun, lines: pa.Table, invoices: list[Invoice], today: dt.date, due_on: dt.date
) -> list[Invoice]:
    """Workers' own contributions withheld by platforms for the month: for each mandate in force, when
    the worker took orders on the platform in the month and the month is not paid yet, the month's
    contribution (from the rules, less the subsidy of the worker's relief group) is added to the
    platform's invoice for the worker's province. Returns the invoices made for it alone."""
    start = month_start(run.month)
    in_force = WithholdingMandate.objects.filter(valid_from__lte=start).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    orders = _orders_per_mandate(lines, in_force)
    if not orders:
        return []  # no mandate in force, or none of their workers took orders on the platform
    by_key = {(i.platform_id, i.province_id): i for i in invoices}
    made: list[Invoice] = []
    provinces: dict[str, Region] = {}
    done: set[tuple[int, str]] = set()  # (person, scheme) withheld in this run
    mandates = in_force.select_related("person__residence_region", "platform").order_by("person", "valid_from", "id")
    for batch in _batches(mandates):
        with_orders = [m for m in batch if orders.get((m.platform.code, m.person_id), 0) > 0]
        if not with_orders:
            continue  # no orders on it this month: the worker pays themself
        voluntary = _voluntary(with_orders, start)
        due = [m for m in with_orders if (m.person_id, m.scheme) in voluntary]  # else the scheme is not theirs
        if not due:
            continue
        persons = sorted({m.person_id for m in due})
        list(lock(Person.objects).filter(pk__in=persons).order_by("pk").values_list("pk", flat=True))
        paid = _paid_already(persons, start) | done
        due = [m for m in due if (m.person_id, m.scheme) not in paid]  # by the worker, or withheld before
        if not due:
            continue
        relief = _relief(persons, start)
        _provinces(due, provinces)
        records: list[tuple[OwnContribution, OwnAmounts, str, str]] = []
        deltas: dict[int, tuple[Invoice, int]] = {}
        for mandate in due:
            person, platform = mandate.person, mandate.platform
            count = orders[(platform.code, person.pk)]
            region = person.residence_region
            known = relief.get((person.pk, mandate.scheme), ("", 0))
            base = mandate.declared_base_cents
            amounts = own_amounts(person, mandate.scheme, region.code, start, start, 1, base, "", known_relief=known)
            province = provinces[region.province_code]
            invoice = by_key.get((platform.pk, province.pk))
            if invoice is None:
                invoice = Invoice(
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
            per_order = (Decimal(amounts.paid) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            amounts.explanation["withholding"] = {
                "platform": platform.code,
                "orders": count,
                "per_order_cents": str(per_order),
                "text": f"{amounts.paid} cents withheld from the earnings of {count} orders "
                f"({per_order} cents per order)",
            }
            record = OwnContribution(
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
            records.append((record, amounts, province.code, platform.code))
            deltas[id(invoice)] = (invoice, deltas.get(id(invoice), (invoice, 0))[1] + amounts.paid)
            done.add((person.pk, mandate.scheme))
        new = [i for i in made if i.pk is None]
        if new:
            Invoice.objects.bulk_create(new)
        OwnContribution.objects.bulk_create([record for record, *_ in records])
        _add_to_invoices(list(deltas.values()))
        post_many(
            [
                own_contribution_posting(record, amounts, province_code, platform_receivable(code), today)
                for record, amounts, province_code, code in records
            ]
        )
    return made


def _orders_per_mandate(lines: pa.Table, in_force: QuerySet[WithholdingMandate]) -> dict[tuple[str, int], int]:
    """The month's orders per (platform, worker) of the mandates in force, summed by Arrow over the lines
    joined to the mandates' keys: only the pairs that have a mandate and orders come out."""
    keys = list(in_force.values_list("platform__code", "person_id").distinct())
    if not keys or lines.num_rows == 0:
        return {}
    wanted = pa.table(
        {
            "platform": pa.array([k[0] for k in keys], type=lines.schema.field("platform").type),
            "person_id": pa.array([k[1] for k in keys], type=lines.schema.field("person_id").type),
        }
    )
    joined = lines.select(["platform", "person_id", "order_count"]).join(
        wanted, keys=["platform", "person_id"], join_type="inner"
    )
    summed = joined.group_by(["platform", "person_id"]).aggregate([("order_count", "sum")])
    return {
        (platform, person): int(total)
        for platform, person, total in zip(
            summed.column("platform").to_pylist(),
            summed.column("person_id").to_pylist(),
            summed.column("order_count_sum").to_pylist(),
            strict=True,
        )
    }


def _batches(mandates: QuerySet[WithholdingMandate]) -> Iterator[list[WithholdingMandate]]:
    batch: list[WithholdingMandate] = []
    for mandate in mandates.iterator(chunk_size=MANDATES_PER_BATCH):
        batch.append(mandate)
        if len(batch) == MANDATES_PER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _voluntary(mandates: Sequence[WithholdingMandate], on: dt.date) -> set[tuple[int, str]]:
    """The (person, scheme) pairs of these mandates whose scheme is voluntary for the person on the day,
    by the coverage formulas over arrays of the persons (as ``coverage.selectors.coverage_for`` decides
    for one): age and sex, a labour relation or other work on the day, the city of the first labour
    relation (else of residence)."""
    from socsec.coverage.selectors import PERSON_SCHEMES
    from socsec.rules.coverage import REASONS, Status
    from socsec.rules.coverage import Scheme as RuleScheme
    from socsec.rules.engine import RuleViolation, compute, get_formula

    persons = list({m.person_id: m.person for m in mandates}.values())
    position = {p.pk: i for i, p in enumerate(persons)}
    n = len(persons)
    labour, other = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    city = np.array([p.residence_region.code for p in persons], dtype="U6")
    city_set = np.zeros(n, dtype=bool)
    working = (
        Engagement.objects.filter(person_id__in=list(position), start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("person_id", "start_date", "id")
        .values_list("person_id", "category", "work_region__code")
    )
    for person_id, category, region_code in working:
        i = position[person_id]
        if category == "LABOUR_RELATION":
            labour[i] = True
            if not city_set[i]:
                city[i], city_set[i] = region_code, True
        else:
            other[i] = True
    arrays: dict[str, Any] = {
        "birth_date": np.array([p.birth_date for p in persons], dtype="datetime64[D]"),
        "sex": np.array([p.sex for p in persons], dtype="U1"),
        "retirement_group": np.array([p.retirement_group for p in persons], dtype="U8"),
        "labour_relation": labour,
        "other_work": other,
        "city": city,
    }
    dates = np.full(n, np.datetime64(on, "D"))
    out: set[tuple[int, str]] = set()
    for scheme in sorted({m.scheme for m in mandates}):
        name = PERSON_SCHEMES.get(RuleScheme(scheme))
        if name is None:
            continue
        try:
            codes = compute(name, on=dates, **{k: arrays[k] for k in get_formula(name).inputs})
        except RuleViolation as exc:
            raise ValidationFailed(
                "%(date_field)s: coverage cannot be decided on %(on)s: a rule it needs was not in force yet.",
                field="on",
                details={"rule": str(exc)},
                params={"date_field": "on", "on": on.isoformat()},
            ) from exc
        out.update(
            (p.pk, scheme)
            for p, code in zip(persons, codes.tolist(), strict=True)
            if REASONS[int(code)].status == Status.VOLUNTARY
        )
    return out


def _paid_already(persons: Sequence[int], start: dt.date) -> set[tuple[int, str]]:
    """The (person, scheme) pairs with a contribution on record for a period covering the month."""
    rows = OwnContribution.objects.filter(person_id__in=persons, period_start__lte=start).values_list(
        "person_id", "scheme", "period_start", "months"
    )
    return {
        (person_id, scheme)
        for person_id, scheme, period_start, months in rows
        if month_first_day(month_index(period_start) + months) > start
    }


def _relief(persons: Sequence[int], day: dt.date) -> dict[tuple[int, str], tuple[str, int]]:
    """Per (person, scheme): the person's subsidy group on the day and the months of it already had on
    the scheme (as ``own.relief.relief_group_on`` and ``subsidised_months_of`` read them for one)."""
    groups: dict[int, str] = {}
    reliefs = (
        ContributionRelief.objects.filter(person_id__in=persons, group__in=FLEXIBLE_SUBSIDY_GROUPS, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .values_list("person_id", "group")
    )
    for person_id, group in reliefs:  # in the model's order: the first one counts
        groups.setdefault(person_id, group)
    if not groups:
        return {}
    used = (
        OwnContribution.objects.filter(person_id__in=list(groups))
        .exclude(relief_group="")
        .values("person_id", "scheme", "relief_group")
        .annotate(total=Sum("subsidised_months"))
        .values_list("person_id", "scheme", "relief_group", "total")
    )
    months = {(p, s, g): int(t or 0) for p, s, g, t in used}
    return {
        (p, scheme): (group, months.get((p, scheme, group), 0))
        for p, group in groups.items()
        for scheme in OwnContribution.Scheme.values
    }


def _provinces(mandates: Sequence[WithholdingMandate], known: dict[str, Region]) -> None:
    wanted = {m.person.residence_region.province_code for m in mandates} - set(known)
    if wanted:
        known.update({r.code: r for r in Region.objects.filter(code__in=wanted)})


def _add_to_invoices(deltas: Sequence[tuple[Invoice, int]]) -> None:
    """Add the withheld cents to their invoices: read as they stand, then written in one statement; the
    invoices in hand are brought up to date."""
    current = {
        pk: (amount, withheld)
        for pk, amount, withheld in Invoice.objects.filter(pk__in=[i.pk for i, _ in deltas]).values_list(
            "pk", "amount_cents", "withheld_cents"
        )
    }
    for invoice, cents in deltas:
        amount, withheld = current[invoice.pk]
        invoice.amount_cents, invoice.withheld_cents = amount + cents, withheld + cents
    Invoice.objects.bulk_update([i for i, _ in deltas], ["amount_cents", "withheld_cents"])
