"""The assessment at the shape of a large province (pure: no Django), for ``socsec bench assess --shape
province``: ``workers`` workers, ``platforms`` platforms with Zipf-skewed shares, 31 provinces, each
worker on a main and a second platform (about two lines a worker), ``orders`` orders in the month.

Each engine runs in a child process of its own, so that ``peak_rss_mb`` is that engine's alone: the
assessment (``assess_month``), the hand-written DuckDB SQL of the same lines, and Polars on the same files.
Their lines are checked equal through a fingerprint (rows, columns' bytes). The best of ``repeat``
rounds is kept, the sides alternating. Two workers' statements (``statement_ms``) are read from the run's
lines file as the service writes it, before and after the month grows by the late batches.
"""

from __future__ import annotations

import hashlib
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

from .lines import LINE_SCHEMA
from .orders import ORDER_SCHEMA, order_files

MONTH = "2026-04"
PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41]
PROVINCES += [42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65]
SECTORS = np.array(["RIDE_HAILING", "FOOD_DELIVERY", "INSTANT_DELIVERY", "INTRA_CITY_FREIGHT"])
CHUNK = 5_000_000
# The same lines as the assessment's aggregation, by hand (the province's month has no corrections).
RAW_SQL = """
SELECT platform, person_id, substr(region, 1, 2) || '0000' AS province, sector, count(*) AS order_count
FROM read_parquet($orders, hive_partitioning = true) WHERE month = $month
GROUP BY ALL
ORDER BY platform, province, sector, person_id
"""


def generate(root: Path, *, orders: int, workers: int, platforms: int, seed: int = 7, id_offset: int = 0) -> None:
    """Write the month's orders under ``root/orders``, one file per platform and chunk of orders."""
    rng = np.random.default_rng(seed)
    shares = 1 / np.arange(1, platforms + 1) ** 1.1  # Zipf: a few platforms take most of the workers
    shares /= shares.sum()
    worker_rng = np.random.default_rng(1)  # the same workers whatever the seed of the orders
    main = worker_rng.choice(platforms, workers, p=shares)
    second = worker_rng.choice(platforms, workers, p=shares)
    home = worker_rng.choice(len(PROVINCES), workers, p=_province_weights())
    city = worker_rng.integers(1, 10, workers)
    codes = np.array([f"{p:02d}{c:02d}00" for p in PROVINCES for c in range(10)])
    names = [f"p{k:03d}" for k in range(platforms)]
    done = part = 0
    while done < orders:
        n = min(CHUNK, orders - done)
        person = rng.integers(0, workers, n)
        platform = np.where(rng.random(n) < 0.7, main[person], second[person])
        away = rng.random(n) < 0.03  # an order served in another province now and then
        province = np.where(away, rng.integers(0, len(PROVINCES), n), home[person])
        order = np.argsort(platform, kind="stable")
        person, platform, province = person[order], platform[order], province[order]
        table = pa.table(
            {
                "order_id": pc.cast(pa.array(np.arange(id_offset + done, id_offset + done + n)), pa.string()),
                "person_id": pa.array(person + 1),
                "region": pa.array(codes[province * 10 + city[person]]),
                "sector": pa.array(SECTORS[platform % len(SECTORS)]),
                "order_date": pa.array(np.full(n, np.datetime64(f"{MONTH}-15")), pa.date32()),
                "fare_cents": pa.array(rng.integers(500, 8000, n)),
            },
            schema=ORDER_SCHEMA,
        )
        bounds = np.searchsorted(platform, np.arange(platforms + 1))
        for k in range(platforms):
            if bounds[k + 1] > bounds[k]:
                folder = root / "orders" / f"month={MONTH}" / f"platform={names[k]}"
                folder.mkdir(parents=True, exist_ok=True)
                rows = table.slice(int(bounds[k]), int(bounds[k + 1] - bounds[k]))
                pq.write_table(rows, folder / f"batch-{id_offset + part:05d}.parquet", row_group_size=1_000_000)
        done += n
        part += 1


