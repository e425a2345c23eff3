"""``socsec audit verify``: walk the audit trail's hash chain and name the first broken link."""

from __future__ import annotations

import argparse

from .common import django_setup


def cmd_audit_verify(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.chain import chain_verify

    report = chain_verify(batch_size=args.batch_size)
    broken = report.broken
    if broken is None:
        print(f"OK: {report.entries} audit entries, the hash chain is unbroken; head {report.head}")
        return 0
    what = (
        "the entry before it was changed or removed"
        if broken.column == "prev_hash"
        else "this entry was changed after it was written"
    )
    print(
        f"BROKEN at audit entry {broken.entry_id} ({what}): {broken.column} expected {broken.expected}, "
        f"found {broken.found}; {report.entries} entries before it verified"
    )
    return 1


def add_audit(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="the audit trail")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="walk the hash chain of the audit trail; exit code 1 if broken")
    verify.add_argument("--batch-size", type=int, default=5000, help="entries read a query (default 5000)")
    verify.set_defaults(func=cmd_audit_verify)
