"""``socsec credit-interest``: a year's interest on the employee-pension individual accounts."""

from __future__ import annotations

import argparse
import getpass
import sys

from .common import django_setup, yuan


def cmd_credit_interest(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.core.errors import DomainError
    from socsec.pension_accounts.services import interest_credit

    try:
        result = interest_credit(actor=Actor.system(f"cli:{getpass.getuser()}"), year=args.year)
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(
        f"interest {result.year}: {len(result.credited)} individual account(s) credited, "
        f"{yuan(result.amount_cents)} yuan; {result.already_credited} credited before (unchanged)"
    )
    return 0


def add_credit_interest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    interest = sub.add_parser(
        "credit-interest", help="credit a year's interest to the employee-pension individual accounts (once)"
    )
    interest.add_argument("--year", type=int, required=True, help="YYYY, a year that is over")
    interest.set_defaults(func=cmd_credit_interest)
