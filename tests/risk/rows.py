"""Rows written straight to the tables the screening reads (claims, awards, payments, deaths, order files):
the screening's inputs, without the services' checks that would stand between a test and a planted case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from socsec.batch.orders import CORRECTION_SCHEMA, ORDER_SCHEMA
from socsec.benefits.models import Award, BenefitPayment, Claim, DeathNotice, PaymentRun
from socsec.contributions.models import OrderBatch
from socsec.registry.models import Engagement, Organisation, Person


def claim(person: Person, kind: str, day: dt.date, engagement: Engagement | None = None, **extra: Any) -> Claim:
    return Claim.objects.create(
        person=person,
        kind=kind,
        event_date=day,
        engagement=engagement,
        reported_by=Claim.Reporter.WORKER,
        submitted_on=day,
        decision_due=day + dt.timedelta(days=60),
        **extra,
    )


def paid(claim_: Claim, months: list[str], cents: int) -> Award:
    award = Award.objects.create(
        claim=claim_,
        item="test",
        label="test",
        payer=Award.Payer.FUND,
        periodic=True,
        amount_cents=cents,
        start_month=months[0],
        explanation={},
    )
    for month in months:
        run, _ = PaymentRun.objects.get_or_create(month=month)
        BenefitPayment.objects.create(run=run, award=award, month=month, amount_cents=cents)
    return award


def died(person: Person, day: dt.date, source: str = "civil register") -> DeathNotice:
    return DeathNotice.objects.create(person=person, died_on=day, source=source, received_on=day)


def orders(platform: Organisation, rows: list[tuple[str, int, str, str, dt.date]], key: str = "b1") -> OrderBatch:
    """One accepted batch: (order_id, person_id, region, sector, day) rows in one Parquet file."""
    data_dir = Path(settings.DATA_DIR)
    rel = f"orders/month=2026-03/platform=P{platform.pk}/{key}.parquet"
    (data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
    columns = list(zip(*rows, strict=True))
    table = pa.table(
        {
            "order_id": list(columns[0]),
            "person_id": list(columns[1]),
            "region": list(columns[2]),
            "sector": list(columns[3]),
            "order_date": list(columns[4]),
            "fare_cents": [None] * len(rows),
        },
        schema=ORDER_SCHEMA,
    )
    pq.write_table(table, data_dir / rel)
    return OrderBatch.objects.create(
        platform=platform,
        idempotency_key=key,
        content_sha256="0" * 64,
        source="test",
        status=OrderBatch.Status.ACCEPTED,
        files=[{"kind": "orders", "month": "2026-03", "path": rel, "rows": len(rows), "sha256": "0" * 64}],
    )


def amend(platform: Organisation, order_id: str, person_id: int, region: str | None, key: str) -> OrderBatch:
    """One accepted batch holding one AMEND of an order: to ``person_id`` and (when given) ``region``."""
    data_dir = Path(settings.DATA_DIR)
    rel = f"orders/month=2026-03/platform=P{platform.pk}/{key}.corrections.parquet"
    (data_dir / rel).parent.mkdir(parents=True, exist_ok=True)
    row: dict[str, Any] = {f.name: [None] for f in CORRECTION_SCHEMA}
    row |= {"order_id": [order_id], "action": ["AMEND"], "new_person_id": [person_id], "new_region": [region]}
    pq.write_table(pa.table(row, schema=CORRECTION_SCHEMA), data_dir / rel)
    return OrderBatch.objects.create(
        platform=platform,
        idempotency_key=key,
        content_sha256="0" * 64,
        source="test",
        status=OrderBatch.Status.ACCEPTED,
        files=[{"kind": "corrections", "month": "2026-03", "path": rel, "rows": 1, "sha256": "0" * 64}],
    )
