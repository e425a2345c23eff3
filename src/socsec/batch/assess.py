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

import bisect
import datetime as dt
import re
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
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
# ``corrections``, each with the Hive partition columns ``month`` and ``platform``. Every order is +1 on
# its line and every correction -1 on the old line (and +1 on the new for AMEND), all summed in one
# aggregation (a count per part and a second aggregation over the parts' counts cost 5-10% more).
_ORDERS = """
    SELECT platform, person_id, substr(region, 1, 2) || '0000' AS province, sector, 1 AS n
    FROM orders WHERE month = '{month}'
"""
_CORRECTIONS = """
    SELECT platform, old_person_id AS person_id, substr(old_region, 1, 2) || '0000' AS province,
           old_sector AS sector, -1 AS n
    FROM corrections WHERE month = '{month}'
    UNION ALL
    SELECT platform, new_person_id, substr(new_region, 1, 2) || '0000', new_sector, 1
    FROM corrections WHERE month = '{month}' AND action = 'AMEND'
"""
_TOTAL = """
SELECT platform, person_id, province, sector, CAST(sum(n) AS BIGINT) AS order_count
FROM ({parts}) AS deltas
GROUP BY ALL
HAVING sum(n) <> 0
ORDER BY platform, province, sector, person_id
"""
# How a run's lines file is written (``pyarrow.parquet.write_table`` options): the per-order amounts as
# integers, which an increment reads back several times faster than fixed-size bytes (any lines file
# reads, written so or not).
LINES_FILE_OPTIONS: dict[str, object] = {"store_decimal_as_integer": True}
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
    orders: list[str],
    corrections: list[str],
    month: str,
    *,
    engine: str = "duckdb",
    threads: int | None = None,
) -> pa.Table:
    """Orders per platform x worker x province x sector after corrections, on DuckDB (default) or Spark,
    in the plan's order."""
    if engine not in ENGINES:
        raise AssessmentError(f"engine {engine!r}: use one of {', '.join(ENGINES)}")
    if not orders and not corrections:
        return LINE_SCHEMA.empty_table()
    sql = plan_sql(month, with_orders=bool(orders), with_corrections=bool(corrections))
    run = _run_duckdb if engine == "duckdb" else _run_spark
    return run(orders, corrections, sql, month, threads).cast(LINE_SCHEMA)


_databases: dict[int, duckdb.DuckDBPyConnection] = {}
_databases_lock = threading.Lock()


