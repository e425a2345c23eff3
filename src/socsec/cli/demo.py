"""``socsec demo``: load the demo pilot on the embedded default, print what it holds, then serve the site."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from .common import django_setup, migrate_database, yuan
from .serve import cmd_serve, serve_options


def cmd_demo(args: argparse.Namespace) -> int:
    started = time.monotonic()
    django_setup()
    from django.conf import settings

    from socsec.coverage.overview import counts_of, coverage_counts_refresh
    from socsec.demo.load import load_demo
    from socsec.demo.pilot import DEMO_PASSWORD
    from socsec.rules.coverage import SCHEME_LABELS, Status

    print(f"Database: {settings.DATABASES['default']['NAME']}")
    migrate_database()
    summary = load_demo(workers=args.workers, progress=lambda text: print(f"... {text}", flush=True))
    today = dt.date.today()
    counts = counts_of(coverage_counts_refresh(on=today))  # kept: the officer overview shows it
    print("Demo pilot " + ("loaded" if summary.created else "already loaded (nothing changed)"))
    print(
        f"  regions {summary.regions}, organisations {summary.organisations}, persons {summary.persons}, "
        f"engagements {summary.engagements}"
    )
    print("  engagements by category: " + ", ".join(f"{k} {v}" for k, v in summary.by_category.items()))
    print(
        f"  on two or more platforms: {summary.multi_platform}; working outside their residence city: "
        f"{summary.cross_region}"
    )
    print(f"Coverage on {today.isoformat()} (persons by status, computed for everyone at once):")
    for scheme, by_status in counts.by_scheme.items():
        shown = ", ".join(f"{s.name.lower()} {by_status[s]}" for s in Status if by_status[s])
        print(f"  {SCHEME_LABELS[scheme]}: {shown}")
    from django.db.models import Count

    from socsec.benefits.models import Claim, PaymentRun

    claims_by_status = dict(Claim.objects.values_list("status").annotate(n=Count("id")).order_by("status"))
    print("Claims: " + ", ".join(f"{k.lower()} {v}" for k, v in claims_by_status.items()))
    for run in PaymentRun.objects.order_by("month"):
        print(f"  benefits paid for {run.month}: {run.payment_count} payments, {yuan(run.amount_cents)} yuan")
    from socsec.taxexchange.models import CollectionResult, Handover

    for month, documents in (
        Handover.objects.filter(state=Handover.State.RESULTS_IN)
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by("month")
    ):
        results = CollectionResult.objects.filter(month=month)
        unpaid = results.exclude(status=CollectionResult.Status.PAID).values("person").distinct().count()
        employees = results.values("person").distinct().count()
        late = results.filter(late_paid_cents__gt=0).values("person").distinct().count()
        print(
            f"  employers' contributions for {month}: {documents} documents confirmed by the tax exchange, "
            f"{employees - unpaid} employees paid ({late} late, by a later receipt), {unpaid} unpaid"
        )
    print(
        f"Accounts (password {DEMO_PASSWORD}): officer, supervisor, auditor, worker, swiftride; "
        "employers kuaida-station, yuntong-fleet"
    )
    print("  officer, supervisor and auditor add a second factor (TOTP) to an authenticator app at first login")
    if summary.token:
        print(f"API token for platform swiftride (shown once): {summary.token}")
    print(f"Ready in {time.monotonic() - started:.1f} s")
    if args.no_serve:
        return 0
    if args.worker is None:  # the demo runs its background jobs beside the site
        args.worker = True
    return cmd_serve(args)


def add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser("demo", help="load the demo pilot on the embedded default and serve the site")
    serve_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="stop after the summary")
    demo.add_argument("--workers", type=int, default=2400, help="number of synthetic workers (first load only)")
    demo.set_defaults(func=cmd_demo)
