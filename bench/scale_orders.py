"""The order store of a scale database, for the risk screening step: the platform engagements' orders of
the three months before the benchmark's day, about ``per_engagement`` each (Poisson), written as the order
store lays them out (``orders/month=YYYY-MM/platform=CODE/*.parquet``, ``ORDER_SCHEMA``), and the accepted
batches that name them (returned, not written: the step creates them in its rolled-back transaction)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DAYS = 91  # the orders' span, ending the day before the screening day


def write_orders(data_dir: Path, *, until: dt.date, seed: int, per_engagement: float = 10.0) -> list[dict[str, Any]]:
    """The order files under ``data_dir``; one batch per platform: ``{"platform_id", "code", "rows", "files"}``."""
    from django.db import connection

    from socsec.batch.orders import ORDER_SCHEMA

    first = until - dt.timedelta(days=DAYS)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT e.person_id, e.organisation_id, o.code, e.sector, r.code FROM registry_engagement e"
            " JOIN registry_organisation o ON o.id = e.organisation_id"
            " JOIN registry_region r ON r.id = e.work_region_id"
            " WHERE o.kind = 'PLATFORM' AND e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)",
            [until, first],
        )
        person, org, code, sector, region = (np.asarray(c) for c in zip(*cur.fetchall(), strict=True))
    rng = np.random.default_rng(seed)
    counts = rng.poisson(per_engagement, person.size)
    at = np.repeat(np.arange(person.size), counts)
    days = (np.datetime64(first) + rng.integers(0, DAYS, at.size)).astype("datetime64[D]")
    table = pa.table(
        {
            "order_id": pc.cast(pa.array(np.arange(at.size, dtype=np.int64)), pa.string()),
            "person_id": pa.array(person[at].astype(np.int64)),
            "region": pa.array(region[at].astype(str)),
            "sector": pa.array(sector[at].astype(str)),
            "order_date": pa.array(days, pa.date32()),
            "fare_cents": pa.array(rng.integers(800, 6_000, at.size), pa.int64()),
        },
        schema=ORDER_SCHEMA,
    )
    months = np.datetime_as_string(days.astype("datetime64[M]"))
    platform_of = org[at]
    batches: list[dict[str, Any]] = []
    for platform_id in np.unique(org):
        this = platform_of == platform_id
        platform_code = str(code[org == platform_id][0])
        files = []
        for month in np.unique(months[this]):
            rows = table.filter(pa.array(this & (months == month)))
            relative = Path("orders") / f"month={month}" / f"platform={platform_code}" / "scale.parquet"
            path = data_dir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(rows, path)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            files.append(
                {"kind": "orders", "month": str(month), "path": str(relative), "rows": rows.num_rows, "sha256": digest}
            )
        batches.append(
            {"platform_id": int(platform_id), "code": platform_code, "rows": int(this.sum()), "files": files}
        )
    return batches


def accept_batches(batches: list[dict[str, Any]]) -> None:
    """The batches as the ingestion leaves them accepted (within the caller's transaction)."""
    from django.utils import timezone

    from socsec.contributions.models import OrderBatch

    OrderBatch.objects.bulk_create(
        OrderBatch(
            platform_id=b["platform_id"],
            idempotency_key=f"bench-scale-{b['code']}",
            content_sha256=hashlib.sha256(b["code"].encode()).hexdigest(),
            source="bench/scale.py",
            status=OrderBatch.Status.ACCEPTED,
            rows_total=b["rows"],
            rows_valid=b["rows"],
            orders_new=b["rows"],
            months=sorted({f["month"] for f in b["files"]}),
            files=b["files"],
            completed_at=timezone.now(),
        )
        for b in batches
    )
