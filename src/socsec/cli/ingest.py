"""``socsec ingest``: a platform's file of orders, or a bank statement of payments received."""

from __future__ import annotations

import argparse
import getpass
import sys

from .common import django_setup, domain_line, yuan


def cmd_ingest_orders(args: argparse.Namespace) -> int:
    django_setup()
    from pathlib import Path

    from socsec.audit.services import Actor
    from socsec.batch.uploads import upload_format
    from socsec.contributions.orders.ingest import orders_ingest
    from socsec.contributions.orders.limits import orders_size_check
    from socsec.core.errors import DomainError
    from socsec.core.stored import file_sha256
    from socsec.registry.selectors import organisation_get

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2
    try:
        fmt = args.format or upload_format(path.name)
        orders_size_check(path.stat().st_size, streamed=fmt != "xlsx")  # before the file is read
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    key = args.key or f"file-sha256:{file_sha256(path)}"  # the file streams: it is never held whole
    try:
        platform = organisation_get(code=args.platform)
        batch, replayed = orders_ingest(
            actor=Actor.system(f"cli:{getpass.getuser()}"),
            platform=platform,
            path=path,
            fmt=fmt,
            idempotency_key=key,
            source=f"cli:{path.name}",
        )
    except DomainError as exc:
        print(f"error: {domain_line(exc)}", file=sys.stderr)
        return 2
    state = "already ingested (nothing changed)" if replayed else batch.status.lower()
    print(
        f"batch {batch.pk}: {state}; rows {batch.rows_total}, valid {batch.rows_valid}, invalid "
        f"{batch.rows_invalid}; new {batch.orders_new}, void {batch.orders_void}, amend {batch.orders_amend}"
    )
    for error in batch.errors[:20]:
        print(f"  row {error['row']} {error['field']}: {error['message']}")
    total = sum(batch.error_counts.values())
    if total > 20:
        counts = ", ".join(f"{code} {n}" for code, n in batch.error_counts.items())
        print(f"  ... {total - 20} more ({counts}); the first {len(batch.errors)} are in the error report")
    return 0


def cmd_ingest_withdraw(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.audit.services import Actor
    from socsec.contributions.orders.withdrawal import orders_batch_withdraw
    from socsec.core.errors import DomainError

    try:
        batch = orders_batch_withdraw(
            actor=Actor.system(f"cli:{getpass.getuser()}"), batch_id=args.batch, reason=args.reason
        )
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(f"batch {batch.pk} of {batch.platform.code}: withdrawn; send it again (the same key may be used)")
    return 0


def cmd_ingest_payments(args: argparse.Namespace) -> int:
    django_setup()
    from pathlib import Path

    from socsec.audit.services import Actor
    from socsec.contributions.collection.bank_statements import bank_statement_import
    from socsec.core.errors import DomainError

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no file {path}", file=sys.stderr)
        return 2
    try:
        results = bank_statement_import(
            actor=Actor.system(f"cli:{getpass.getuser()}"), content=path.read_bytes(), source=f"bank:{path.name}"
        )
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for row in exc.details.get("rows", [])[:20]:
            print(f"  row {row['row']} {row['field']}: {row['message']}", file=sys.stderr)
        return 2
    new = [r.payment for r in results if r.outcome == "new" and r.payment is not None]
    counts = {outcome: sum(r.outcome == outcome for r in results) for outcome in ("replayed", "settled", "mismatched")}
    print(
        f"{len(results)} payment(s) in the statement, {len(new)} new, {counts['replayed']} already recorded; "
        f"{yuan(sum(p.amount_cents for p in new))} yuan recorded"
    )
    if counts["settled"] or counts["mismatched"]:
        print(f"{counts['settled']} settled an officer's confirmation; {counts['mismatched']} mismatched, not booked:")
    for r in results:
        if r.outcome == "mismatched":
            print(f"  row {r.row} {r.reference}: {r.message}")
    return 1 if counts["mismatched"] else 0


def add_ingest(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ingest = sub.add_parser("ingest", help="ingest a platform's report")
    ingest_sub = ingest.add_subparsers(dest="ingest_command", required=True)
    orders = ingest_sub.add_parser("orders", help="a file of orders (CSV, Parquet or JSON lines)")
    orders.add_argument("file")
    orders.add_argument("--platform", required=True, help="the platform's organisation code")
    orders.add_argument("--key", help="idempotency key (default: the file's SHA-256)")
    orders.add_argument("--format", choices=["csv", "parquet", "jsonl"], help="default: from the file name")
    orders.set_defaults(func=cmd_ingest_orders)

    withdraw = ingest_sub.add_parser(
        "withdraw", help="withdraw an order batch (its stored file is damaged or lost) so that it can be sent again"
    )
    withdraw.add_argument("batch", type=int, help="the batch's id")
    withdraw.add_argument("--reason", required=True)
    withdraw.set_defaults(func=cmd_ingest_withdraw)

    payments = ingest_sub.add_parser("payments", help="a bank statement (CSV: date, amount, reference, payer)")
    payments.add_argument("file")
    payments.set_defaults(func=cmd_ingest_payments)