def _province_weights() -> np.ndarray:
    weights = 1 / np.arange(1, len(PROVINCES) + 1) ** 0.8  # populous provinces first
    return np.asarray(weights / weights.sum())


def fingerprint(lines: pa.Table) -> str:
    """The same for equal lines in the same order, whatever the chunks or string encoding."""
    digest = hashlib.sha256()
    for name in LINE_SCHEMA.names:
        column = lines[name].cast(LINE_SCHEMA.field(name).type).combine_chunks()
        if pa.types.is_string(column.type):
            encoded = column.dictionary_encode()
            digest.update(encoded.indices.to_numpy().tobytes())
            digest.update("\n".join(encoded.dictionary.to_pylist()).encode())
        else:
            digest.update(column.to_numpy().tobytes())
    return digest.hexdigest()


def _measured(kind: str, root: str, threads: int) -> dict[str, Any]:
    """One engine's run, in this (child) process: seconds, CPU seconds, peak memory, lines and fingerprint."""
    base = Path(root)
    files = order_files(base, MONTH)
    action: Callable[[], pa.Table]
    if kind == "ours":
        from socsec.rules.engine import get_formula
        from socsec.rules.parameters import load_parameters

        from .assess import assess_month

        get_formula("oip_contribution")  # the rules load once per process, as in a running service
        load_parameters()

        def action() -> pa.Table:
            return assess_month(base, MONTH, threads=threads).lines
    elif kind == "duckdb":
        from .plan import duckdb_cursor

        def action() -> pa.Table:
            con = duckdb_cursor(threads)
            try:
                return con.sql(RAW_SQL, params={"orders": files, "month": MONTH}).to_arrow_table()
            finally:
                con.close()
    else:

        def action() -> pa.Table:
            return _polars_lines(files, threads)

    wall, cpu = time.perf_counter(), time.process_time()
    lines = action()
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu_seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "lines": lines.num_rows,
        "fingerprint": fingerprint(lines),
    }


def _polars_lines(files: list[str], threads: int) -> pa.Table:
    """The same lines with Polars (orders only: the province shape has no corrections)."""
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    import polars as pl

    lines = (
        pl.scan_parquet(files, hive_partitioning=True)
        .filter(pl.col("month") == MONTH)
        .group_by(
            "platform",
            "person_id",
            (pl.col("region").str.slice(0, 2) + "0000").alias("province"),
            "sector",
        )
        .agg(pl.len().cast(pl.Int64).alias("order_count"))
        .sort("platform", "province", "sector", "person_id")
        .collect()
    )
    return lines.select(LINE_SCHEMA.names).to_arrow()


def _seconds(measured: dict[str, Any]) -> float:
    return float(measured["seconds"])


def _in_child(kind: str, root: Path, threads: int) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:  # a fresh process: its peak is this engine's
        result: dict[str, Any] = pool.apply(_measured, (kind, str(root), threads))
    return result


def _statement_ms(lines_file: Path, persons: list[int], repeat: int = 5) -> tuple[float, float]:
    """The best wall-clock and CPU time, in ms, to read a worker's lines from a run's lines file as the
    statement does (the CPU figure moves less with what else the machine runs)."""
    from .lines_files import person_lines

    best = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for person in persons:
            person_lines([str(lines_file)], person)
        best = min(best, (time.perf_counter() - wall) / len(persons))
        best_cpu = min(best_cpu, (time.process_time() - cpu) / len(persons))
    return best * 1000, best_cpu * 1000


