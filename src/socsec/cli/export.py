"""``socsec export``: data for other uses (the insured persons' records for a projection)."""

from __future__ import annotations

import argparse
import getpass

from .common import django_setup


def cmd_export_records(args: argparse.Namespace) -> int:
    """The insured persons' records as the actuarial projection reads them (initial.history: records)."""
    from pathlib import Path

    django_setup()
    from socsec.audit.services import Actor
    from socsec.benefits.records_export import insured_records_export

    done = insured_records_export(
        actor=Actor.system(f"cli:{getpass.getuser()}"), year=args.year, path=Path(args.out).resolve()
    )
    print(
        f"{done.persons} insured persons at the start of {args.year} ({done.active} active, "
        f"{done.persons - done.active} pensioners): {args.out}"
    )
    return 0


def add_export(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export", help="data for other uses")
    export_sub = export.add_subparsers(dest="export_command", required=True)
    records = export_sub.add_parser(
        "insured-records", help="one row per insured person, for a projection that starts from the records"
    )
    records.add_argument("--year", type=int, required=True, help="the projection's start year")
    records.add_argument("--out", required=True, help="the CSV file to write")
    records.set_defaults(func=cmd_export_records)
