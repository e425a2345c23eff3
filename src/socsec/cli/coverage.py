"""``socsec coverage refresh-counts``: count everyone's coverage on a date again for the officer overview
(nightly for today, and after a bulk load of the register)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from .common import django_setup


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


def add_coverage(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    coverage = sub.add_parser("coverage", help="coverage figures kept for the officer overview")
    commands = coverage.add_subparsers(dest="coverage_command", required=True)
    refresh = commands.add_parser("refresh-counts", help="count everyone's coverage on a date again")
    refresh.add_argument("--on", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    refresh.set_defaults(func=cmd_refresh_counts)
