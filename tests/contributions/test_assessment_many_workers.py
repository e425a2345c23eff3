"""A month with 300,000 distinct workers on the embedded database: the assessment run binds no variable
per worker (SQLite refuses more than 250,000 in one statement) and invoices exactly."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from django.db import connection
from django.utils import timezone

from socsec.batch.orders import ORDER_SCHEMA
from socsec.batch.store import write_atomic
from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.models import AssessmentRun, Invoice, OrderBatch
from socsec.registry.models import Engagement, Person
from tests.world import SYSTEM

MONTH = "2026-05"
WORKERS = 300_000


def insert(model, rows: list[tuple], columns: list[str]) -> None:
    """Rows straight into a model's table, many per statement: the ORM's per-object work (encryption,
    defaults) would take minutes for this many."""
    sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start : start + 50_000])


def registry(world) -> np.ndarray:
    """WORKERS persons, each engaged with RideGo; every tenth also has a labour relation elsewhere. The
    encrypted columns hold one ciphertext for everyone (the assessment never reads them); the blind
    index, unique, differs."""
    shenzhen = world.rider_eng_platform.work_region
    ids = np.arange(WORKERS, dtype=np.int64) * 7 + 10**12
    secret = Person._meta.get_field("name").get_prep_value("w")
    now = timezone.now()
    born = dt.date(1990, 1, 1)
    insert(
        Person,
        [(pk, secret, f"bulk-{pk}", secret, "bulk", born, "M", "MEN_60", shenzhen.pk, now) for pk in ids.tolist()],
        [
            "id",
            "resident_id",
            "resident_id_index",
            "name",
            "name_index",
            "birth_date",
            "sex",
            "retirement_group",
            "residence_region_id",
            "created_at",
        ],
    )
    columns = [
        "person_id",
        "organisation_id",
        "category",
        "sector",
        "work_region_id",
        "start_date",
        "external_ref",
        "declared_region",
        "created_at",
    ]
    on_platform = dt.date(2025, 1, 1)
    insert(
        Engagement,
        [
            (pk, world.platform.pk, "MANAGED_NON_LABOUR", "RIDE_HAILING", shenzhen.pk, on_platform, "", "", now)
            for pk in ids.tolist()
        ],
        columns,
    )
    employed = dt.date(2020, 1, 1)
    insert(
        Engagement,
        [
            (pk, world.employer.pk, "LABOUR_RELATION", "MANUFACTURING", shenzhen.pk, employed, "", "", now)
            for pk in ids[::10].tolist()
        ],
        columns,
    )
    return ids


def accepted_batch(world, data_dir, ids: np.ndarray) -> int:
    """One accepted batch of RideGo: worker k took 1 + k % 3 orders in Shenzhen. Returns the order count."""
    person = np.repeat(ids, 1 + np.arange(ids.size) % 3)
    n = person.size
    table = pa.table(
        {
            "order_id": pa.array([f"o{k}" for k in range(n)]),
            "person_id": pa.array(person),
            "region": pa.array(np.full(n, "440300")),
            "sector": pa.array(np.full(n, "RIDE_HAILING")),
            "order_date": pa.array(np.full(n, np.datetime64(f"{MONTH}-15")), pa.date32()),
            "fare_cents": pa.nulls(n, pa.int64()),
        },
        schema=ORDER_SCHEMA,
    )
    path = f"orders/month={MONTH}/platform=ridego/batch-000000001-bulk.parquet"
    sha256 = write_atomic(table, data_dir / path)
    OrderBatch.objects.create(
        platform=world.platform,
        idempotency_key="bulk",
        content_sha256=sha256,
        source="test",
        status=OrderBatch.Status.ACCEPTED,
        rows_total=n,
        rows_valid=n,
        orders_new=n,
        months=[MONTH],
        files=[{"kind": "orders", "month": MONTH, "path": path, "rows": n, "sha256": sha256}],
    )
    return n


def test_a_month_of_300000_workers_is_invoiced_exactly(world, data_dir):
    ids = registry(world)
    orders = accepted_batch(world, data_dir, ids)
    result = assessment_run(actor=SYSTEM, month=MONTH, today=dt.date(2026, 6, 3))
    covered = int(sum(1 + k % 3 for k in range(WORKERS) if k % 10))  # every tenth has a labour relation
    assert result.assessment.lines.num_rows == WORKERS
    assert (result.assessment.lines["coverage_reason"].to_numpy() == 51).sum() == WORKERS // 10
    assert [(i.platform.code, i.province.code, i.order_count, i.amount_cents) for i in Invoice.objects.all()] == [
        ("ridego", "440000", covered, covered)  # one cent per ride-hailing order
    ]
    run = AssessmentRun.objects.get()
    assert (run.order_count, run.amount_cents) == (covered, covered)
    assert orders == 2 * WORKERS  # 1 + k % 3 orders each
