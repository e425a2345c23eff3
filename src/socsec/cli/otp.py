"""``socsec otp enrol|reset USERNAME``: agency staff's second factor. ``enrol`` gives the user a new
device and prints its secret and otpauth URI (the user confirms it with a code at their next login);
``reset`` removes the user's devices (they enrol again at their next login)."""

from __future__ import annotations

import argparse
import sys

from .common import django_setup


def cmd_otp(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.accounts import second_factor
    from socsec.accounts.models import User
    from socsec.audit.services import Actor

    user = User.objects.filter(username=args.username).first()
    if user is None:
        print(f"error: no user {args.username!r}", file=sys.stderr)
        return 2
    if not second_factor.needs_second_factor(user):
        print(
            f"error: {user.username} is a {user.role.lower()}: only agency staff use a second factor", file=sys.stderr
        )
        return 2
    actor = Actor.system("cli")
    if args.action == "reset":
        removed = second_factor.device_reset(actor=actor, user=user)
        print(f"removed {removed} device(s) of {user.username}: they set up a new one at their next login")
        return 0
    device = second_factor.device_start(actor=actor, user=user)
    print(f"secret: {second_factor.device_secret(device)}")
    print(f"otpauth URI: {device.config_url}")
    print(f"{user.username} confirms it with a code from the app at their next login")
    return 0


def add_otp(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    otp = sub.add_parser("otp", help="enrol or reset a staff user's second factor (TOTP)")
    otp.add_argument("action", choices=["enrol", "reset"])
    otp.add_argument("username")
    otp.set_defaults(func=cmd_otp)
