"""Actuarial projection speed: one deterministic 100-year projection of the baseline, and N stochastic
runs (5,000 by default) with their percentiles. For a ratio in the same run, it also times a plain loop
of single-run projections over a few runs and scales it to N (what the vectorised runs replace).
Prints one JSON line; the scenario's preparation (reading files, the rules' parameters and the retirement
ages per cohort) is timed apart as ``prepare_s``.

    .venv/bin/python bench/project.py [--runs 5000]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from socsec.actuarial.prepare import prepare
from socsec.actuarial.projection import project, project_runs
from socsec.actuarial.run import PERCENTILES
from socsec.actuarial.scenario import load_scenario
from socsec.actuarial.stochastic import shocks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5000)
    parser.add_argument("--scenario", default="baseline.yaml")
    parser.add_argument("--repeat", type=int, default=5, help="deterministic repeats (the best is kept)")
    parser.add_argument("--loop-runs", type=int, default=20, help="single-run loop size for the ratio")
    args = parser.parse_args()

    start = time.perf_counter()
    prepared = prepare(load_scenario(args.scenario))
    prepare_s = time.perf_counter() - start
    years = len(prepared.years)

    project(prepared)  # warm-up
    deterministic = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        project(prepared)
        deterministic.append(time.perf_counter() - start)

    start = time.perf_counter()
    x = shocks(prepared, args.runs)
    result = project_runs(prepared, x)
    cost = result.series["pension_expenditure"] / result.series["insurable_earnings"]
    fan = np.percentile(cost, PERCENTILES, axis=0)
    stochastic_s = time.perf_counter() - start

    loop = min(args.loop_runs, args.runs)
    start = time.perf_counter()
    for i in range(loop):
        project(prepared, x[i : i + 1], keep_detail=False)
    loop_s = (time.perf_counter() - start) / loop * args.runs

    print(
        json.dumps(
            {
                "deterministic_100y_s": round(min(deterministic), 4),
                "stochastic_runs": args.runs,
                "stochastic_s": round(stochastic_s, 3),
                "years": years,
                "prepare_s": round(prepare_s, 3),
                "single_run_loop_s_scaled": round(loop_s, 2),
                "speedup_vs_loop": round(loop_s / stochastic_s, 1),
                "median_cost_rate_last_year": round(float(fan[2, -1]), 4),
            }
        )
    )


if __name__ == "__main__":
    main()
