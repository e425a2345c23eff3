"""``socsec export``: data for other uses (the insured persons' records for a projection)."""

from __future__ import annotations

import argparse
import io

from .common import django_setup


def cmd_export_records(args: argparse.Namespace) -> int:
    """The insured persons' records as the actuarial projection reads them (initial.history: records)."""
    from pathlib import Path

    from socsec.core.csvsafe import csv_writer

    django_setup()
    from socsec.batch.store import write_text_atomic
    from socsec.benefits.selectors import RECORD_HEADER, insured_records

    rows = insured_records(year=args.year)
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(RECORD_HEADER)
    writer.writerows(rows)
    write_text_atomic(out.getvalue(), Path(args.out).resolve())
    active = sum(1 for r in rows if r[2] == "active")
    print(
        f"{len(rows)} insured persons at the start of {args.year} ({active} active, "
        f"{len(rows) - active} pensioners): {args.out}"
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
