"""``socsec tax send`` / ``socsec tax fetch``: the month's assessed employer contributions handed to the
tax authority's exchange, and the results fetched back (paid / unpaid / part paid per employee)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from .common import django_setup, domain_line, yuan


def cmd_tax_send(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.core.errors import DomainError
    from socsec.taxexchange.runs import tax_send
    from socsec.taxexchange.sources import due_lines_csv

    actor = Actor.system(f"cli:{getpass.getuser()}")
    try:
        lines = due_lines_csv(Path(args.lines)) if args.lines else None
        report = tax_send(actor=actor, month=args.month, lines=lines)
    except DomainError as exc:
        print(f"error: {domain_line(exc)}", file=sys.stderr)
        return 2
    print(
        f"tax exchange {report.month}: {len(report.created)} document(s) written "
        f"({len(report.replaced)} replacing a corrected declaration), {len(report.unchanged)} unchanged; "
        f"{len(report.acknowledged)} acknowledged, {len(report.still_sent)} not acknowledged (tried again later)"
    )
    for document in report.still_sent:
        print(f"  not acknowledged: {document}")
    return 1 if report.still_sent else 0


def cmd_tax_fetch(args: argparse.Namespace) -> int:
    django_setup()
    from django.db.models import Sum

    from socsec.audit.services import Actor
    from socsec.taxexchange.models import CollectionResult, Handover
    from socsec.taxexchange.runs import tax_fetch

    report = tax_fetch(actor=Actor.system(f"cli:{getpass.getuser()}"), month=args.month or None)
    came = Handover.objects.filter(document_id__in=report.results_in)
    due = came.aggregate(cents=Sum("due_cents"))["cents"] or 0
    paid = CollectionResult.objects.filter(handover__in=came).aggregate(cents=Sum("paid_cents"))["cents"] or 0
    print(
        f"tax exchange: {len(report.results_in)} document(s) with results ({yuan(due)} yuan due, "
        f"{yuan(paid)} yuan paid), "
        f"{len(report.waiting)} waiting, {len(report.still_sent)} not acknowledged, "
        f"{len(report.unreachable)} unreachable, {len(report.refused)} results file(s) refused"
    )
    for document, reason in report.refused.items():
        print(f"  refused: {document}: {reason}")
    late = report.receipts
    print(
        f"later payments: {len(late.applied)} receipts file(s) recorded ({late.receipts} receipt(s)), "
        f"{len(late.unchanged)} recorded before, {len(late.refused)} refused"
        + (f"; not listed: {late.unreachable}" if late.unreachable else "")
    )
    for name, reason in late.refused.items():
        print(f"  refused: {name}: {reason}")
    failed = report.refused or report.unreachable or report.still_sent or late.refused or late.unreachable
    return 1 if failed else 0


def add_tax(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tax = sub.add_parser("tax", help="hand employers' contributions to the tax authority and fetch the results")
    commands = tax.add_subparsers(dest="tax_command", required=True)
    send = commands.add_parser("send", help="hand over a month's assessed amounts, one document per employer")
    send.add_argument("--month", required=True, help="YYYY-MM")
    send.add_argument(
        "--lines", help="a CSV file of lines (employer,person_id,month,scheme,base_cents,employer_cents,employee_cents)"
    )
    send.set_defaults(func=cmd_tax_send)
    fetch = commands.add_parser(
        "fetch", help="fetch the results of the documents handed over, and the later payments (receipts)"
    )
    fetch.add_argument("--month", help="YYYY-MM (default: every document waiting)")
    fetch.set_defaults(func=cmd_tax_fetch)
