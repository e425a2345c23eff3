"""The screening tables read from where the data lives: claims, engagements, payments and deaths from the
database (one set-based query each, SQLite or PostgreSQL), orders from the order store's Parquet files
read by DuckDB where they lie (the database never holds raw orders). Given persons, each table holds only
theirs (the screening of an event)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from socsec.benefits.models import BenefitPayment, Claim, DeathNotice
from socsec.contributions.models import OrderBatch
from socsec.registry.models import Engagement

from .engine import TABLES, table_schema

CHUNK = 50_000


def _arrow(name: str, rows: Iterable[tuple[Any, ...]]) -> pa.Table:
    """Rows in the table's column order, converted to Arrow a chunk at a time."""
    schema = table_schema(name)
    batches: list[pa.RecordBatch] = []
    chunk: list[tuple[Any, ...]] = []

    def flush() -> None:
        columns: list[Any] = list(zip(*chunk, strict=True)) if chunk else [[] for _ in schema]
        batches.append(
            pa.record_batch(
                [pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
            )
        )
        chunk.clear()

    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    if chunk or not batches:
        flush()
    return pa.Table.from_batches(batches, schema=schema)


def _month_day(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def database_tables(persons: Collection[int] | None = None) -> dict[str, pa.Table]:
    """Claims, engagements, payments and deaths (everyone's, or only ``persons``')."""
    only = Q() if persons is None else Q(person_id__in=list(persons))
    claims = (
        Claim.objects.filter(only)
        .annotate(org=Coalesce(F("engagement__organisation_id"), F("reporter_organisation_id")))
        .order_by("id")
        .values_list(
            "id", "person_id", "kind", "status", "event_date", "submitted_on", "org", "engagement__work_region__code"
        )
    )
    engagements = (
        Engagement.objects.filter(only)
        .order_by("id")
        .values_list("id", "person_id", "organisation_id", "sector", "work_region__code", "start_date", "end_date")
    )
    paid = Q() if persons is None else Q(award__claim__person_id__in=list(persons))
    payments = (
        BenefitPayment.objects.filter(paid, kind=BenefitPayment.Kind.PAYMENT)
        .order_by("id")
        .values_list(
            "id",
            "award__claim__person_id",
            "award_id",
            "award__claim_id",
            "award__claim__kind",
            "month",
            "amount_cents",
        )
    )
    deaths = DeathNotice.objects.filter(only).order_by("person_id").values_list("person_id", "died_on", "source")
    return {
        "claims": _arrow("claims", claims.iterator(chunk_size=CHUNK)),
        "engagements": _arrow("engagements", engagements.iterator(chunk_size=CHUNK)),
        "payments": _arrow("payments", ((*r[:5], _month_day(r[5]), r[6]) for r in payments.iterator(chunk_size=CHUNK))),
        "deaths": _arrow("deaths", deaths.iterator(chunk_size=CHUNK)),
    }


def _files_sql(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def orders_sql(persons: Collection[int] | None = None) -> str:
    """A DuckDB ``SELECT`` over the accepted batches' order files with their corrections applied (a VOID
    drops the order, an AMEND moves it), one row per order with its platform; empty when none is stored."""
    data_dir = settings.DATA_DIR
    by_kind: dict[str, dict[int, list[str]]] = {"orders": {}, "corrections": {}}
    batches = OrderBatch.objects.filter(status=OrderBatch.Status.ACCEPTED).order_by("id")
    for platform_id, files in batches.values_list("platform_id", "files"):
        for f in files:
            kind = f.get("kind", "orders")
            if kind in by_kind:
                by_kind[kind].setdefault(platform_id, []).append(str(data_dir / f["path"]))
    columns = ", ".join(f"CAST(NULL AS {kind}) AS {col}" for col, kind in TABLES["orders"])
    if not by_kind["orders"]:
        return f"SELECT {columns} WHERE false"
    raw = " UNION ALL ".join(
        f"SELECT order_id, person_id, CAST({pid} AS BIGINT) AS organisation_id, region, sector, order_date "
        f"FROM read_parquet({_files_sql(paths)})"
        for pid, paths in sorted(by_kind["orders"].items())
    )
    fixes = " UNION ALL ".join(
        f"SELECT order_id, CAST({pid} AS BIGINT) AS organisation_id, action, new_person_id, new_region, new_sector, "
        f"filename FROM read_parquet({_files_sql(paths)}, filename = true)"
        for pid, paths in sorted(by_kind["corrections"].items())
    )
    # the corrections files in the order their batches were accepted: an order amended twice takes its latest
    order_of = ", ".join(
        "('" + path.replace("'", "''") + f"', {seq})"
        for seq, path in enumerate(p for _pid, paths in sorted(by_kind["corrections"].items()) for p in paths)
    )
    who = "" if persons is None else f" WHERE person_id IN ({', '.join(str(int(p)) for p in persons) or 'NULL'})"
    if not fixes:
        return f"SELECT * FROM ({raw}){who}"
    return (
        f"SELECT * FROM (WITH raw AS ({raw}), fixes AS ("
        "SELECT order_id, organisation_id, bool_or(action = 'VOID') AS voided, "
        "arg_max(new_person_id, seq) FILTER (WHERE new_person_id IS NOT NULL) AS person_id, "
        "arg_max(new_region, seq) FILTER (WHERE new_region IS NOT NULL) AS region, "
        "arg_max(new_sector, seq) FILTER (WHERE new_sector IS NOT NULL) AS sector "
        f"FROM ({fixes}) JOIN (VALUES {order_of}) AS o(filename, seq) USING (filename) "
        "GROUP BY order_id, organisation_id) "
        f"SELECT r.order_id, coalesce(f.person_id, r.person_id) AS person_id, r.organisation_id, "
        f"coalesce(f.region, r.region) AS region, coalesce(f.sector, r.sector) AS sector, r.order_date "
        f"FROM raw r LEFT JOIN fixes f USING (order_id, organisation_id) WHERE f.voided IS NOT TRUE){who}"
    )


def screening_tables(persons: Collection[int] | None = None) -> dict[str, pa.Table | str]:
    tables: dict[str, pa.Table | str] = dict(database_tables(persons))
    tables["orders"] = orders_sql(persons)
    return tables
