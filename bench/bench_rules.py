"""Rules-layer speed: vectorised formulas over a large population against a one-case-at-a-time loop
(the way a per-person rules engine works), and the cost of one traced explanation (paid on each page
view). Prints JSON; the ratio compares both paths in the same run on the same machine.

    .venv/bin/python bench/bench_rules.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time

import numpy as np

from socsec.rules.engine import calc, compute, get_formula


def population(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["M", "F"]), n)
    women = rng.choice(np.array(["WOMEN_55", "WOMEN_50"]), n)  # women's original retirement group, half each
    return {
        "birth_date": (np.datetime64("1960-01-01") + rng.integers(0, 365 * 45, n)).astype("datetime64[D]"),
        "sex": sex,
        "retirement_group": np.where(sex == "M", "MEN_60", women),
        "labour_relation": rng.random(n) < 0.3,
        "other_work": rng.random(n) < 0.7,
        "city": rng.choice(np.array(["110100", "440100", "440300", "140100", "140200"]), n),
        "region": rng.choice(np.array(["110100", "440100", "440300", "140100", "140200"]), n),
        "declared_base": rng.integers(200_000, 6_000_000, n),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--loop-rows", type=int, default=2_000)
    args = parser.parse_args()
    on = dt.date(2026, 5, 1)
    pop = population(args.rows)
    dates = np.full(args.rows, np.datetime64(on, "D"))
    results = {}
    for name in ("coverage_employee_pension", "coverage_long_term_care", "contribution_base"):
        arrays = {k: pop[k] for k in get_formula(name).inputs}
        compute(name, on=dates[:10], **{k: v[:10] for k, v in arrays.items()})  # warm the parameter cache
        start = time.perf_counter()
        compute(name, on=dates, **arrays)
        vec_s = time.perf_counter() - start
        n = args.loop_rows
        start = time.perf_counter()
        for i in range(n):
            calc(name, on=on, **{k: v[i].item() for k, v in arrays.items()})
        loop_s = time.perf_counter() - start
        per_row_vec = vec_s / args.rows
        per_row_loop = loop_s / n
        results[name] = {
            "rows": args.rows,
            "vectorised_s": round(vec_s, 4),
            "rows_per_s_vectorised": round(args.rows / vec_s),
            "one_case_at_a_time_rows": n,
            "one_case_explained_ms": round(per_row_loop * 1000, 3),
            "speedup_vs_one_at_a_time": round(per_row_loop / per_row_vec, 1),
        }
    print(json.dumps({"benchmark": "rules", "results": results}, indent=2))


if __name__ == "__main__":
    main()
