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
import pyarrow.parquet as pq

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


def plan_sql(month: str, *, with_orders: bool = True, with_corrections: bool, ordered: bool = True) -> str:
    """The aggregation for one month (the month is checked as YYYY-MM before it is put in the text).
    A batch of corrections alone has no orders part. ``ordered=False`` leaves out the final ORDER BY
    (for a plan that is itself an input, as the late batches' counts are to an increment)."""
    month_start(month)
    parts = [p for p, wanted in ((_ORDERS, with_orders), (_CORRECTIONS, with_corrections)) if wanted]
    sql = _TOTAL.format(parts=" UNION ALL ".join(parts).format(month=month))
    return sql if ordered else sql[: sql.index("ORDER BY")]


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
    groups = _Groups(lines, on, adjustments)
    reasons = _reasons(lines, month, coverage)
    amounts = groups.amounts(lines["order_count"].to_numpy(), np.ones(lines.num_rows, dtype=bool))
    return _assessment(lines, month, groups, amounts, reasons)


class _Groups:
    """The lines cut into runs of equal platform x province x sector (one run per combination when the
    lines are sorted, as the plan sorts them), each run's adjustment steps, and the per-order amount
    of each distinct sector x steps from the rules layer. Work per line is a few numpy passes; the
    look-ups are per run."""

    def __init__(self, lines: pa.Table, on: dt.date, adjustments: Adjustments) -> None:
        n = lines.num_rows
        self.on = on
        change = np.ones(n, dtype=bool)
        if n > 1:
            change[1:] = False
            for name in ("platform", "province", "sector"):
                column = lines[name].combine_chunks()
                differs = pc.fill_null(pc.not_equal(column.slice(1), column.slice(0, n - 1)), True)
                change[1:] |= differs.to_numpy(zero_copy_only=False)
        self.starts = np.flatnonzero(change)
        self.run_of_line = np.cumsum(change, dtype=np.int64) - 1
        keys = lines.select(["platform", "province", "sector"]).take(pa.array(self.starts, pa.int64()))
        self.run_keys: list[tuple[str, str, str]] = list(
            zip(*(keys[c].to_pylist() for c in ("platform", "province", "sector")), strict=True)
        )
        pairs: dict[tuple[str, int], int] = {}
        pair_of_run = [
            pairs.setdefault((sector, adjustments.get((platform, province), 0)), len(pairs))
            for platform, province, sector in self.run_keys
        ]
        self.pair_sectors = np.array([sector for sector, _ in pairs], dtype=str)
        self.pair_steps = np.array([steps for _, steps in pairs], dtype=np.int64)
        self.pair_of_line = np.array(pair_of_run, dtype=np.int64)[self.run_of_line]
        per_order = compute(
            "oip_per_order_amount",
            on=np.full(len(pairs), np.datetime64(on, "D")),
            sector=self.pair_sectors,
            adjustment_steps=self.pair_steps,
        )
        self.per_order = pa.array([Decimal(f"{v:.6f}") for v in per_order], pa.decimal128(18, 6)).take(
            pa.array(self.pair_of_line)
        )

    def amounts(self, counts: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """The ``oip_contribution`` of the wanted lines (0 elsewhere), by the rules layer."""
        out = np.zeros(counts.size, dtype=np.int64)
        rows = np.flatnonzero(wanted)
        pair = self.pair_of_line[rows]
        out[rows] = compute(
            "oip_contribution",
            on=np.full(rows.size, np.datetime64(self.on, "D")),
            order_count=counts[rows],
            sector=self.pair_sectors[pair],
            adjustment_steps=self.pair_steps[pair],
        )
        return out


def _reasons(lines: pa.Table, month: str, coverage: LineCoverage | None) -> np.ndarray:
    if coverage is None:
        return np.full(lines.num_rows, COVERED, dtype=np.int64)
    return np.asarray(coverage(lines, month))


TOTALS_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("province", pa.string()),
        ("order_count", pa.int64()),
        ("amount_cents", pa.int64()),
        ("lines", pa.int64()),
    ]
)


def _assessment(lines: pa.Table, month: str, groups: _Groups, amounts: np.ndarray, reasons: np.ndarray) -> Assessment:
    """The priced lines and the totals per platform x province of the charged (covered) lines."""
    n = lines.num_rows
    covered = reasons == COVERED
    amounts = np.where(covered, amounts, 0)
    reference = get_formula("oip_contribution").reference
    rule = pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, np.int32)), pa.array([reference]))
    priced = (
        lines.append_column("per_order_amount", groups.per_order)
        .append_column("amount_cents", pa.array(amounts, pa.int64()))
        .append_column("rule", rule)
        .append_column("coverage_reason", pa.array(reasons, pa.int16()))
    )
    sums: dict[tuple[str, str], list[int]] = {}
    if n:
        counts = np.where(covered, lines["order_count"].to_numpy(), 0)
        per_run = zip(
            np.add.reduceat(counts, groups.starts).tolist(),
            np.add.reduceat(amounts, groups.starts).tolist(),
            np.add.reduceat(covered.astype(np.int64), groups.starts).tolist(),
            strict=True,
        )
        for (platform, province, _sector), (count, cents, charged) in zip(groups.run_keys, per_run, strict=True):
            if charged:
                total = sums.setdefault((platform, province), [0, 0, 0])
                total[0] += count
                total[1] += cents
                total[2] += charged
    keys = sorted(sums)
    totals = pa.table(
        [
            pa.array([k[0] for k in keys], pa.string()),
            pa.array([k[1] for k in keys], pa.string()),
            pa.array([sums[k][0] for k in keys], pa.int64()),
            pa.array([sums[k][1] for k in keys], pa.int64()),
            pa.array([sums[k][2] for k in keys], pa.int64()),
        ],
        schema=TOTALS_SCHEMA,
    )
    return Assessment(month, priced, totals)


