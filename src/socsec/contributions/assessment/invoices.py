"""Invoices of a month's assessment: what is still to invoice per platform and province (the assessed
OIP amount less what earlier runs' invoices charged for it), and the invoices issued for it, each
posted to the ledger. Own contributions withheld at source are added to them by ``withholding``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from socsec.contributions.models import AssessmentRun, Invoice
from socsec.core.money import format_yuan
from socsec.ledger.accounts import fund, platform_receivable
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import post as ledger_post
from socsec.notifications import recipients
from socsec.notifications.services import notify_many

Key = tuple[int, int]  # (platform id, province id)


def invoice_differences(month: str, due: Mapping[Key, tuple[int, int]]) -> dict[Key, tuple[int, int]]:
    """What is still to invoice for a month per (platform, province), in key order: the assessed
    (orders, OIP cents) less what the month's invoices charged so far (own contributions withheld at
    source left out); only the keys where something differs."""
    invoiced: dict[Key, tuple[int, int]] = {}
    for platform_id, province_id, count, cents, withheld in Invoice.objects.filter(month=month).values_list(
        "platform_id", "province_id", "order_count", "amount_cents", "withheld_cents"
    ):
        before = invoiced.get((platform_id, province_id), (0, 0))
        invoiced[(platform_id, province_id)] = (before[0] + count, before[1] + cents - withheld)  # OIP part
    differences = {
        key: (
            due.get(key, (0, 0))[0] - invoiced.get(key, (0, 0))[0],
            due.get(key, (0, 0))[1] - invoiced.get(key, (0, 0))[1],
        )
        for key in sorted(set(due) | set(invoiced))
    }
    return {k: v for k, v in differences.items() if v != (0, 0)}


def invoices_issue(
    *,
    run: AssessmentRun,
    differences: Mapping[Key, tuple[int, int]],
    platform_codes: Mapping[int, str],
    province_codes: Mapping[int, str],
    today: dt.date,
    due_on: dt.date,
) -> list[Invoice]:
    """One invoice of the run per (platform, province) with a difference: an original or adjustment
    invoice, or a credit note when negative. Each one with an amount is posted to the ledger: the
    platform's receivable against the province's OIP fund."""
    invoices = []
    for (platform_id, province_id), (count, cents) in differences.items():
        invoice = Invoice.objects.create(
            run=run,
            platform_id=platform_id,
            province_id=province_id,
            month=run.month,
            order_count=count,
            amount_cents=cents,
            issued_on=today,
            due_on=due_on,
        )
        invoices.append(invoice)
        platform, province = platform_codes[platform_id], province_codes[province_id]
        if cents:
            key = source_key(SourceKind.INVOICE, invoice.pk)
            ledger_post(
                entries=[(platform_receivable(platform), cents), (fund("OIP", province), -cents)],
                description=f"OIP {run.month} {platform} {province} ({run.kind.lower()} run {run.sequence})",
                kind=LineKind.INVOICE,
                params={
                    "scheme": "OIP",
                    "month": run.month,
                    "platform": platform,
                    "region": province,
                    "run_kind": run.kind,
                    "sequence": run.sequence,
                },
                source=key,
                idempotency_key=key,
                booked_on=today,
            )
    rows = [
        (
            recipients.organisation(i.platform_id),
            {
                "invoice": i.pk,
                "month": i.month,
                "amount": format_yuan(i.amount_cents),
                "orders": i.order_count,
                "province": province_codes[i.province_id],
                "due": i.due_on.isoformat(),
            },
            str(i.pk),
        )
        for i in invoices
        if i.amount_cents > 0  # a credit note is taken off the oldest unpaid invoices: nothing to pay
    ]
    notify_many(event="invoice.issued", rows=rows)
    return invoices
