"""``socsec notify``: the delivery worker (the outbox sent after commit), and the sweeps that notice what
falls due with time (invoices overdue, own contributions due)."""

from __future__ import annotations

import argparse
import time

from .common import django_setup


def cmd_deliver(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.notifications.sending import deliver_due

    while True:
        result = deliver_due(limit=args.limit)
        sent = ", ".join(f"{channel.lower()} {n}" for channel, n in sorted(result.sent.items())) or "none"
        if args.once or result.expanded or result.sent or result.flagged or result.retrying:
            print(
                f"notices {result.expanded}; sent: {sent}; retrying {result.retrying}; flagged {result.flagged}; "
                f"claims taken back {result.reclaimed}",
                flush=True,
            )
        if args.once:
            return 0
        time.sleep(args.interval)


def cmd_sweep(args: argparse.Namespace) -> int:
    django_setup()
    import datetime as dt

    from socsec.feedback.invitations import rating_invitations_notify
    from socsec.notifications.sweeps import contributions_due_notify, invoices_overdue_notify

    on = dt.date.fromisoformat(args.on) if args.on else None
    overdue = invoices_overdue_notify(on=on)
    due = contributions_due_notify(on=on)
    invited = rating_invitations_notify(on=on)
    print(f"invoices overdue told: {overdue}; own contributions due told: {due}; services to rate: {invited}")
    return 0


def add_notify(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    notify = sub.add_parser("notify", help="notifications: deliver the outbox, or notice what falls due")
    commands = notify.add_subparsers(dest="notify_command", required=True)
    deliver = commands.add_parser("deliver", help="the delivery worker: inbox, email and SMS, retried with backoff")
    deliver.add_argument("--once", action="store_true", help="one round, then stop")
    deliver.add_argument("--interval", type=float, default=5.0, help="seconds between rounds")
    deliver.add_argument("--limit", type=int, default=500, help="email and SMS messages a round at most")
    deliver.set_defaults(func=cmd_deliver)
    sweep = commands.add_parser("sweep", help="tell platforms of overdue invoices and workers of contributions due")
    sweep.add_argument("--on", help="YYYY-MM-DD (default: today)")
    sweep.set_defaults(func=cmd_sweep)