# Steps reported to ``progress`` by the assessment, in order.
STEP_AGGREGATE = "aggregate"
STEP_PRICE = "price"


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
    that count; without it every file of the month under ``data_dir`` is read. ``progress`` is told
    each step (``STEP_AGGREGATE``, ``STEP_PRICE``) as it starts."""
    month_start(month)
    orders, corrections = files or (order_files(data_dir, month), order_files(data_dir, month, "corrections"))
    if progress:
        progress(STEP_AGGREGATE)
    lines = aggregate(orders, corrections, month, engine=engine, threads=threads)
    if progress:
        progress(STEP_PRICE)
    return price(lines, month, adjustments or {}, coverage)


# The previous run's lines (``previous``) plus the late batches' counts (``delta``: the plan without its
# ORDER BY), in the plan's order; a line's previous per-order amount, amount and reason ride along.
_MERGE = """
SELECT platform, person_id, province, sector,
       CAST(coalesce(p.order_count, 0) + coalesce(d.order_count, 0) AS BIGINT) AS order_count,
       d.order_count IS NOT NULL OR p.order_count IS NULL AS touched,
       p.per_order_amount AS previous_per_order, p.amount_cents AS previous_amount,
       p.coverage_reason AS previous_reason
FROM previous AS p FULL OUTER JOIN delta AS d USING (platform, person_id, province, sector)
WHERE coalesce(p.order_count, 0) + coalesce(d.order_count, 0) <> 0
ORDER BY platform, province, sector, person_id
"""


def assess_increment(
    previous_lines: pa.Table | str | Path,
    month: str,
    new_files: tuple[list[str], list[str]],
    adjustments: Adjustments | None = None,
    *,
    coverage: LineCoverage | None = None,
    engine: str = "duckdb",
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
) -> Assessment:
    """The month again after late batches, without reading what was already counted: the previous
    run's lines (a table, or the path of its Parquet file) plus the new batches' counts (corrections
    are deltas, so the sum is exact), merged on DuckDB. Gives the same lines as a full assessment of
    all the files.

    Only the lines whose amount can have changed are priced again: those the new batches touched,
    new lines, and lines whose coverage reason changed. Every other line keeps its previous amount.
    That is exact because a line's amount is the ``oip_contribution`` of its order count at its
    per-order amount, as long as the rules inputs are unchanged; so when any line's per-order amount
    (parameters, the platform's adjustment) or the rule differs from the previous run's, or the previous
    lines carry no amounts, every line is priced again."""
    on = month_start(month)
    orders, corrections = new_files
    previous = previous_lines if isinstance(previous_lines, pa.Table) else pq.read_table(previous_lines)
    if progress:
        progress(STEP_AGGREGATE)
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        try:
            con.register("previous", _with_pricing_columns(previous))
            if engine == "duckdb" and (orders or corrections):
                if orders:
                    con.read_parquet(orders, hive_partitioning=True).create_view("orders")
                if corrections:
                    con.read_parquet(corrections, hive_partitioning=True).create_view("corrections")
                delta = plan_sql(month, with_orders=bool(orders), with_corrections=bool(corrections), ordered=False)
                con.sql(delta).create_view("delta")
            else:
                con.register("delta", aggregate(orders, corrections, month, engine=engine, threads=threads))
            merged = con.sql(_MERGE).to_arrow_table()
        except duckdb.Error as exc:
            raise AssessmentError(f"cannot read the orders of {month}: {exc}") from exc
    finally:
        con.close()
    if progress:
        progress(STEP_PRICE)
    lines = merged.select(LINE_SCHEMA.names).cast(LINE_SCHEMA)
    groups = _Groups(lines, on, adjustments or {})
    reasons = _reasons(lines, month, coverage)
    touched = merged["touched"].to_numpy()
    same_per_order = _true(pc.equal(merged["previous_per_order"], groups.per_order)) | touched
    if same_per_order.all() and _same_rule(previous):
        previous_reasons = pc.fill_null(merged["previous_reason"], -1).to_numpy()
        priced_again = touched | (previous_reasons != reasons)
    else:
        priced_again = np.ones(lines.num_rows, dtype=bool)
    amounts = groups.amounts(lines["order_count"].to_numpy(), priced_again)
    kept = ~priced_again
    amounts[kept] = pc.fill_null(merged["previous_amount"], 0).to_numpy()[kept]
    return _assessment(lines, month, groups, amounts, reasons)


def _true(mask: pa.ChunkedArray) -> np.ndarray:
    """A boolean column as numpy, null read as false."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _same_rule(previous: pa.Table) -> bool:
    """Whether every previous line was priced by the rule in force now."""
    if "rule" not in previous.column_names or previous.num_rows == 0:
        return previous.num_rows == 0
    used = pc.unique(previous["rule"])
    if pa.types.is_dictionary(used.type):
        used = used.dictionary_decode()
    return used.to_pylist() == [get_formula("oip_contribution").reference]


def _with_pricing_columns(previous: pa.Table) -> pa.Table:
    """The previous lines with the columns the merge reads: nulls for the amounts a bare table lacks
    (its lines are then all priced again)."""
    n = previous.num_rows
    columns = [previous[c].cast(LINE_SCHEMA.field(c).type) for c in LINE_SCHEMA.names]
    types = {"per_order_amount": pa.decimal128(18, 6), "amount_cents": pa.int64(), "coverage_reason": pa.int16()}
    for name, kind in types.items():
        columns.append(previous[name].cast(kind) if name in previous.column_names else pa.nulls(n, kind))
    return pa.table(columns, names=[*LINE_SCHEMA.names, *types])
