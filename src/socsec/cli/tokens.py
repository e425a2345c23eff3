"""``socsec token issue|list|rotate|revoke``: organisations' API tokens. A new key is printed once."""

from __future__ import annotations

import argparse
import sys

from .common import django_setup


def _print_token(token: object) -> None:
    from socsec.accounts.models import ApiToken

    assert isinstance(token, ApiToken)
    state = "revoked" if token.revoked_at else "live"
    expires = token.expires_at.date().isoformat() if token.expires_at else "never"
    used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
    print(
        f"{token.pk}\t{token.organisation.code}\t{token.name}\t{token.prefix}\t{' '.join(token.scopes) or '-'}"
        f"\texpires {expires}\tlast used {used}\t{state}"
    )


def cmd_token(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.accounts import tokens
    from socsec.audit.services import Actor
    from socsec.core.errors import DomainError
    from socsec.registry.selectors import organisation_get

    actor = Actor.system("cli")
    try:
        if args.action == "issue":
            organisation = organisation_get(code=args.organisation)
            token, key = tokens.token_issue(
                actor=actor, organisation=organisation, name=args.name, scopes=args.scope, days=args.days
            )
            _print_token(token)
            print(f"key (shown once): {key}")
        elif args.action == "list":
            only = organisation_get(code=args.organisation) if args.organisation else None
            for token in tokens.token_list(organisation=only):
                _print_token(token)
        elif args.action == "rotate":
            token, key = tokens.token_rotate(
                actor=actor, token=tokens.token_get(token_id=args.token_id), days=args.days
            )
            _print_token(token)
            print(f"key (shown once): {key}")
        else:
            _print_token(tokens.token_revoke(actor=actor, token=tokens.token_get(token_id=args.token_id)))
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    return 0


def add_token(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = sub.add_parser("token", help="issue, list, rotate or revoke organisations' API tokens")
    actions = token.add_subparsers(dest="action", required=True)
    issue = actions.add_parser("issue", help="a new token for an organisation (its key is printed once)")
    issue.add_argument("organisation", help="the organisation's code")
    issue.add_argument("--name", required=True)
    issue.add_argument(
        "--scope",
        action="append",
        help="read, registry:write, orders:write, payments:write, claims:write or payroll:write; repeat for several "
        "(default: every scope)",
    )
    issue.add_argument("--days", type=int, default=None, help="valid for (default SOCSEC_API_TOKEN_DAYS, 90)")
    listing = actions.add_parser("list", help="tokens, newest first")
    listing.add_argument("organisation", nargs="?", default="")
    rotate = actions.add_parser("rotate", help="a new key in place of a token's (the old one stops at once)")
    rotate.add_argument("token_id", type=int)
    rotate.add_argument("--days", type=int, default=None)
    revoke = actions.add_parser("revoke", help="stop a token")
    revoke.add_argument("token_id", type=int)
    token.set_defaults(func=cmd_token)
