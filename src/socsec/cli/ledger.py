"""``socsec ledger fold-totals`` (nightly): each fund's monthly totals folded into one row per key, as the
postings keep them; ``socsec ledger check-totals``: the totals compared with every fund entry (after a
restore, or when a figure is doubted), exit 1 where they differ; ``--rebuild`` makes them again."""

from __future__ import annotations

import argparse
import sys
import time

from .common import django_setup


def cmd_fold_totals(_args: argparse.Namespace) -> int:
    django_setup()
    from socsec.ledger.totals import fold

    start = time.perf_counter()
    before, after = fold()
    print(f"fund monthly totals folded: {before} rows into {after} in {time.perf_counter() - start:.1f} s")
    return 0


def cmd_check_totals(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.ledger.totals import drift, rebuild

    if args.rebuild:
        print(f"fund monthly totals made again from the entries: {rebuild()} rows")
    found = drift()
    for d in found:
        print(
            f"{d.account} {d.month:%Y-%m} {d.source_kind} {d.item or '-'}: kept {d.kept_cents} cents,"
            f" the entries sum to {d.entries_cents}",
            file=sys.stderr,
        )
    if found:
        print(
            f"{len(found)} fund months differ from the ledger's entries (--rebuild makes them again)", file=sys.stderr
        )
        return 1
    print("fund monthly totals agree with the ledger's entries")
    return 0


def add_ledger(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ledger = sub.add_parser("ledger", help="the funds' monthly totals kept beside the ledger")
    commands = ledger.add_subparsers(dest="ledger_command", required=True)
    fold = commands.add_parser("fold-totals", help="fold each fund month's rows into one (nightly)")
    fold.set_defaults(func=cmd_fold_totals)
    check = commands.add_parser("check-totals", help="compare the funds' monthly totals with the entries")
    check.add_argument("--rebuild", action="store_true", help="make the totals again from the entries first")
    check.set_defaults(func=cmd_check_totals)
