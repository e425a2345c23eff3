"""The monthly OIP assessment over order files (pure: no Django).

Orders live as Parquet files partitioned by month and platform, one file per ingested batch::

    <data>/orders/month=YYYY-MM/platform=CODE/<batch>.parquet        (ORDER_SCHEMA)
    <data>/corrections/month=YYYY-MM/platform=CODE/<batch>.parquet   (CORRECTION_SCHEMA)

A correction (VOID or AMEND of an earlier order) is resolved when its batch is ingested: the row
carries the order's values before the correction (``old_*``) and, for AMEND, after it (``new_*``).
Each correction is therefore a delta, -1 order on the old line and +1 on the new one, and the month's
lines are one aggregation over orders and deltas, never a search for "the latest row" among all orders.

The plan: count orders per platform x worker x province x sector on DuckDB (one SQL statement,
:func:`plan_sql`), then price every line with the rules layer's ``oip_contribution`` formula for
the month, vectorised, rounding once per line. Re-running a month on the same files gives identical
output (lines are sorted; nothing depends on file order).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socsec.rules.engine import compute, get_formula

ORDER_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("person_id", pa.int64()),
        ("region", pa.string()),  # 6-digit code of the city where the order was served
        ("sector", pa.string()),
        ("order_date", pa.date32()),
        ("fare_cents", pa.int64()),  # the order's value when the platform reports it (null otherwise)
    ]
)

CORRECTION_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("action", pa.string()),  # VOID or AMEND
        ("old_person_id", pa.int64()),
        ("old_region", pa.string()),
        ("old_sector", pa.string()),
        ("new_person_id", pa.int64()),  # null for VOID
        ("new_region", pa.string()),
        ("new_sector", pa.string()),
        ("order_date", pa.date32()),
    ]
)

# The plan, in SQL that DuckDB and Spark SQL both run unchanged, over two views: ``orders`` and
# ``corrections``, each with the Hive partition columns ``month`` and ``platform``.
_ORDERS = """
    SELECT platform, person_id, substr(region, 1, 2) || '0000' AS province, sector, count(*) AS n
    FROM orders WHERE month = '{month}'
    GROUP BY ALL
"""
_CORRECTIONS = """
    SELECT platform, old_person_id AS person_id, substr(old_region, 1, 2) || '0000' AS province,
           old_sector AS sector, -count(*) AS n
    FROM corrections WHERE month = '{month}' GROUP BY ALL
    UNION ALL
    SELECT platform, new_person_id AS person_id, substr(new_region, 1, 2) || '0000' AS province,
           new_sector AS sector, count(*) AS n
    FROM corrections WHERE month = '{month}' AND action = 'AMEND'
    GROUP BY ALL
