"""Monthly employer assessment speed: N synthetic employee-months (default 10M) assessed by
``socsec.batch.employer_assessment`` (the rules' rates for the month, then one DuckDB statement per chunk),
against a hand-written DuckDB query of the same computation on the same data in the same run: a wide
per-employee row (the base once, every rate picked by joins on region and on class x step) cut into one row
per scheme. The two results are compared equal (EXCEPT ALL both ways, untimed). The rows are made and
assessed in chunks (--chunk-rows) so that memory stays bounded. Prints one JSON line.

    PYTHONPATH=$PWD/src .venv/bin/python bench/employers.py [--rows 10000000] [--chunk-rows 500000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from socsec.batch.employer_assessment import (
    DECLARED_SCHEMA,
    PayrollScheme,
    assess_employee_months,
    resolve_employer_rates,
)
from socsec.rules.engine import all_formulas
from socsec.rules.parameters import load_parameters

MONTH = dt.date(2026, 1, 1)
REGIONS = ["440300", "440100", "110000", "110100", "140100", "140000"]

HAND_WRITTEN = """
WITH wide AS (
    SELECT d."row", d.employer_id, d.person_id, coalesce(d.ltc_pilot, false) AS pilot,
           least(greatest(coalesce(nullif(d.base_wage_cents, 0), d.wage_cents), g.floor_cents), g.ceiling_cents)
               AS base, g.*, i.injury_rate
    FROM declared d
    JOIN regional g ON g.region_code = d.region_code
    JOIN injury i ON i.industry_class = d.industry_class AND i.injury_float_step = d.injury_float_step
)
SELECT w."row", w.employer_id, w.person_id, s.scheme, w.base AS base_cents,
       CAST(floor(round(w.base * CASE s.scheme WHEN 'PENSION' THEN w.pension_er WHEN 'MEDICAL' THEN w.medical_er
            WHEN 'MATERNITY' THEN w.maternity_er WHEN 'UNEMPLOYMENT' THEN w.unemployment_er
            WHEN 'WORK_INJURY' THEN w.injury_rate
            ELSE CASE WHEN w.pilot THEN w.care_er ELSE 0 END END, 6) + 0.5) AS BIGINT) AS employer_cents,
       CAST(floor(round(w.base * CASE s.scheme WHEN 'PENSION' THEN w.pension_ee WHEN 'MEDICAL' THEN w.medical_ee
            WHEN 'MATERNITY' THEN w.maternity_ee WHEN 'UNEMPLOYMENT' THEN w.unemployment_ee
            WHEN 'WORK_INJURY' THEN 0
            ELSE CASE WHEN w.pilot THEN w.care_ee ELSE 0 END END, 6) + 0.5) AS BIGINT) AS employee_cents
FROM wide w CROSS JOIN schemes s
"""


def hand_written_rates(rates: pa.Table) -> tuple[pa.Table, pa.Table]:
    """The baseline's own shape of the same rules figures: one row per region, one per class x step."""
    con = duckdb.connect()
    con.register("rates", rates)
    picks = []
    for scheme, short in (
        ("PENSION", "pension"),
        ("MEDICAL", "medical"),
        ("MATERNITY", "maternity"),
        ("UNEMPLOYMENT", "unemployment"),
        ("LONG_TERM_CARE", "care"),
    ):
        picks.append(f"any_value(employer_rate) FILTER (WHERE scheme = '{scheme}') AS {short}_er")
        picks.append(f"any_value(employee_rate) FILTER (WHERE scheme = '{scheme}') AS {short}_ee")
    regional = con.sql(
        f"SELECT region_code, any_value(floor_cents) AS floor_cents, any_value(ceiling_cents) AS ceiling_cents, "
        f"{', '.join(picks)} FROM rates GROUP BY region_code"
    ).to_arrow_table()
    injury = con.sql(
        "SELECT DISTINCT industry_class, injury_float_step, employer_rate AS injury_rate FROM rates "
        "WHERE scheme = 'WORK_INJURY'"
    ).to_arrow_table()
    con.close()
    return regional, injury