def run_province(
    *,
    orders: int,
    workers: int,
    platforms: int,
    keep: Path | None = None,
    repeat: int = 3,
    threads: int | None = None,
) -> dict[str, Any]:
    """Generate (or reuse, with ``keep``) the province's month and measure the three engines."""
    if min(orders, workers, platforms, repeat) < 1:
        raise ValueError("orders, workers, platforms and repeat must be at least 1")
    threads = threads or os.cpu_count() or 1
    root = keep or Path(tempfile.mkdtemp(prefix="socsec-province-"))
    try:
        started = time.perf_counter()
        if not (root / "orders" / f"month={MONTH}").exists():
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                pool.apply(_generate_kw, (str(root), orders, workers, platforms))
        generate_s = time.perf_counter() - started
        sides = ["ours", "duckdb", "polars"]
        rounds: list[dict[str, dict[str, Any]]] = []
        for k in range(repeat):
            measured = {kind: _in_child(kind, root, threads) for kind in (sides if k % 2 == 0 else sides[::-1])}
            rounds.append(measured)
        best = {kind: min((r[kind] for r in rounds), key=_seconds) for kind in sides}
        cpu = {kind: min(r[kind]["cpu"] for r in rounds) for kind in sides}
        peak = {kind: max(r[kind]["peak_rss_mb"] for r in rounds) for kind in sides}
        statement = _statements(root, orders, workers, platforms, threads)
        ours, duck, polars = best["ours"], best["duckdb"], best["polars"]
        return {
            "benchmark": "assess",
            "shape": "province",
            "orders": orders,
            "workers": workers,
            "platforms": platforms,
            "provinces": len(PROVINCES),
            "lines": ours["lines"],
            "seconds": round(ours["seconds"], 3),
            "orders_per_s": round(orders / ours["seconds"]),
            "raw_duckdb_seconds": round(duck["seconds"], 3),
            "ratio_vs_raw_duckdb": round(ours["seconds"] / duck["seconds"], 3),
            "polars_seconds": round(polars["seconds"], 3),
            "ratio_vs_polars": round(ours["seconds"] / polars["seconds"], 3),
            "cpu_seconds": round(cpu["ours"], 3),
            "cpu_ratio_vs_raw_duckdb": round(cpu["ours"] / cpu["duckdb"], 3),
            "cpu_ratio_vs_polars": round(cpu["ours"] / cpu["polars"], 3),
            "peak_rss_mb": round(peak["ours"]),
            "raw_duckdb_peak_rss_mb": round(peak["duckdb"]),
            "polars_peak_rss_mb": round(peak["polars"]),
            "raw_equals_lines": duck["fingerprint"] == ours["fingerprint"],
            "polars_equals_lines": polars["fingerprint"] == ours["fingerprint"],
            **statement,
            "repeat": repeat,
            "threads": threads,
            "generate_seconds": round(generate_s, 1),
        }
    finally:
        if keep is None:
            shutil.rmtree(root, ignore_errors=True)


def _generate_kw(root: str, orders: int, workers: int, platforms: int, seed: int = 7, offset: int = 0) -> None:
    generate(Path(root), orders=orders, workers=workers, platforms=platforms, seed=seed, id_offset=offset)


def _statements(root: Path, orders: int, workers: int, platforms: int, threads: int) -> dict[str, Any]:
    """``statement_ms`` of a worker's lines, from the run's lines file as the service writes it, with the
    month as generated and again after it grew by half (a second set of batches)."""
    from .assess import assess_month
    from .lines_files import write_lines

    persons = [1, workers // 2, workers]
    figures: dict[str, Any] = {}
    grown = root / "grown"
    try:
        for name, base in (("month", root), ("month_grown", grown)):
            if base is grown:
                shutil.copytree(root / "orders", grown / "orders")
                _generate_kw(str(grown), orders // 2, workers, platforms, 8, orders)
            lines = assess_month(base, MONTH, threads=threads).lines
            path = base / "assessments" / f"month={MONTH}" / "run=0001" / "lines.parquet"
            started = time.perf_counter()
            write_lines(lines, path)
            figures[f"lines_files_write_seconds_{name}"] = round(time.perf_counter() - started, 2)
            figures[f"statement_lines_{name}"] = lines.num_rows
            wall, cpu = _statement_ms(path, persons)
            figures[f"statement_ms_{name}"], figures[f"statement_cpu_ms_{name}"] = round(wall, 2), round(cpu, 2)
            del lines
    finally:
        shutil.rmtree(grown, ignore_errors=True)
        shutil.rmtree(root / "assessments", ignore_errors=True)
    return figures
