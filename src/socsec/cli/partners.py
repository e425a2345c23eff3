"""``socsec partners``: a partner department and its agreement (its client credentials shown once); a
partner's feed from a file (a death register, hospital records), applied as the
partner API applies it, under the partner's agreement; and the yearly check of pensioners by data."""

from __future__ import annotations

import argparse
import getpass

from .common import django_setup


def cmd_partners_register(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.partners.services import partner_register

    partner = partner_register(
        actor=Actor.system(f"cli:{getpass.getuser()}"),
        code=args.code,
        name=args.name,
        name_zh=args.name_zh,
        kind=args.kind,
    )
    print(f"partner {partner.code} registered: {partner.name}")
    return 0


def cmd_partners_agreement(args: argparse.Namespace) -> int:
    import datetime as dt

    django_setup()
    from socsec.audit.services import Actor
    from socsec.partners.selectors import partner_get
    from socsec.partners.services import agreement_create

    agreement, secret = agreement_create(
        actor=Actor.system(f"cli:{getpass.getuser()}"),
        partner=partner_get(code=args.partner),
        reference=args.reference,
        purpose=args.purpose,
        purpose_zh=args.purpose_zh,
        legal_basis=args.legal_basis,
        scopes=args.scope,
        read_fields=args.read,
        send_fields=args.send,
        valid_from=dt.date.fromisoformat(args.valid_from),
        valid_until=dt.date.fromisoformat(args.valid_until),
    )
    assert agreement.application is not None
    print(f"agreement {agreement.reference}: client id {agreement.application.client_id}")
    print(f"client secret (shown once): {secret}")
    return 0


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
    register = partners_sub.add_parser("register", help="register a partner department")
    register.add_argument("--code", required=True)
    register.add_argument("--name", required=True)
    register.add_argument("--name-zh", default="")
    register.add_argument(
        "--kind", required=True, choices=["CIVIL_AFFAIRS", "MARKET_REGULATION", "HEALTH", "TAX", "BANK"]
    )
    register.set_defaults(func=cmd_partners_register)
    agreement = partners_sub.add_parser("agreement", help="make an agreement and its OAuth2 client credentials")
    agreement.add_argument("--partner", required=True, help="the partner's code")
    agreement.add_argument("--reference", required=True)
    agreement.add_argument("--purpose", required=True)
    agreement.add_argument("--purpose-zh", default="")
    agreement.add_argument("--legal-basis", required=True)
    agreement.add_argument("--scope", action="append", default=[], help="a scope (repeat)")
    agreement.add_argument("--read", action="append", default=[], help="a person field it may read (repeat)")
    agreement.add_argument("--send", action="append", default=[], help="a column it may send (repeat)")
    agreement.add_argument("--valid-from", required=True, help="YYYY-MM-DD")
    agreement.add_argument("--valid-until", required=True, help="YYYY-MM-DD")
    agreement.set_defaults(func=cmd_partners_agreement)
    feed = partners_sub.add_parser("feed", help="apply a partner's CSV feed under its agreement")
    feed.add_argument("--agreement", required=True, help="the agreement's reference")
    feed.add_argument("--kind", required=True, choices=["deaths", "injuries"])
    feed.add_argument("--key", default="", help="the feed's idempotency key (default: the file's name)")
    feed.add_argument("file", help="the CSV file, with a header row")
    feed.set_defaults(func=cmd_partners_feed)
    check = partners_sub.add_parser("check-pensioners", help="confirm the pensioners of a year by data")
    check.add_argument("--year", type=int, required=True)
    check.set_defaults(func=cmd_partners_check_pensioners)