"""
_TOTAL = """
SELECT platform, person_id, province, sector, CAST(sum(n) AS BIGINT) AS order_count
FROM ({parts}) AS deltas
GROUP BY ALL
HAVING sum(n) <> 0
ORDER BY platform, province, sector, person_id
"""
LINE_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("person_id", pa.int64()),
        ("province", pa.string()),
        ("sector", pa.string()),
        ("order_count", pa.int64()),
    ]
)


def plan_sql(month: str, *, with_orders: bool = True, with_corrections: bool) -> str:
    """The aggregation for one month (the month is checked as YYYY-MM before it is put in the text).
    A batch of corrections alone has no orders part."""
    month_start(month)
    parts = [p for p, wanted in ((_ORDERS, with_orders), (_CORRECTIONS, with_corrections)) if wanted]
    return _TOTAL.format(parts=" UNION ALL ".join(parts).format(month=month))


MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# (platform, province) -> the platform's adjustment in 10% steps set by that province
Adjustments = Mapping[tuple[str, str], int]
# the OIP coverage reason code of every line (50 = covered: the orders are charged), from the domain
LineCoverage = Callable[[pa.Table, str], np.ndarray]
COVERED = 50


class AssessmentError(ValueError):
    """The month or the order files cannot be assessed; the message says which and why."""


@dataclass(frozen=True)
class Assessment:
    month: str
    lines: pa.Table  # platform, person_id, province, sector, order_count, per_order_amount, amount_cents, rule
    totals: pa.Table  # platform, province, order_count, amount_cents, lines

    @property
    def amount_cents(self) -> int:
        return int(pc.sum(self.totals["amount_cents"]).as_py() or 0)


def month_start(month: str) -> dt.date:
    if not MONTH.match(month):
        raise AssessmentError(f"month {month!r}: expected YYYY-MM")
    return dt.date(int(month[:4]), int(month[5:]), 1)


def order_files(data_dir: Path, month: str, kind: str = "orders") -> list[str]:
    return sorted(str(p) for p in (data_dir / kind / f"month={month}").glob("platform=*/*.parquet"))


ENGINES = ("duckdb", "spark")


def aggregate(
    orders: list[str], corrections: list[str], month: str, *, engine: str = "duckdb", threads: int | None = None
) -> pa.Table:
    """Orders per platform x worker x province x sector after corrections, on DuckDB (default) or Spark."""
    if engine not in ENGINES:
        raise AssessmentError(f"engine {engine!r}: use one of {', '.join(ENGINES)}")
    if not orders and not corrections:
        return LINE_SCHEMA.empty_table()
    sql = plan_sql(month, with_orders=bool(orders), with_corrections=bool(corrections))
    run = _run_duckdb if engine == "duckdb" else _run_spark
    return run(orders, corrections, sql, month, threads).cast(LINE_SCHEMA)


def _run_duckdb(orders: list[str], corrections: list[str], sql: str, month: str, threads: int | None) -> pa.Table:
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        try:
            if orders:
                con.read_parquet(orders, hive_partitioning=True).create_view("orders")
            if corrections:
                con.read_parquet(corrections, hive_partitioning=True).create_view("corrections")
            return con.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise AssessmentError(f"cannot read the orders of {month}: {exc}") from exc
    finally:
        con.close()


def _run_spark(orders: list[str], corrections: list[str], sql: str, month: str, threads: int | None) -> pa.Table:
    from . import spark

    try:
        return spark.run_sql(sql, {"orders": orders, "corrections": corrections}, threads=threads)
    except spark.SparkFailure as exc:
        raise AssessmentError(f"cannot read the orders of {month} on Spark: {exc}") from exc


def price(lines: pa.Table, month: str, adjustments: Adjustments, coverage: LineCoverage | None = None) -> Assessment:
    """Add the per-order amount and the amount in cents to every line, with the rules layer: the
    ``oip_contribution`` formula over all lines at once (rounded per line), and ``oip_per_order_amount``
    for each distinct sector x adjustment. With ``coverage``, a line whose worker is not covered by OIP
    (reason code other than 50, e.g. covered by work-injury insurance) is kept with its reason and
    charged nothing; totals count charged lines only."""
    on = month_start(month)
    n = lines.num_rows
    sector_codes, sector_names = _codes(lines["sector"])
    sectors = sector_names[sector_codes]
    steps = _steps(lines, adjustments)
    dates = np.full(n, np.datetime64(on, "D"))
    counts = lines["order_count"].to_numpy()
    amounts = compute("oip_contribution", on=dates, order_count=counts, sector=sectors, adjustment_steps=steps)
    reasons = coverage(lines, month) if coverage is not None else np.full(n, COVERED, dtype=np.int64)
    amounts = np.where(reasons == COVERED, amounts, 0)
    pair = sector_codes * 1000 + steps + 500  # one key per sector x adjustment
    _distinct, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
    per_order = compute("oip_per_order_amount", on=dates[first], sector=sectors[first], adjustment_steps=steps[first])
    per_order_column = pa.array([Decimal(f"{v:.6f}") for v in per_order], pa.decimal128(18, 6)).take(
        pa.array(inverse.astype(np.int64))
    )
    reference = get_formula("oip_contribution").reference
    rule = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([reference]))
    priced = (
        lines.append_column("per_order_amount", per_order_column)
        .append_column("amount_cents", pa.array(amounts, pa.int64()))
        .append_column("rule", rule)
        .append_column("coverage_reason", pa.array(reasons, pa.int16()))
    )
    totals = (
        priced.filter(pc.equal(priced["coverage_reason"], COVERED))
        .group_by(["platform", "province"])
        .aggregate([("order_count", "sum"), ("amount_cents", "sum"), ("person_id", "count")])
        .rename_columns(["platform", "province", "order_count", "amount_cents", "lines"])
        .sort_by([("platform", "ascending"), ("province", "ascending")])
    )
    return Assessment(month, priced, totals)


def _codes(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Dictionary-encode a string column: (code per row, the distinct strings)."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    names = encoded.dictionary.to_numpy(zero_copy_only=False).astype(str)
    return encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64), names


def _steps(lines: pa.Table, adjustments: Adjustments) -> np.ndarray:
    """The adjustment in steps of each line's platform in its province (0 where none is set)."""
    if not adjustments or lines.num_rows == 0:
        return np.zeros(lines.num_rows, dtype=np.int64)
    keys = pc.binary_join_element_wise(lines["platform"], lines["province"], "|")
    codes, names = _codes(keys)
    by_name = np.array([adjustments.get(tuple(name.split("|")), 0) for name in names], dtype=np.int64)
    return by_name[codes]


def assess_month(
    data_dir: Path,
    month: str,
    adjustments: Adjustments | None = None,
    *,
    files: tuple[list[str], list[str]] | None = None,
    coverage: LineCoverage | None = None,
    engine: str = "duckdb",
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
) -> Assessment:
    """The month's assessment: lines per platform x worker x province x sector and totals per platform x
    province. Identical output for identical files. ``files`` (orders, corrections) names the files
    that count; without it every file of the month under ``data_dir`` is read."""
    month_start(month)
    orders, corrections = files or (order_files(data_dir, month), order_files(data_dir, month, "corrections"))
    if progress:
        progress(f"counting the orders of {month} in {len(orders)} file(s), {len(corrections)} with corrections")
    lines = aggregate(orders, corrections, month, engine=engine, threads=threads)
    if progress:
        progress(f"pricing {lines.num_rows} line(s)")
    return price(lines, month, adjustments or {}, coverage)


def assess_increment(
    previous_lines: pa.Table,
    month: str,
    new_files: tuple[list[str], list[str]],
    adjustments: Adjustments | None = None,
    *,
    coverage: LineCoverage | None = None,
    engine: str = "duckdb",
) -> Assessment:
    """The month again after late batches, without reading what was already counted: the previous
    run's counts plus the new batches' counts (corrections are deltas, so the sum is exact), priced
    afresh. Gives the same lines as a full assessment of all the files."""
    delta = aggregate(new_files[0], new_files[1], month, engine=engine)
    merged = (
        pa.concat_tables([previous_lines.select(LINE_SCHEMA.names).cast(LINE_SCHEMA), delta])
        .group_by(["platform", "person_id", "province", "sector"])
        .aggregate([("order_count", "sum")])
        .rename_columns(["platform", "person_id", "province", "sector", "order_count"])
    )
    merged = merged.filter(pc.not_equal(merged["order_count"], 0)).sort_by(
        [("platform", "ascending"), ("province", "ascending"), ("sector", "ascending"), ("person_id", "ascending")]
    )
    return price(merged.select(LINE_SCHEMA.names), month, adjustments or {}, coverage)