def declared_chunk(start: int, n: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    risk = rng.integers(1, 9, n)
    step = np.where(risk == 1, rng.integers(0, 3, n), rng.integers(-2, 3, n))
    wage = rng.integers(150_000, 5_000_000, n)
    base = rng.integers(150_000, 5_000_000, n)
    new = rng.random(n) < 0.1
    return pa.Table.from_arrays(
        [
            pa.array(np.arange(start, start + n, dtype=np.int64)),
            pa.array(rng.integers(1, 50_000, n)),
            pa.array(np.arange(start, start + n, dtype=np.int64) + 10_000_000_000),
            pa.array(np.asarray(REGIONS)[rng.integers(0, len(REGIONS), n)]),
            pa.array(risk.astype(np.int8)),
            pa.array(step.astype(np.int8)),
            pa.array(wage),
            pa.array(base, mask=new),
            pa.array(rng.random(n) < 0.3),
        ],
        schema=DECLARED_SCHEMA,
    )


def differences(con: duckdb.DuckDBPyConnection, core: pa.Table, baseline: pa.Table) -> int:
    con.register("core_result", core)
    con.register("baseline_result", baseline)
    found = con.execute(
        "SELECT (SELECT count(*) FROM (SELECT * FROM core_result EXCEPT ALL SELECT * FROM baseline_result)) + "
        "(SELECT count(*) FROM (SELECT * FROM baseline_result EXCEPT ALL SELECT * FROM core_result))"
    ).fetchall()
    con.unregister("core_result")
    con.unregister("baseline_result")
    return int(found[0][0])


def run(rows: int, chunk_rows: int, threads: int | None) -> dict[str, Any]:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    started = time.perf_counter()
    load_parameters()  # the process's one-off start: the YAML tree parsed, the formulas registered
    all_formulas()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    rates = resolve_employer_rates(month=MONTH, region_codes=REGIONS)
    resolve_seconds = time.perf_counter() - started
    regional, injury = hand_written_rates(rates)
    con.register("regional", regional)
    con.register("injury", injury)
    con.register("schemes", pa.table({"scheme": [s.value for s in PayrollScheme]}))
    core_seconds = resolve_seconds
    baseline_seconds = 0.0
    result_rows = 0
    unequal = 0
    for number, start in enumerate(range(0, rows, chunk_rows)):
        declared = declared_chunk(start + 1, min(chunk_rows, rows - start), seed=number)
        started = time.perf_counter()
        core = assess_employee_months(declared, rates, connection=con)
        core_seconds += time.perf_counter() - started
        con.register("declared", declared)
        started = time.perf_counter()
        baseline = con.sql(HAND_WRITTEN).to_arrow_table()
        baseline_seconds += time.perf_counter() - started
        con.unregister("declared")
        result_rows += core.num_rows
        unequal += differences(con, core, baseline) + abs(core.num_rows - baseline.num_rows)
        del core, baseline, declared
    con.close()
    return {
        "bench": "employers",
        "employee_months": rows,
        "result_rows": result_rows,
        "chunk_rows": chunk_rows,
        "seconds": round(core_seconds, 3),
        "resolve_seconds": round(resolve_seconds, 4),
        "rules_load_seconds": round(load_seconds, 3),
        "rows_per_s": round(rows / core_seconds) if core_seconds else None,
        "duckdb_seconds": round(baseline_seconds, 3),
        "ratio_vs_duckdb": round(core_seconds / baseline_seconds, 3) if baseline_seconds else None,
        "equal": unequal == 0,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "threads": threads or "duckdb default",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=10_000_000, help="employee-months to assess")
    parser.add_argument("--chunk-rows", type=int, default=500_000, help="employee-months per chunk")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: DuckDB's)")
    args = parser.parse_args()
    if args.rows < 1 or args.chunk_rows < 1:
        parser.error("--rows and --chunk-rows must be at least 1")
    result = run(args.rows, args.chunk_rows, args.threads)
    print(json.dumps(result))
    return 0 if result["equal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
