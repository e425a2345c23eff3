"""Withholding at source during an assessment run: for each withholding mandate in force, the worker's
own contribution for the month is added to the invoice of the platform that withholds it, recorded
and posted to the ledger. The mandates themselves are kept by ``contributions.own.mandates``."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa
from django.db.models import F, Q

from socsec.batch.orders import month_start
from socsec.contributions.models import AssessmentRun, Invoice, OwnContribution, WithholdingMandate
from socsec.contributions.own.amounts import own_amounts, own_contribution_post
from socsec.core.db import lock
from socsec.core.months import month_first_day, month_index
from socsec.ledger.accounts import platform_receivable
from socsec.registry.models import Person, Region


def withhold_at_source(
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
        if any(month_first_day(month_index(c.period_start) + c.months) > start for c in paid):
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
        own_contribution_post(record, amounts, province.code, platform_receivable(platform.code), today)
    return made
