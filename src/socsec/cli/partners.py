"""``socsec partners``: a partner's feed from a file (a death register, hospital records), applied as the
partner API applies it, under the partner's agreement; and the yearly check of pensioners by data."""

from __future__ import annotations

import argparse
import getpass

from .common import django_setup


def cmd_partners_feed(args: argparse.Namespace) -> int:
    from pathlib import Path

    django_setup()
    from socsec.partners.access import PartnerCall
    from socsec.partners.feeds import feed_receive, read_feed_csv
    from socsec.partners.models import Agreement

    agreement = Agreement.objects.select_related("partner").filter(reference=args.agreement).first()
    if agreement is None:
        print(f"no agreement with the reference {args.agreement}")
        return 2
    path = Path(args.file)
    rows = read_feed_csv(path.read_bytes())
    call = PartnerCall(agreement=agreement, scopes=frozenset(agreement.scopes))
    feed, replayed = feed_receive(
        call=call,
        kind=args.kind,
        rows=rows,
        idempotency_key=args.key or path.name,
        first_row=2,
        source=f"file:{path.name}",
    )
    state = "already received: nothing done again" if replayed else "received"
    print(
        f"feed {feed.pk} ({feed.kind}) {state}: {feed.rows_total} rows, {feed.rows_applied} applied, "
        f"{feed.rows_unchanged} already known, {feed.rows_refused} refused"
    )
    for error in feed.errors[:20]:
        print(f"  row {error['row']} {error['field']} [{error['code']}]: {error['message']}")
    return 0 if not feed.rows_refused else 1


def cmd_partners_check_pensioners(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.partners.proof_of_life import pensioners_check_year

    run = pensioners_check_year(actor=Actor.system(f"cli:{getpass.getuser()}"), year=args.year)
    print(
        f"pensioners of {run.year}: {run.confirmed} confirmed by data, {run.deceased} with a death recorded, "
        f"{run.needs_attention} to look at"
    )
    return 0


def add_partners(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    partners = sub.add_parser("partners", help="other departments' feeds; the yearly check of pensioners")
    partners_sub = partners.add_subparsers(dest="partners_command", required=True)
    feed = partners_sub.add_parser("feed", help="apply a partner's CSV feed under its agreement")
    feed.add_argument("--agreement", required=True, help="the agreement's reference")
    feed.add_argument("--kind", required=True, choices=["deaths", "injuries"])
    feed.add_argument("--key", default="", help="the feed's idempotency key (default: the file's name)")
    feed.add_argument("file", help="the CSV file, with a header row")
    feed.set_defaults(func=cmd_partners_feed)
    check = partners_sub.add_parser("check-pensioners", help="confirm the pensioners of a year by data")
    check.add_argument("--year", type=int, required=True)
    check.set_defaults(func=cmd_partners_check_pensioners)
