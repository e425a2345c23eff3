"""``socsec agency``: this agency's identity and signing key, its peer agencies, and the delivery of the
documents waiting in its outbox (``deliver``: one pass, or ``--until-done``: until every document is
acknowledged or refused, waiting out the retries)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time

from .common import django_setup, domain_line


def cmd_identity(args: argparse.Namespace) -> int:
    django_setup()
    from django.conf import settings

    from socsec.interagency.signing import SIGNING_KEY_ENV, uses_development_key

    identity = settings.SOCSEC_AGENCY
    print(f"agency {identity.code}, region {identity.region}, at {identity.base_url}")
    print(f"public key {identity.public_key} ({identity.fingerprint})")
    if uses_development_key(identity):
        print(f"warning: {SIGNING_KEY_ENV} is not set: signing with the development key, which protects nothing")
    return 0


def cmd_keygen(args: argparse.Namespace) -> int:
    from socsec.interagency.signing import SIGNING_KEY_ENV, new_key_text

    print(f"{SIGNING_KEY_ENV}={new_key_text()}")
    return 0


def cmd_peer_add(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.core.errors import DomainError
    from socsec.interagency.peers import peer_register
    from socsec.interagency.signing import key_fingerprint

    try:
        peer, changed = peer_register(
            actor=Actor.system(f"cli:{getpass.getuser()}"),
            code=args.code,
            region=args.region,
            base_url=args.base_url,
            public_key=args.public_key,
            replace=args.replace,
        )
    except DomainError as exc:
        print(f"error: {domain_line(exc)}", file=sys.stderr)
        return 2
    state = "registered" if changed else "registered already (unchanged)"
    print(f"peer {peer.code} (region {peer.region}, {peer.base_url}, {key_fingerprint(peer.public_key)}) {state}")
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    django_setup()
    from django.utils import timezone

    from socsec.interagency.outbox import DeliveryReport, documents_deliver, next_attempt_at

    total = DeliveryReport()
    started = time.monotonic()
    while True:
        total.add(documents_deliver())
        due = next_attempt_at()
        if not args.until_done or due is None:
            break
        if time.monotonic() - started > args.max_seconds:
            print(f"error: documents still pending after {args.max_seconds} s", file=sys.stderr)
            break
        time.sleep(min(max((due - timezone.now()).total_seconds(), 0.05), 5.0))
    summary = {
        "sent": total.sent,
        "acknowledged": total.acknowledged,
        "refused": total.refused,
        "failed_requests": total.failed_requests,
        "retried": total.retried,
        "flagged": total.flagged,
        "pending": 0 if next_attempt_at() is None else _pending(),
        "seconds": round(time.monotonic() - started, 2),
    }
    print(json.dumps(summary))
    for error in total.errors[:5]:
        print(f"  not delivered: {error}", file=sys.stderr)
    return 0 if summary["pending"] == 0 else 1


def _pending() -> int:
    from socsec.interagency.models import DocumentState, OutboundDocument

    return OutboundDocument.objects.filter(state=DocumentState.PENDING).count()


def add_agency(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agency = sub.add_parser("agency", help="this agency's identity, its peer agencies, and document delivery")
    commands = agency.add_subparsers(dest="agency_command", required=True)
    identity = commands.add_parser("identity", help="this agency's code, region, address and public key")
    identity.set_defaults(func=cmd_identity)
    keygen = commands.add_parser("keygen", help="print a new signing key for SOCSEC_AGENCY_SIGNING_KEY")
    keygen.set_defaults(func=cmd_keygen)
    peer = commands.add_parser("peer-add", help="register another agency and the public key of its signatures")
    peer.add_argument("code")
    peer.add_argument("--region", required=True, help="its six-digit region code")
    peer.add_argument("--base-url", required=True, help="the address its interface is published at")
    peer.add_argument("--public-key", required=True, help="base64 of its Ed25519 public key")
    peer.add_argument("--replace", action="store_true", help="change a peer registered with other details")
    peer.set_defaults(func=cmd_peer_add)
    deliver = commands.add_parser("deliver", help="deliver the documents due in the outbox to their peers")
    deliver.add_argument("--until-done", action="store_true", help="go on until nothing is pending")
    deliver.add_argument("--max-seconds", type=float, default=600.0, help="give up after this long (default 600)")
    deliver.set_defaults(func=cmd_deliver)
