"""Last month's orders of every demo platform, reported through the same ingestion as real reports."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from socsec.contributions.models import OrderBatch
from socsec.registry.models import Engagement, Organisation

from .pilot import ACTOR, PLATFORMS


def demo_orders(orgs: dict[str, Organisation], today: dt.date | None = None) -> None:
    """Last month's orders of every platform, reported as one CSV batch each, through the same
    ingestion as real reports. One row per platform is wrong on purpose, to show the error report.
    The content depends only on the register and the month, so a re-run replays the same batches."""
    from socsec.contributions.orders.ingest import orders_ingest

    today = today or dt.date.today()
    last_day = today.replace(day=1) - dt.timedelta(days=1)
    first_day = last_day.replace(day=1)
    month = f"{first_day:%Y-%m}"
    for code in PLATFORMS:
        done = OrderBatch.objects.filter(platform=orgs[code], idempotency_key=f"demo-{month}").exclude(
            status=OrderBatch.Status.WRITING
        )
        if done.exists():  # reported on an earlier run (the register may have changed since)
            continue
        rng = random.Random(f"demo-orders-{code}-{month}")
        engagements = (
            Engagement.objects.filter(organisation=orgs[code], start_date__lte=first_day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=last_day))
            .select_related("person", "work_region")
        )
        lines = ["order_id,resident_id,region,sector,order_date,fare_cents"]
        for e in engagements.order_by("id"):
            for n in range(rng.randint(5, 120)):
                day = first_day + dt.timedelta(days=rng.randrange(last_day.day))
                fare = rng.randint(800, 9000)
                lines.append(
                    f"{code}-{month}-{e.pk}-{n},{e.person.resident_id},{e.work_region.code},{e.sector},"
                    f"{day.isoformat()},{fare}"
                )
        first = engagements.first()
        if first is not None:
            lines.append(
                f"{code}-{month}-bad-1,{first.person.resident_id},000000,{first.sector},{first_day.isoformat()},100"
            )
        orders_ingest(
            actor=ACTOR,
            platform=orgs[code],
            content="\n".join(lines).encode(),
            fmt="csv",
            idempotency_key=f"demo-{month}",
            source=f"demo:{code}-{month}.csv",
            today=today,
        )
