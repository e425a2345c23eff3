"""``socsec quality check``: screen the whole database with every data-quality rule (nightly, and after a
bulk load); the officer's dashboard reads the stored run."""

from __future__ import annotations

import argparse
import datetime as dt

from .common import django_setup


def cmd_check(args: argparse.Namespace) -> int:
    django_setup()
    from django.utils import timezone

    from socsec.audit.services import Actor
    from socsec.quality.models import QualityCount
    from socsec.quality.services import quality_check_run

    on = args.on or timezone.localdate()
    run = quality_check_run(actor=Actor.system("cli: quality check"), on=on)
    print(f"quality run {run.pk} on {run.on}: {run.findings} findings")
    for rule, province, count in QualityCount.objects.filter(run=run).values_list("rule", "province", "count"):
        print(f"  {rule} {province}: {count}")
    return 0


def add_quality(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    quality = sub.add_parser("quality", help="data-quality screening of the whole database")
    commands = quality.add_subparsers(dest="quality_command", required=True)
    check = commands.add_parser("check", help="run every data-quality rule over everyone")
    check.add_argument("--on", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    check.set_defaults(func=cmd_check)
