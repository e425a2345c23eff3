"""``socsec bench``: benchmarks that print one JSON line (``bench assess``: the monthly assessment)."""

from __future__ import annotations

import argparse
import json
import sys

PROVINCE_ORDERS = 40_000_000  # about 10M lines of 5M workers on 200 platforms


def cmd_bench_assess(args: argparse.Namespace) -> int:
    from pathlib import Path

    from socsec.batch.bench import run

    if min(1 if args.orders is None else args.orders, args.repeat, args.workers, args.platforms) < 1:
        print("error: --orders, --repeat, --workers and --platforms must be at least 1", file=sys.stderr)
        return 2
    keep = Path(args.keep) if args.keep else None
    if args.shape == "province":
        from socsec.batch.bench_province import run_province

        figures = run_province(
            orders=args.orders or PROVINCE_ORDERS,
            workers=args.workers,
            platforms=args.platforms,
            keep=keep,
            repeat=args.repeat,
            threads=args.threads,
        )
    else:
        figures = run(args.orders or 1_000_000, keep=keep, repeat=args.repeat, threads=args.threads)
    print(json.dumps(figures), flush=True)
    return 0


def add_bench(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench = sub.add_parser("bench", help="benchmarks (print JSON; targets are checked by reading it)")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True)
    bench_assess = bench_sub.add_parser(
        "assess", help="the monthly assessment on N synthetic orders against a hand-written DuckDB SQL"
    )
    bench_assess.add_argument(
        "--shape",
        choices=["month", "province"],
        default="month",
        help="month: 11 platforms, a long tail of workers, corrections; province: --workers workers on "
        "--platforms platforms with Zipf-skewed shares in 31 provinces, each engine's peak memory apart",
    )
    bench_assess.add_argument(
        "--orders", type=int, help=f"orders in the month (default 1,000,000; {PROVINCE_ORDERS:,} for a province)"
    )
    bench_assess.add_argument("--workers", type=int, default=5_000_000, help="the province's workers")
    bench_assess.add_argument("--platforms", type=int, default=200, help="the province's platforms")
    bench_assess.add_argument("--keep", help="reuse or keep the generated month's files in this folder")
    bench_assess.add_argument("--repeat", type=int, default=3, help="rounds; the best of each side is kept")
    bench_assess.add_argument("--threads", type=int, help="DuckDB threads for every side (default: all cores)")
    bench_assess.set_defaults(func=cmd_bench_assess)
