"""Monthly OIP assessment speed (pure: no Django). Used by ``bench/assess.py`` and ``socsec bench assess``.

Generates N synthetic orders (a few large platforms, a long tail of workers, 30 regions, 4 sectors,
0.5% of the largest platform's orders voided in a later batch) and a late day (N/30 orders of the same
workers, as every platform's batch of that day, the largest platform's with voids of its earlier
orders), in a child process so that the figures are the assessment's alone. Then, over the same files and with
the same DuckDB thread setting, alternating the order of the sides in each round and keeping the best
of ``repeat`` rounds for each:

- ``seconds``: the whole assessment (``assess_month``: list the files, aggregate on DuckDB, price every
  line with the rules layer, totals);
- ``raw_duckdb_seconds``: a hand-written DuckDB SQL that gives the same lines (orders less corrections,
  in the same order), checked equal (``raw_equals_lines``); ``ratio_vs_raw_duckdb`` = seconds / that;
- ``plain_count_seconds``: the plain count of the orders alone (no corrections, no order) for reference;
- ``late_day_adjustment_seconds``: ``assess_increment`` from the full run's lines file (as the service
  keeps it) and one late day's batch, checked equal to a full assessment of all the files. A batch is
  one platform's (as ingested); the largest platform's is measured, with ``late_day_orders`` orders;
- ``all_platforms_late_day_seconds``: the same with every platform's batch of the late day at once
  (``late_day_all_platforms_orders``, N/30).

Every side also has its CPU seconds (all threads of this process, ``*_cpu`` in ``rounds``): on a shared
machine the wall-clock figures move with what else runs, the CPU figures much less
(``cpu_ratio_vs_raw_duckdb``, ``late_day_cpu_vs_full``, ``all_platforms_late_day_cpu_vs_full``).
``peak_rss_mb`` is the peak resident memory of this process, which runs nothing but the assessment and
the baselines. Targets (issue 3: >= 10M orders/s, ratio <= 1.1, <= 3 GB, one late day's batch <= 5% of
the month) are read off the JSON, never asserted in the tests.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from socsec.batch.assess import assess_increment, assess_month
from socsec.batch.lines import LINE_SCHEMA, LINES_FILE_OPTIONS
from socsec.batch.orders import CORRECTION_SCHEMA, ORDER_SCHEMA, order_files
from socsec.batch.plan import duckdb_cursor

MONTH = "2026-04"
PLATFORMS = ["p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08", "p09", "p10", "p11"]
SECTORS = np.array(["RIDE_HAILING", "FOOD_DELIVERY", "INSTANT_DELIVERY", "INTRA_CITY_FREIGHT"])
REGIONS = np.array([f"{p:02d}{c:02d}00" for p in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32) for c in (1, 2, 3)])

# The same lines as the assessment's aggregation, written by hand.
RAW_SQL = """
SELECT platform, person_id, province, sector, sum(n) AS order_count
FROM (
    SELECT platform, person_id, substr(region, 1, 2) || '0000' AS province, sector, 1 AS n
    FROM read_parquet($orders, hive_partitioning = true) WHERE month = $month
    UNION ALL
    SELECT platform, old_person_id, substr(old_region, 1, 2) || '0000', old_sector, -1
    FROM read_parquet($corrections, hive_partitioning = true) WHERE month = $month
    UNION ALL
    SELECT platform, new_person_id, substr(new_region, 1, 2) || '0000', new_sector, 1
    FROM read_parquet($corrections, hive_partitioning = true) WHERE month = $month AND action = 'AMEND'
)
GROUP BY ALL HAVING sum(n) <> 0
ORDER BY platform, province, sector, person_id
"""
# The plain count of the orders (no corrections, no order): the figure earlier runs compared against.
PLAIN_SQL = """
SELECT platform, person_id, substr(region, 1, 2) || '0000' AS province, sector, count(*) AS order_count
FROM read_parquet($orders, hive_partitioning = true)
WHERE month = $month
GROUP BY ALL
"""


def workers_for(orders: int) -> int:
    """How many workers a month of ``orders`` orders has (one per 200 orders)."""
    return max(1000, orders // 200)


def generate(
    root: Path,
    orders: int,
    month: str,
    seed: int = 1,
    chunk: int = 5_000_000,
    id_offset: int = 0,
    workers: int | None = None,
) -> None:
    """Write ``orders`` synthetic orders of ``month`` under ``root`` (one file per platform and chunk),
    and a corrections file per chunk voiding 0.5% of the largest platform's orders. The workers are
    drawn from ``workers`` (by default as many as a month of ``orders`` has)."""
    rng = np.random.default_rng(seed)
    shares = 1 / np.arange(1, len(PLATFORMS) + 1) ** 1.2  # a few large platforms
    shares /= shares.sum()
    workers = workers or workers_for(orders)
    written = 0
    part = 0
    while written < orders:
        n = min(chunk, orders - written)
        platform_idx = rng.choice(len(PLATFORMS), n, p=shares)
        person = (rng.pareto(1.1, n) * 50).astype(np.int64) % workers  # a long tail of workers
        ids = pc.cast(pa.array(np.arange(id_offset + written, id_offset + written + n, dtype=np.int64)), pa.string())
        table = pa.table(
            {
                "order_id": ids,
                "person_id": pa.array(person),
                "region": pa.array(REGIONS[person % len(REGIONS)]),
                "sector": pa.array(SECTORS[platform_idx % len(SECTORS)]),
                "order_date": pa.array(np.full(n, np.datetime64(f"{month}-15")), pa.date32()),
                "fare_cents": pa.array(rng.integers(500, 8000, n)),
            },
            schema=ORDER_SCHEMA,
        )
        for k, platform in enumerate(PLATFORMS):
            rows = table.filter(pa.array(platform_idx == k))
            if rows.num_rows:
                folder = root / "orders" / f"month={month}" / f"platform={platform}"
                folder.mkdir(parents=True, exist_ok=True)
                pq.write_table(rows, folder / f"batch-{part:05d}.parquet", row_group_size=1_000_000)
        # corrections: 0.5% of the largest platform's orders voided in a later batch
        first = table.filter(pa.array(platform_idx == 0))
        k = first.num_rows // 200
        voided = first.take(pa.array(rng.choice(first.num_rows, k, replace=False)))
        corrections = pa.table(
            {
                "order_id": voided["order_id"],
                "action": pa.array(np.full(k, "VOID")),
                "old_person_id": voided["person_id"],
                "old_region": voided["region"],
                "old_sector": voided["sector"],
                "new_person_id": pa.nulls(k, pa.int64()),
                "new_region": pa.nulls(k, pa.string()),
                "new_sector": pa.nulls(k, pa.string()),
                "order_date": voided["order_date"],
            },
            schema=CORRECTION_SCHEMA,
        )
        folder = root / "corrections" / f"month={month}" / f"platform={PLATFORMS[0]}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(corrections, folder / f"batch-{part:05d}.parquet")
        written += n
        part += 1


def late_orders(orders: int) -> int:
    """One late day's batch: a thirtieth of the month."""
    return max(1, orders // 30)


def _generate_all(root: str, orders: int) -> None:
    """The month's files (unless already there) and a fresh late day's batch under ``root/late``."""
    base = Path(root)
    if not (base / "orders" / f"month={MONTH}").exists():
        generate(base, orders, MONTH)
    late = base / "late"
    if late.exists():
        shutil.rmtree(late)
    # the month's workers: a day of the month, not a smaller population
    generate(late, late_orders(orders), MONTH, seed=2, id_offset=orders, workers=workers_for(orders))


def _same(a: Any, b: Any) -> bool:
    """Whether two assessments have the same lines and totals."""
    return bool(a.lines.equals(b.lines) and a.totals.equals(b.totals))


def _best(rounds: list[dict[str, float]], key: str) -> float:
    return min(r[key] for r in rounds)


def _timed(action: Callable[[], Any], measured: dict[str, float], name: str) -> Any:
    """Run ``action``; record its wall-clock seconds under ``name`` and the CPU seconds of this process
    (every thread) under ``name_cpu``: the CPU figure shows the work done, whatever else the machine
    was running."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    measured[name], measured[f"{name}_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
    return result


def run(orders: int, *, keep: Path | None = None, repeat: int = 3, threads: int | None = None) -> dict[str, Any]:
    """Generate (or reuse, with ``keep``) the files and measure; returns the figures."""
    from socsec.rules.engine import get_formula
    from socsec.rules.parameters import load_parameters

    if orders < 1 or repeat < 1:
        raise ValueError("orders and repeat must be at least 1")
    threads = threads or os.cpu_count() or 1
    root = keep or Path(tempfile.mkdtemp(prefix="socsec-assess-"))
    try:
        generating_started = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(1) as pool:  # its memory is not the assessment's
            pool.apply(_generate_all, (str(root), orders))
        generate_s = time.perf_counter() - generating_started
        get_formula("oip_contribution")  # the rules load once per process, as in a running service
        load_parameters()
        files = order_files(root, MONTH)
        corrections = order_files(root, MONTH, "corrections")
        late = root / "late"
        late_files = (order_files(late, MONTH), order_files(late, MONTH, "corrections"))
        largest = f"platform={PLATFORMS[0]}"
        batch_files = ([f for f in late_files[0] if largest in f], [f for f in late_files[1] if largest in f])
        batch_orders = sum(pq.ParquetFile(f).metadata.num_rows for f in batch_files[0])
        lines_path = root / "previous-lines.parquet"

        def raw(sql: str, **params: Any) -> pa.Table:
            con = duckdb_cursor(threads)  # the same database and thread setting as the assessment's
            try:
                return con.sql(sql, params={**params, "month": MONTH}).to_arrow_table()
            finally:
                con.close()

        rounds: list[dict[str, float]] = []
        assessment = raw_lines = incremented = all_incremented = None
        for k in range(repeat):
            measured: dict[str, float] = {}
            sides: list[tuple[str, Callable[[], Any]]] = [
                ("raw", lambda: raw(RAW_SQL, orders=files, corrections=corrections)),
                ("full", lambda: assess_month(root, MONTH, threads=threads)),
                ("plain", lambda: raw(PLAIN_SQL, orders=files)),
                ("late", lambda: assess_increment(lines_path, MONTH, batch_files, threads=threads)),
                ("late_all", lambda: assess_increment(lines_path, MONTH, late_files, threads=threads)),
            ]
            for name, action in sides if k % 2 == 0 else sides[::-1]:  # neither side always goes first
                result = _timed(action, measured, name)
                if name == "full":
                    assessment = result
                    if k == 0:  # the run's lines file, as the service keeps it, for the late day's increment
                        pq.write_table(result.lines, lines_path, **LINES_FILE_OPTIONS)
                elif name == "raw":
                    raw_lines = result
                elif name == "late":
                    incremented = result
                elif name == "late_all":
                    all_incremented = result
            rounds.append(measured)
        assert assessment is not None and raw_lines is not None
        assert incremented is not None and all_incremented is not None
        batch_again, all_again = (
            assess_month(root, MONTH, files=(files + new[0], corrections + new[1]), threads=threads)
            for new in (batch_files, late_files)
        )
        full_s, raw_s, late_s, plain_s, all_s = (
            _best(rounds, side) for side in ("full", "raw", "late", "plain", "late_all")
        )
        full_cpu, raw_cpu, late_cpu, all_cpu = (
            _best(rounds, f"{side}_cpu") for side in ("full", "raw", "late", "late_all")
        )
        return {
            "benchmark": "assess",
            "orders": orders,
            "lines": assessment.lines.num_rows,
            "seconds": round(full_s, 3),
            "orders_per_s": round(orders / full_s),
            "raw_duckdb_seconds": round(raw_s, 3),
            "ratio_vs_raw_duckdb": round(full_s / raw_s, 3),
            "raw_equals_lines": raw_lines.cast(LINE_SCHEMA).equals(assessment.lines.select(LINE_SCHEMA.names)),
            "plain_count_seconds": round(plain_s, 3),
            "ratio_vs_plain_count": round(full_s / plain_s, 3),
            "cpu_seconds": round(full_cpu, 3),
            "raw_duckdb_cpu_seconds": round(raw_cpu, 3),
            "cpu_ratio_vs_raw_duckdb": round(full_cpu / raw_cpu, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "amount_cents": assessment.amount_cents,
            "late_day_orders": batch_orders,
            "late_day_adjustment_seconds": round(late_s, 3),
            "late_day_vs_full": round(late_s / full_s, 3),
            "late_day_cpu_vs_full": round(late_cpu / full_cpu, 3),
            "late_day_equals_full_rerun": _same(incremented, batch_again),
            "late_day_all_platforms_orders": late_orders(orders),
            "all_platforms_late_day_seconds": round(all_s, 3),
            "all_platforms_late_day_vs_full": round(all_s / full_s, 3),
            "all_platforms_late_day_cpu_vs_full": round(all_cpu / full_cpu, 3),
            "all_platforms_late_day_equals_full_rerun": _same(all_incremented, all_again),
            "repeat": repeat,
            "threads": threads,
            "rounds": [{k: round(v, 3) for k, v in r.items()} for r in rounds],
            "generate_seconds": round(generate_s, 1),
        }
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)
        else:
            shutil.rmtree(root / "late", ignore_errors=True)
            (root / "previous-lines.parquet").unlink(missing_ok=True)
