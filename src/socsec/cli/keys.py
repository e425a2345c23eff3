"""``socsec rekey``: the encrypted personal data written again under the current keys (see
``socsec.core.rekey`` for rotating a key)."""

from __future__ import annotations

import argparse
import sys

from .common import django_setup


def cmd_rekey(args: argparse.Namespace) -> int:
    django_setup()
    from django.conf import settings

    from socsec.core.crypto import DecryptionError
    from socsec.core.rekey import rekey

    try:
        done = rekey(chunk=args.chunk)
    except DecryptionError as exc:  # a value under a key no longer configured: nothing after it was written
        print(f"error: {exc}", file=sys.stderr)
        return 2
    key = settings.SOCSEC_FIELD_KEYS.current_id
    for label, count in done.items():
        print(f"{label}: {count} row(s) written again under data key {key} and the current index key")
    return 0


def add_rekey(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rekey = sub.add_parser("rekey", help="write the encrypted personal data again under the current keys")
    rekey.add_argument("--chunk", type=int, default=1000, help="rows per transaction (default 1000)")
    rekey.set_defaults(func=cmd_rekey)
