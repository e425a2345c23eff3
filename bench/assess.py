"""Monthly OIP assessment speed: generates N synthetic orders (a few large platforms, a long tail of
workers, 30 regions, 4 sectors, 0.5% corrected in a later batch), runs the whole assessment and, in the
same run over the same files, a hand-written DuckDB SQL of the plain aggregation. Prints JSON.

    .venv/bin/python bench/assess.py --orders 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from socsec.batch.assess import CORRECTION_SCHEMA, ORDER_SCHEMA, assess_increment, assess_month, order_files
from socsec.rules.engine import get_formula
from socsec.rules.parameters import load_parameters

PLATFORMS = ["p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08", "p09", "p10", "p11"]
SECTORS = np.array(["RIDE_HAILING", "FOOD_DELIVERY", "INSTANT_DELIVERY", "INTRA_CITY_FREIGHT"])
REGIONS = np.array([f"{p:02d}{c:02d}00" for p in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32) for c in (1, 2, 3)])

RAW_SQL = """
SELECT platform, person_id, substr(region, 1, 2) || '0000' AS province, sector, count(*) AS order_count
FROM read_parquet($files, hive_partitioning = true)
WHERE month = $month
GROUP BY ALL
"""


def generate(root: Path, orders: int, month: str, seed: int = 1, chunk: int = 5_000_000, id_offset: int = 0) -> None:
    rng = np.random.default_rng(seed)
    shares = 1 / np.arange(1, len(PLATFORMS) + 1) ** 1.2  # a few large platforms
    shares /= shares.sum()
    workers = max(1000, orders // 200)
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="reuse or keep the generated files in this folder")
    args = parser.parse_args()
    month = "2026-04"
    root = args.keep or Path(tempfile.mkdtemp(prefix="socsec-assess-"))
    if not (root / "orders" / f"month={month}").exists():
        generate(root, args.orders, month)
    files = order_files(root, month)
    get_formula("oip_contribution")  # the rules load once per process, as in a running service
    load_parameters()
    try:
        raw_times, full_times = [], []
        for _ in range(2):  # alternate, best of two each: neither side gets the cold file cache alone
            start = time.perf_counter()
            con = duckdb.connect()
            raw = con.sql(RAW_SQL, params={"files": files, "month": month}).to_arrow_table()
            con.close()
            raw_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            assessment = assess_month(root, month)
            full_times.append(time.perf_counter() - start)
        raw_s, full_s = min(raw_times), min(full_times)
        # one late day's batch (1/30 of the month) as an increment on the run above
        late = root / "late"
        if late.exists():
            shutil.rmtree(late)
        generate(late, max(1, args.orders // 30), month, seed=2, id_offset=args.orders)
        late_files = order_files(late, month)
        start = time.perf_counter()
        incremented = assess_increment(assessment.lines, month, (late_files, order_files(late, month, "corrections")))
        late_s = time.perf_counter() - start
        full_again = assess_month(
            root,
            month,
            files=(
                files + late_files,
                order_files(root, month, "corrections") + order_files(late, month, "corrections"),
            ),
        )
        late_matches = incremented.lines.equals(full_again.lines)
        shutil.rmtree(late)
        print(
            json.dumps(
                {
                    "benchmark": "assess",
                    "orders": args.orders,
                    "lines": assessment.lines.num_rows,
                    "raw_lines": raw.num_rows,
                    "seconds": round(full_s, 3),
                    "orders_per_s": round(args.orders / full_s),
                    "raw_duckdb_seconds": round(raw_s, 3),
                    "ratio_vs_raw_duckdb": round(full_s / raw_s, 3),
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                    "amount_cents": assessment.amount_cents,
                    "late_day_orders": max(1, args.orders // 30),
                    "late_day_adjustment_seconds": round(late_s, 3),
                    "late_day_vs_full": round(late_s / full_s, 3),
                    "late_day_equals_full_rerun": late_matches,
                },
                indent=2,
            )
        )
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