def duckdb_cursor(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection of its own (its views are its own) to an in-memory DuckDB database kept for the
    process, one per thread setting: opening a database costs tens of milliseconds, a cursor almost
    nothing. Close it after use."""
    key = int(threads or 0)
    with _databases_lock:
        database = _databases.get(key)
        if database is None:
            database = _databases[key] = duckdb.connect(config={"threads": key} if key else {})
    return database.cursor()


def _run_duckdb(orders: list[str], corrections: list[str], sql: str, month: str, threads: int | None) -> pa.Table:
    # the plan's two inputs as common table expressions over the files (bound once, with the query)
    sources = {name: files for name, files in (("orders", orders), ("corrections", corrections)) if files}
    inputs = ", ".join(f"{name} AS (SELECT * FROM read_parquet(${name}, hive_partitioning = true))" for name in sources)
    con = duckdb_cursor(threads)
    try:
        try:
            return con.sql(f"WITH {inputs} {sql}", params=sources).to_arrow_table()
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
    amounts = groups.amounts(lines["order_count"].to_numpy())
    return _assessment(lines, month, groups, amounts, reasons)


class _Groups:
    """The lines cut into runs of equal platform x province x sector (one run per combination when the
    lines are sorted, as the plan sorts them), each run's adjustment steps, and the per-order amount
    of each distinct sector x steps from the rules layer. Work per line is a few numpy passes; the
    look-ups are per run."""

    def __init__(
        self,
        lines: pa.Table,
        on: dt.date,
        adjustments: Adjustments,
        runs: Runs | None = None,
    ) -> None:
        self.on = on
        self.starts, self.run_keys = runs or _runs(lines)
        change = np.zeros(lines.num_rows, dtype=np.int64)
        change[self.starts] = 1
        self.run_of_line = np.cumsum(change) - 1
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

    def amounts(self, counts: np.ndarray, wanted: np.ndarray | None = None) -> np.ndarray:
        """The ``oip_contribution`` of the wanted lines (every line without ``wanted``; 0 elsewhere), by
        the rules layer."""
        rows = slice(None) if wanted is None else np.flatnonzero(wanted)
        pair = self.pair_of_line[rows]
        priced = compute(
            "oip_contribution",
            on=np.full(pair.size, np.datetime64(self.on, "D")),
            order_count=counts[rows],
            sector=self.pair_sectors[pair],
            adjustment_steps=self.pair_steps[pair],
        )
        if wanted is None:
            return np.asarray(priced, dtype=np.int64)
        out = np.zeros(counts.size, dtype=np.int64)
        out[rows] = priced
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
    are deltas, so the sum is exact). Gives the same lines as a full assessment of all the files.

    The previous lines and the new counts are both in the plan's order, so the new counts are merged
    into them (one binary search of numbers that stand for a line's platform x province x sector and
    worker) rather than everything sorted again; the previous lines are read, and made into those
    numbers, while the engine counts the new batches. Only the lines whose amount can have changed are priced
    again: those the new batches touched, new lines, and lines whose coverage reason changed. Every
    other line keeps its previous amount. That is exact because a line's amount is the
    ``oip_contribution`` of its order count at its per-order amount, as long as the rules inputs are
    unchanged; so when any line's per-order amount (parameters, the platform's adjustment) or the rule
    differs from the previous run's, or the previous lines carry no amounts, every line is priced again."""
    on = month_start(month)
    if progress:
        progress(STEP_AGGREGATE)
    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(_Previous, previous_lines)
        delta = aggregate(new_files[0], new_files[1], month, engine=engine, threads=threads)
        previous = reading.result()
    if progress:
        progress(STEP_PRICE)
    merged = _merge(previous, delta)
    lines = merged.lines
    groups = _Groups(lines, on, adjustments or {}, merged.runs)
    reasons = _reasons(lines, month, coverage)
    if _same_per_order(previous, groups) and previous.current_rule:
        priced_again = merged.touched | (merged.reasons != reasons)
    else:
        priced_again = np.ones(lines.num_rows, dtype=bool)
    amounts = groups.amounts(lines["order_count"].to_numpy(), priced_again)
    kept = ~priced_again
    amounts[kept] = merged.amounts[kept]
    return _assessment(lines, month, groups, amounts, reasons)


_ORDER = [("platform", "ascending"), ("province", "ascending"), ("sector", "ascending"), ("person_id", "ascending")]
Runs = tuple[np.ndarray, list[tuple[str, str, str]]]  # where each run of a platform x province x sector starts
_STRINGS = ["platform", "province", "sector"]


def _runs(table: pa.Table) -> Runs:
    """Where each run of equal platform x province x sector starts, and its values."""
    n = table.num_rows
    change = np.ones(n, dtype=bool)
    if n > 1:
        change[1:] = False
        for name in ("platform", "province", "sector"):
            column = table[name]
            if pa.types.is_dictionary(column.type):  # as read from a lines file: compare the codes
                codes = pc.fill_null(column.unify_dictionaries().combine_chunks().indices, -1).to_numpy()
                change[1:] |= codes[1:] != codes[:-1]
                continue
            column = column.combine_chunks()
            differs = pc.fill_null(pc.not_equal(column.slice(1), column.slice(0, n - 1)), True)
            change[1:] |= differs.to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(change)
    keys = table.select(["platform", "province", "sector"]).take(pa.array(starts, pa.int64()))
    values = list(zip(*(keys[c].to_pylist() for c in ("platform", "province", "sector")), strict=True))
    return starts, values


def _sorted_runs(table: pa.Table) -> tuple[pa.Table, Runs]:
    """The table in the plan's order (sorted only when it is not already) and its runs."""
    runs = _runs(table)
    if not _in_plan_order(*runs, table["person_id"].to_numpy()):
        table = table.cast(pa.schema([f.with_type(_plain(f.type)) for f in table.schema])).sort_by(_ORDER)
        runs = _runs(table)
    return table, runs


def _plain(kind: pa.DataType) -> pa.DataType:
    return kind.value_type if pa.types.is_dictionary(kind) else kind


class _Previous:
    """The previous run's lines, read and cut into runs, with what the merge needs of them as numbers
    (in a worker thread while the engine counts the new batches: Arrow and numpy let go of the
    interpreter while they work)."""

    def __init__(self, lines: pa.Table | str | Path) -> None:
        self.stored = lines if isinstance(lines, pa.Table) else pq.read_table(lines, read_dictionary=_STRINGS)
        self.table, (self.starts, self.keys) = _sorted_runs(_with_pricing_columns(self.stored))
        table, size = self.table, self.table.num_rows
        self.size = size
        self.run_of_line = np.repeat(np.arange(len(self.keys), dtype=np.int64), _lengths(self.starts, size))
        self.persons = table["person_id"].to_numpy()
        self.counts = table["order_count"].to_numpy()
        self.amounts = pc.fill_null(table["amount_cents"], 0).to_numpy()
        self.reasons = pc.fill_null(table["coverage_reason"], -1).to_numpy()
        # the per-order amount of each run, where all its lines have the same one (None otherwise): a
        # run is uniform when each of its lines but the first equals the one before it
        per_order = table["per_order_amount"].combine_chunks()
        uniform = np.ones(len(self.keys), dtype=bool)
        if size > 1:
            differs = ~_true(pc.equal(per_order.slice(1), per_order.slice(0, size - 1)))
            differs[self.starts[1:] - 1] = False  # a run's first line is compared with nothing
            uniform[self.run_of_line[1:][differs]] = False
        at_starts = per_order.take(pa.array(self.starts)).to_pylist()
        self.per_order = {key: v if ok else None for key, v, ok in zip(self.keys, at_starts, uniform, strict=True)}
        self.current_rule = self.same_rule()
        # what the merge searches: each line as one number (its run, then its worker), where that fits
        self.run_number = {key: i for i, key in enumerate(self.keys)}
        self.line_numbers, self.base, self.span = _own_line_numbers(self.run_of_line, self.persons, len(self.keys))

    def same_rule(self) -> bool:
        """Whether every previous line was priced by the rule in force now."""
        if self.stored.num_rows == 0:
            return True
        if "rule" not in self.stored.column_names:
            return False
        used = pc.unique(self.stored["rule"])
        if pa.types.is_dictionary(used.type):
            used = used.dictionary_decode()
        return bool(used.to_pylist() == [get_formula("oip_contribution").reference])


@dataclass(frozen=True)
class _Merged:
    lines: pa.Table  # in the plan's order
    runs: Runs
    touched: np.ndarray  # the new batches changed the line's count, or the line is new
    amounts: np.ndarray  # the previous run's amount (0 for a new line)
    reasons: np.ndarray  # the previous run's coverage reason (-1 for a new line)


def _merge(previous: _Previous, delta: pa.Table) -> _Merged:
    """The previous lines with the new counts (``delta``, in the plan's order) added: matched lines get
    the delta's count, new lines go where the plan's order puts them, lines that fall to zero orders go.
    Works on numbers: the platform x province x sector of a line is the number of its combination in
    plan order, and a line is its combination and worker as one number where that fits, so that the
    previous lines, being in the plan's order, are sorted by it, and so are the delta's lines: each is
    found by one binary search of them all, the searches walking the previous lines once."""
    size = previous.size
    delta_starts, delta_keys = _runs(delta)
    delta_run = np.repeat(np.arange(len(delta_keys), dtype=np.int64), _lengths(delta_starts, delta.num_rows))
    delta_persons = delta["person_id"].to_numpy()
    delta_counts = delta["order_count"].to_numpy()
    persons = previous.persons
    if previous.line_numbers is not None and all(key in previous.run_number for key in delta_keys):
        # every new count is of a combination the previous lines have: their numbering serves, and a
        # worker outside their range is searched as one just outside it (found nowhere, placed right)
        combos, combo = previous.keys, previous.run_of_line
        delta_combo = np.array([previous.run_number[k] for k in delta_keys], np.int64)[delta_run]
        base, span = previous.base, previous.span
        delta_line = delta_combo * span + (np.clip(delta_persons, base, base + span - 1) - base)
        position = np.searchsorted(previous.line_numbers, delta_line)
        found = position < size
        found[found] = previous.line_numbers[position[found]] == delta_line[found]
        new = np.flatnonzero(~found)  # in the plan's order, as the delta is
    else:  # new combinations: numbered among all
        combos = sorted(set(previous.keys) | set(delta_keys))
        number = {key: i for i, key in enumerate(combos)}
        delta_combo = np.array([number[k] for k in delta_keys], np.int64)[delta_run]
        combo = np.array([number[k] for k in previous.keys], np.int64)[previous.run_of_line]
        every = np.concatenate([combo, delta_combo]), np.concatenate([persons, delta_persons])
        line = _line_numbers(*every, len(combos))
        if line is not None:
            previous_line, delta_line = line[:size], line[size:]
            # where each delta line is among the previous lines, or would go
            position = np.searchsorted(previous_line, delta_line)
            found = position < size
            found[found] = previous_line[position[found]] == delta_line[found]
        else:  # workers too far apart for one number: one search per combination
            position, found = _positions(previous, combos, delta_combo, delta_persons)
        new = np.flatnonzero(~found)
    counts = previous.counts.copy()
    counts[position[found]] += delta_counts[found]
    touched = previously_touched = np.zeros(size, dtype=bool)
    touched[position[found]] = True
    added = new.size
    if added:
        # the new lines' places among all: before the previous line at their position, those at the same
        # position in the plan's order; the previous lines fill the other places
        is_new = np.zeros(size + added, dtype=bool)
        is_new[position[new] + np.arange(added)] = True
        is_old = ~is_new
        counts = _spread(counts, delta_counts[new], is_old, is_new)
        combo = _spread(combo, delta_combo[new], is_old, is_new)
        persons = _spread(persons, delta_persons[new], is_old, is_new)
        touched = is_new.copy()
        touched[is_old] = previously_touched
        amounts = _spread(previous.amounts, 0, is_old, is_new)
        reasons = _spread(previous.reasons, -1, is_old, is_new)
    else:
        amounts, reasons = previous.amounts, previous.reasons
    keep = counts != 0
    if not keep.all():
        counts, combo, persons, touched = counts[keep], combo[keep], persons[keep], touched[keep]
        amounts, reasons = amounts[keep], reasons[keep]
    run_starts = _starts(combo)
    run_keys = [combos[c] for c in combo[run_starts].tolist()]
    run_ends = pa.array(_ends(run_starts, combo.size), pa.int64())
    strings = [  # one value per run, spread over its lines
        pc.run_end_decode(pa.RunEndEncodedArray.from_arrays(run_ends, pa.array([k[i] for k in run_keys], pa.string())))
        for i in range(3)
    ]
    lines = pa.table(
        [strings[0], pa.array(persons), strings[1], strings[2], pa.array(counts)],
        schema=LINE_SCHEMA,
    )
    runs = (run_starts, run_keys)
    return _Merged(lines=lines, runs=runs, touched=touched, amounts=amounts, reasons=reasons)


def _spread(old: np.ndarray, new: np.ndarray | int, is_old: np.ndarray, is_new: np.ndarray) -> np.ndarray:
    """The old values at the old places and the new ones at the new places."""
    out = np.empty(is_old.size, dtype=old.dtype)
    out[is_old] = old
    out[is_new] = new
    return out


def _own_line_numbers(run_of_line: np.ndarray, persons: np.ndarray, runs: int) -> tuple[np.ndarray | None, int, int]:
    """Each line's run and worker as one number, rising in the plan's order, with room for a worker
    just below and just above the lines' range (None when that does not fit in 62 bits); and the worker
    that number 0 of a run stands for and the span of a run's numbers."""
    if not persons.size:
        return None, 0, 0
    low, high = int(persons.min()) - 1, int(persons.max()) + 1
    span = high - low + 1
    if low < np.iinfo(np.int64).min or high > np.iinfo(np.int64).max or runs * span >= 2**62:
        return None, 0, 0
    numbers: np.ndarray = run_of_line * span + (persons - low)
    return numbers, low, span


def _line_numbers(combo: np.ndarray, persons: np.ndarray, combos: int) -> np.ndarray | None:
    """Each line's combination and worker as one number that sorts as the plan does (None when the
    workers are too far apart for that)."""
    if not persons.size:
        return persons.astype(np.int64)
    low, high = int(persons.min()), int(persons.max())
    span = high - low + 1
    if combos * span >= 2**62:
        return None
    number: np.ndarray = combo * span + (persons - low)
    return number


def _positions(
    previous: _Previous, combos: list[tuple[str, str, str]], delta_combo: np.ndarray, delta_persons: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Where each delta line (in plan order) is among the previous lines, or would go, and whether it is
    there: a search of its worker within the previous lines of its combination (a new combination goes
    before the first that sorts after it)."""
    size = previous.size
    ends = _ends(previous.starts, size).tolist()
    bounds = dict(zip(previous.keys, zip(previous.starts.tolist(), ends, strict=True), strict=True))
    delta_starts = np.flatnonzero(np.diff(delta_combo, prepend=-1) != 0)
    position = np.empty(delta_combo.size, dtype=np.int64)
    found = np.zeros(delta_combo.size, dtype=bool)
    persons = previous.persons
    for s, e in zip(delta_starts.tolist(), _ends(delta_starts, delta_combo.size).tolist(), strict=True):
        key = combos[int(delta_combo[s])]
        if key in bounds:
            lo, hi = bounds[key]
            at = lo + np.searchsorted(persons[lo:hi], delta_persons[s:e])
            position[s:e] = at
            inside = at < hi
            found[s:e] = inside & (persons[np.where(inside, at, lo)] == delta_persons[s:e])
        else:
            after = bisect.bisect_right(previous.keys, key)
            position[s:e] = previous.starts[after] if after < len(previous.keys) else size
    return position, found


def _starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts."""
    change = np.empty(values.size, dtype=bool)
    change[:1] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    return np.flatnonzero(change)


def _lengths(starts: np.ndarray, size: int) -> np.ndarray:
    lengths: np.ndarray = _ends(starts, size) - starts
    return lengths


def _ends(starts: np.ndarray, size: int) -> np.ndarray:
    """Where each run ends, from where each starts."""
    return np.append(starts[1:], size) if size else starts


def _in_plan_order(starts: np.ndarray, keys: list[tuple[str, str, str]], persons: np.ndarray) -> bool:
    """Whether lines are sorted as the plan sorts them (each platform x province x sector once, in
    order, and its workers ascending)."""
    if any(a >= b for a, b in zip(keys, keys[1:], strict=False)):
        return False
    rising = np.diff(persons) > 0
    rising[starts[1:] - 1] = True  # across runs the worker may go down
    return bool(rising.all())


def _same_per_order(previous: _Previous, groups: _Groups) -> bool:
    """Whether every platform x province x sector that was there before has the per-order amount now
    that all its lines had in the previous run."""
    now = groups.per_order.take(pa.array(groups.starts)).to_pylist()
    return all(previous.per_order.get(key, amount) == amount for key, amount in zip(groups.run_keys, now, strict=True))


def _true(mask: pa.ChunkedArray) -> np.ndarray:
    """A boolean column as numpy, null read as false."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def _with_pricing_columns(previous: pa.Table) -> pa.Table:
    """The previous lines with the columns the merge reads: nulls for the amounts a bare table lacks
    (its lines are then all priced again)."""
    n = previous.num_rows
    columns = [  # the strings of a lines file stay dictionary-encoded: only their runs are looked at
        previous[c] if pa.types.is_dictionary(previous[c].type) else previous[c].cast(LINE_SCHEMA.field(c).type)
        for c in LINE_SCHEMA.names
    ]
    types = {"per_order_amount": pa.decimal128(18, 6), "amount_cents": pa.int64(), "coverage_reason": pa.int16()}
    for name, kind in types.items():
        columns.append(previous[name].cast(kind) if name in previous.column_names else pa.nulls(n, kind))
    return pa.table(columns, names=[*LINE_SCHEMA.names, *types])
