"""``socsec bench``: benchmarks that print one JSON line (``bench assess``: the monthly assessment)."""

from __future__ import annotations

import argparse
import json
import sys


def cmd_bench_assess(args: argparse.Namespace) -> int:
    from pathlib import Path

    from socsec.batch.bench import run

    if args.orders < 1 or args.repeat < 1:
        print("error: --orders and --repeat must be at least 1", file=sys.stderr)
        return 2
    keep = Path(args.keep) if args.keep else None
    print(json.dumps(run(args.orders, keep=keep, repeat=args.repeat, threads=args.threads)), flush=True)
    return 0


def add_bench(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = sub.add_parser("bench", help="benchmarks (print JSON; targets are checked by reading it)")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True)
    bench_assess = bench_sub.add_parser(
        "assess", help="the monthly assessment on N synthetic orders against a hand-written DuckDB SQL"
    )
    bench_assess.add_argument("--orders", type=int, default=1_000_000, help="orders in the month")
    bench_assess.add_argument("--keep", help="reuse or keep the generated month's files in this folder")
    bench_assess.add_argument("--repeat", type=int, default=3, help="rounds; the best of each side is kept")
    bench_assess.add_argument("--threads", type=int, help="DuckDB threads for every side (default: all cores)")
    bench_assess.set_defaults(func=cmd_bench_assess)
