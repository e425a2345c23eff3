"""``socsec coverage refresh-counts``: count everyone's coverage on a date again for the officer overview
(nightly for today, and after a bulk load of the register)."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys

from .common import django_setup


def _month(raw: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", raw):
        raise argparse.ArgumentTypeError(f"{raw!r} is not a month (YYYY-MM)")
    return raw


def cmd_refresh_counts(args: argparse.Namespace) -> int:
    django_setup()
    from django.utils import timezone

    from socsec.core.errors import DomainError
    from socsec.coverage.overview import coverage_counts_refresh

    on = args.on or timezone.localdate()
    try:
        snapshot = coverage_counts_refresh(on=on)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(
        f"coverage counts on {snapshot.on}: {snapshot.persons} persons, {snapshot.engagements} engagements "
        f"in force, counted in {snapshot.duration_ms} ms"
    )
    return 0


def cmd_refresh_stats(args: argparse.Namespace) -> int:
    django_setup()
    from django.utils import timezone

    from socsec.core.months import month_of
    from socsec.supervision.coverage_store import coverage_cells_refresh

    month = args.month or month_of(timezone.localdate(), -1)
    snapshot = coverage_cells_refresh(month=month)
    print(f"effective coverage of {month}: {len(snapshot.cells)} cells kept, counted in {snapshot.duration_ms} ms")
    return 0


def add_coverage(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    coverage = sub.add_parser("coverage", help="coverage figures kept for the officer overview")
    commands = coverage.add_subparsers(dest="coverage_command", required=True)
    refresh = commands.add_parser("refresh-counts", help="count everyone's coverage on a date again")
    refresh.add_argument("--on", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    refresh.set_defaults(func=cmd_refresh_counts)
    stats = commands.add_parser("refresh-stats", help="count a month's effective coverage statistics and keep them")
    stats.add_argument("--month", type=_month, help="YYYY-MM (default: last month)")
    stats.set_defaults(func=cmd_refresh_stats)
