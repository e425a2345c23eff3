"""``socsec employers``: an employer's payroll file of a month declared (or corrected), and a month's
assessment run again."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import re
import sys

from .common import django_setup, domain_line, yuan


def cmd_employers_declare(args: argparse.Namespace) -> int:
    django_setup()
    from pathlib import Path

    from socsec.audit.services import Actor
    from socsec.batch.uploads import upload_format
    from socsec.core.errors import DomainError
    from socsec.core.stored import file_sha256
    from socsec.employers.declarations import payroll_declare
    from socsec.employers.selectors import statement_month
    from socsec.registry.selectors import organisation_get

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2
    key = args.key or f"file-sha256:{file_sha256(path)}"
    try:
        employer = organisation_get(code=args.employer)
        declaration, replayed = payroll_declare(
            actor=Actor.system(f"cli:{getpass.getuser()}"),
            employer=employer,
            month=args.month,
            path=path,
            fmt=args.format or upload_format(path.name),
            idempotency_key=key,
            correction=args.correction,
            source=f"cli:{path.name}",
        )
    except DomainError as exc:
        print(f"error: {domain_line(exc)}", file=sys.stderr)
        return 2
    state = "already declared (nothing changed)" if replayed else declaration.status.lower()
    print(
        f"declaration {declaration.pk} ({declaration.kind.lower()}) of {employer.code} for {declaration.month}: "
        f"{state}; rows {declaration.rows_total}, valid {declaration.rows_valid}, invalid {declaration.rows_invalid}"
    )
    for error in declaration.errors[:20]:
        print(f"  row {error['row']} {error['field']}: {error['message']}")
    if declaration.rows_invalid > 20:
        counts = ", ".join(f"{code} {n}" for code, n in declaration.error_counts.items())
        print(f"  ... more ({counts}); the first {len(declaration.errors)} are in the error report")
    if declaration.status == declaration.Status.ACCEPTED:
        totals = statement_month(employer=employer, month=declaration.month)
        print(
            f"assessed: {totals.employees} employee(s); employer {yuan(totals.employer_cents)} yuan, "
            f"employees {yuan(totals.employee_cents)} yuan"
        )
    return 0


def cmd_employers_assess(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.core.errors import DomainError
    from socsec.employers.assessment import employer_month_assess
    from socsec.employers.selectors import statement_month
    from socsec.registry.selectors import organisation_get

    try:
        employer = organisation_get(code=args.employer)
        employer_month_assess(actor=Actor.system(f"cli:{getpass.getuser()}"), employer=employer, month=args.month)
    except DomainError as exc:
        print(f"error: {domain_line(exc)}", file=sys.stderr)
        return 2
    totals = statement_month(employer=employer, month=args.month)
    print(
        f"{employer.code} {args.month}: {totals.employees} employee(s); employer {yuan(totals.employer_cents)} yuan, "
        f"employees {yuan(totals.employee_cents)} yuan"
    )
    return 0


def cmd_employers_profile(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.core.clock import database_today
    from socsec.core.errors import DomainError
    from socsec.employers.profiles import employer_profile_set
    from socsec.registry.selectors import organisation_get

    try:
        profile = employer_profile_set(
            actor=Actor.system(f"cli:{getpass.getuser()}"),
            employer=organisation_get(code=args.employer),
            industry_class=args.industry_class,
            injury_float_step=args.step,
            on=args.effective_from or database_today(),
        )
    except DomainError as exc:
        print(f"error: {domain_line(exc)}", file=sys.stderr)
        return 2
    print(
        f"{args.employer} from {args.effective_from or database_today()}: industry risk class {args.industry_class}, "
        f"floating step {args.step} (now: class {profile.industry_class}, step {profile.injury_float_step})"
    )
    return 0


def cmd_employers_not_declared(args: argparse.Namespace) -> int:
    """The employers with labour relations in force in the month that did not declare it, one a line; exit
    status 1 when there is any (a check a scheduler can watch)."""
    django_setup()
    from socsec.core.clock import database_today
    from socsec.core.months import month_of
    from socsec.employers.undeclared import employers_not_declaring_all

    month = args.month or month_of(database_today(), -1)
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        print(f"error: --month {month!r} is not YYYY-MM", file=sys.stderr)
        return 2
    found = 0
    for employer in employers_not_declaring_all(month=month):
        found += 1
        print(f"{employer.code}\t{month}\t{employer.employees} employee(s) in a labour relation, not declared")
    print(f"{found} employer(s) did not declare {month}")
    return 1 if found else 0


def add_employers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    employers = sub.add_parser("employers", help="employers' payroll declarations")
    employers_sub = employers.add_subparsers(dest="employers_command", required=True)
    declare = employers_sub.add_parser("declare", help="declare a month's payroll from a file (CSV, .xlsx, ...)")
    declare.add_argument("file")
    declare.add_argument("--employer", required=True, help="the employer's organisation code")
    declare.add_argument("--month", required=True, help="YYYY-MM")
    declare.add_argument("--correction", action="store_true", help="replace the month's accepted declaration")
    declare.add_argument("--key", help="idempotency key (default: the file's SHA-256)")
    declare.add_argument("--format", choices=["csv", "xlsx", "parquet", "jsonl"], help="default: from the name")
    declare.set_defaults(func=cmd_employers_declare)

    assess = employers_sub.add_parser("assess", help="assess a declared month again")
    assess.add_argument("--employer", required=True, help="the employer's organisation code")
    assess.add_argument("--month", required=True, help="YYYY-MM")
    assess.set_defaults(func=cmd_employers_assess)

    profile = employers_sub.add_parser("profile", help="set an employer's industry risk class and floating step")
    profile.add_argument("--employer", required=True, help="the employer's organisation code")
    profile.add_argument("--class", dest="industry_class", type=int, required=True, help="1 to 8")
    profile.add_argument("--step", type=int, default=0, help="the work-injury floating step (-2 to 2)")
    profile.add_argument(
        "--from",
        dest="effective_from",
        type=dt.date.fromisoformat,
        help="YYYY-MM-DD: the day it applies from (default today); a month takes the standing of its first day",
    )
    profile.set_defaults(func=cmd_employers_profile)

    undeclared = employers_sub.add_parser(
        "not-declared", help="employers with labour relations in force in a month that did not declare it"
    )
    undeclared.add_argument("--month", help="YYYY-MM (default: last month)")
    undeclared.set_defaults(func=cmd_employers_not_declared)
