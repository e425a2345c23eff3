"""Scale: a database of N persons (1.2N engagements, N/10 awards, a year of records) built with COPY on
PostgreSQL (``DATABASE_URL``) or in big transactions on the embedded SQLite, then the steps an agency runs
at that size, each under a time cap: the pay run of a month, the officer overview, person search by name
and by resident ID, a worker's statement, the insured-records export, the supervisor's fund dashboard and a
month's effective coverage statistics, and the whole risk screening (with three months of platform orders
written to the order store first, about 10 per engagement, untimed). The same steps at M persons
(``--compare-persons``, built in the same run) give each step's time ratio, against the linear limit
N/M x 1.1. Prints one JSON line.

    .venv/bin/python bench/scale.py --persons 20000
    DATABASE_URL=postgresql://... nice -n 10 .venv/bin/python bench/scale.py --persons 10000000 --reuse
    DATABASE_URL=postgresql://... .venv/bin/python bench/scale.py --persons 1000000 --build-only --reuse

On PostgreSQL each size has its own database, ``<name>_scale_<N>``; ``--reuse`` keeps a database that
already holds the rows (none is dropped) and skips its build. Writing steps (the pay run, the export's
read log) run in a transaction rolled back after the timing, so a kept database stays reusable, and on
PostgreSQL the database is vacuumed after them (untimed): the next step finds it as a commit leaves it.

Resident IDs are real AES-GCM ciphertexts with real blind indexes, one per person; names too, one ciphertext
per distinct name in a chunk of persons (namesakes in a chunk share it); the encrypted JSON of claims (facts,
assessment) and awards' empty beneficiary are one ciphertext each, reused. Own contributions' explanations
come from the rules (one per city, quarter and base, reused) kept to formulas, values, inputs and steps (the
whole one is ~9.5 KB a row); awards' explanations are a stub naming them as drawn (the pay run and the
export do not read them)."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TODAY = dt.date(2026, 12, 2)
OVERVIEW_ON = dt.date(2026, 12, 1)
EXPORT_YEAR = 2027  # the insured at the start of 2027: the records of 2026
STEPS_TIMED = [
    "pay_run",
    "overview_count",
    "overview",
    "search_name_p95",
    "search_resident_id_p95",
    "statement_p95",
    "export",
    "fund_dashboard",
    "coverage_stats",
    "risk_screen",
]


def adapters() -> dict[str, Callable[..., Any]]:
    """The public functions each step calls: one line each, to repoint when a faster one replaces it."""
    from scale_rows import PAY_MONTH, RECORD_YEAR

    from socsec.audit.services import Actor
    from socsec.benefits.payments import pay_month
    from socsec.cli.export import cmd_export_records
    from socsec.contributions.statements import worker_statement
    from socsec.coverage.overview import coverage_counts_refresh, coverage_overview
    from socsec.registry.selectors import person_search
    from socsec.risk.services import risk_screen
    from socsec.supervision.collection import collection_on
    from socsec.supervision.coverage_stats import coverage_cells
    from socsec.supervision.funds import fund_months
    from socsec.supervision.statistics import DEFAULT_THRESHOLD
    from socsec.supervision.suppression import publish

    actor = Actor.system("bench-scale")
    return {
        "pay_run": lambda: pay_month(actor=actor, month=PAY_MONTH, today=TODAY),
        # the background count the overview reads (a job, or `socsec coverage refresh-counts`), then the read
        "overview_count": lambda: coverage_counts_refresh(on=OVERVIEW_ON),
        "overview": lambda: coverage_overview(OVERVIEW_ON),
        "search": lambda query: person_search(query=query),
        "statement": lambda person_id: worker_statement(person_id=person_id, year=RECORD_YEAR),
        "export": lambda out: cmd_export_records(argparse.Namespace(year=EXPORT_YEAR, out=out)),
        # every fund's months from the ledger and the platforms' contributions with their arrears by age
        "fund_dashboard": lambda: (fund_months(until=PAY_MONTH), collection_on(OVERVIEW_ON)),
        # a month's effective coverage over everyone, published by dimension with small rows withheld
        "coverage_stats": lambda: publish(coverage_cells(PAY_MONTH), threshold=DEFAULT_THRESHOLD),
        # the whole risk screening: claims, engagements, payments and deaths read from the database, the
        # platforms' orders from the order store's files (``scale_orders``), every rule, the cases kept
        "risk_screen": lambda: risk_screen(actor=actor, on=OVERVIEW_ON, trigger="COMMAND"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--compare-persons", type=int, default=None, help="default N/10; 0: no comparison")
    parser.add_argument("--step-timeout", type=float, default=600.0, help="seconds a step may take")
    parser.add_argument("--samples", type=int, default=200, help="queries per sampled step")
    parser.add_argument("--chunk", type=int, default=250_000, help="persons drawn and written at once")
    parser.add_argument("--reuse", action="store_true", help="keep and reuse databases that hold the rows")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--build-only", action="store_true", help="build (or find) the databases, time nothing")
    parser.add_argument("--steps", default=",".join(STEPS_TIMED), help="the steps to time, comma-separated")
    parser.add_argument("--one-size", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = sorted(set(args.steps.split(",")) - set(STEPS_TIMED))
    if unknown:
        parser.error(f"--steps: no step {', '.join(unknown)}; the steps are {', '.join(STEPS_TIMED)}")
    if args.one_size:
        from scale_steps import one_size

        print(json.dumps(one_size(args)))
        return
    compare = args.persons // 10 if args.compare_persons is None else args.compare_persons
    sizes = [s for s in (compare, args.persons) if s > 0]
    sqlite_dir = Path(tempfile.gettempdir()) / "socsec-scale" if args.reuse else Path(tempfile.mkdtemp(prefix="scale-"))
    results = {size: _run_size(size, args, sqlite_dir) for size in dict.fromkeys(sizes)}
    out: dict[str, Any] = {
        "benchmark": "scale",
        "engine": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        "persons": args.persons,
        "compare_persons": compare or None,
        "step_timeout_s": args.step_timeout,
        "at_persons": results[args.persons],
    }
    if compare and compare != args.persons and not args.build_only:
        small, large = results[compare]["steps"], results[args.persons]["steps"]
        limit = args.persons / compare * 1.1
        ratios = {s: _ratio(large.get(s), small.get(s)) for s in STEPS_TIMED if s in large}
        out["at_compare_persons"] = results[compare]
        out["ratio_vs_compare"] = ratios
        out["linear_limit"] = round(limit, 2)
        out["linear_or_better"] = {s: (r <= limit if isinstance(r, float) else None) for s, r in ratios.items()}
    print(json.dumps(out))


def _ratio(large: Any, small: Any) -> float | str | None:
    if large == "timeout":
        return "timeout"
    if not isinstance(large, (int, float)) or not isinstance(small, (int, float)) or small <= 0:
        return None
    return round(large / small, 2)


def _run_size(size: int, args: argparse.Namespace, sqlite_dir: Path) -> dict[str, Any]:
    """One size in its own process (its own database and Django set-up); its JSON line."""
    env = dict(os.environ)
    env["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(prefix="scale-var-")
    url = os.environ.get("DATABASE_URL")
    if url:
        parts = urlsplit(url)
        name = parts.path.lstrip("/") or "socsec"
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}_scale_{size}"))
        _create_database(url, f"{name}_scale_{size}", drop=not args.reuse)
    else:
        sqlite_dir.mkdir(parents=True, exist_ok=True)
        path = sqlite_dir / f"scale-{size}.sqlite3"
        if not args.reuse:
            path.unlink(missing_ok=True)
        env["SOCSEC_SQLITE_PATH"] = str(path)
    command = [sys.executable, __file__, "--one-size", "--persons", str(size)]
    for flag in ("step_timeout", "samples", "chunk", "seed", "steps"):
        command += [f"--{flag.replace('_', '-')}", str(getattr(args, flag))]
    command += ["--reuse"] if args.reuse else []
    command += ["--build-only"] if args.build_only else []
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the run at {size} persons failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _create_database(url: str, name: str, *, drop: bool) -> None:
    import psycopg

    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def quiet(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` with its printing kept out of the JSON line."""
    with contextlib.redirect_stdout(io.StringIO()):
        return fn()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
