"""Invoices the collection tests share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from socsec.contributions.models import AssessmentRun, Invoice


def two_invoices(world: Any) -> list[Invoice]:
    """Two invoices of ridego: 10.00 yuan due 2026-03-15, 5.00 yuan due 2026-04-15."""
    out = []
    for month, cents, due in [("2026-02", 1000, dt.date(2026, 3, 15)), ("2026-03", 500, dt.date(2026, 4, 15))]:
        run = AssessmentRun.objects.create(
            month=month, sequence=1, kind="ORIGINAL", lines_path="x", order_count=1, amount_cents=cents
        )
        out.append(
            Invoice.objects.create(
                run=run,
                platform=world.platform,
                province=world.platform.registered_region.parent,
                month=month,
                order_count=cents,
                amount_cents=cents,
                issued_on=due - dt.timedelta(days=15),
                due_on=due,
            )
        )
    return out
