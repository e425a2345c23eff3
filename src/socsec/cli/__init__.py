"""The ``socsec`` command. ``rules`` subcommands run on the pure rules layer and never start Django."""

# One module per command group (serve, demo, manage, ingest, employers, assess, interest, coverage, ledger,
# project, export, pay, partners, tax, agency, bench, keys, token, otp, audit, rules) adds its subcommands to the
# parser; they import Django only when they run.

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from . import (
    agency,
    assess,
    audit,
    bench,
    coverage,
    demo,
    employers,
    export,
    ingest,
    interest,
    keys,
    ledger,
    manage,
    notify,
    otp,
    partners,
    pay,
    project,
    quality,
    risk,
    rules,
    serve,
    storage,
    tax,
    tokens,
)
from .common import run_guarded

PRIVATE_UMASK = 0o077


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="socsec", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    demo.add_demo(sub)
    serve.add_serve(sub)
    manage.add_migrate(sub)
    manage.add_create_officer(sub)
    ingest.add_ingest(sub)
    employers.add_employers(sub)
    assess.add_assess(sub)
    interest.add_credit_interest(sub)
    coverage.add_coverage(sub)
    quality.add_quality(sub)
    ledger.add_ledger(sub)
    project.add_project(sub)
    export.add_export(sub)
    pay.add_pay(sub)
    partners.add_partners(sub)
    tax.add_tax(sub)
    agency.add_agency(sub)
    storage.add_storage(sub)
    bench.add_bench(sub)
    keys.add_rekey(sub)
    audit.add_audit(sub)
    manage.add_manage(sub)
    tokens.add_token(sub)
    notify.add_notify(sub)
    otp.add_otp(sub)
    rules.add_rules(sub)
    risk.add_risk(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(PRIVATE_UMASK)  # the SQLite file, data files and exports: readable by the owner alone
    args = build_parser().parse_args(argv)
    return run_guarded(args)
