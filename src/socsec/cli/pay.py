"""``socsec pay``: the month's benefit payment run."""

from __future__ import annotations

import argparse
import getpass
import sys

from .common import django_setup, domain_line, yuan


def cmd_pay(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.benefits.payments import pay_month
    from socsec.core.errors import DomainError

    try:
        result = pay_month(actor=Actor.system(f"cli:{getpass.getuser()}"), month=args.month)
    except DomainError as exc:
        print(f"error: {domain_line(exc)}", file=sys.stderr)
        return 2
    print(
        f"benefits {args.month}: {result.new_payments} new payment(s), {yuan(result.new_cents)} yuan; "
        f"{result.run.payment_count} in the run, {yuan(result.run.amount_cents)} yuan; "
        f"{len(result.suspended)} award(s) suspended; bank file {result.file}"
    )
    for path in result.rewritten:
        print(f"  bank file written again (it was absent or damaged): {path}")
    for award in result.suspended:
        print(
            f"  suspended: claim {award.claim_id} {award.item} from {award.suspended_from} - {award.suspended_reason}"
        )
    return 0


def add_pay(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pay = sub.add_parser("pay", help="the month's benefit payment run: periodic benefits, lump sums, suspensions")
    pay.add_argument("--month", required=True, help="YYYY-MM, a month that has ended")
    pay.set_defaults(func=cmd_pay)
