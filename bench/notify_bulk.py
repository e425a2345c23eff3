"""The notification outbox's bulk path: N notices of one event (a pay run's "benefit paid", one per person
paid) written by ``notify_many`` in one transaction, as the pay run does, against two baselines measured in
the same run on the same database: the same rows by the bare multi-row insert (``socsec.core.bulk``), and
``notify`` called once per row (on a sample, scaled). Then the worker's side on ``--deliver`` of them: the
deliveries made (expansion) and the inbox written. Prints one JSON line.

    PYTHONPATH=$PWD/src .venv/bin/python bench/notify_bulk.py [--notices 1000000] [--deliver 100000]

On the embedded default (SQLite, a fresh var dir) unless DATABASE_URL is set: then on that database,
which must be a throwaway one (it is migrated and filled)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from typing import Any

SAMPLE = 2000  # notices written one at a time, for the per-row baseline


def setup() -> None:
    os.environ["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(prefix="socsec-bench-notify-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "socsec.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def rows(n: int, key: str) -> Iterator[tuple[str, dict[str, Any], str]]:
    for i in range(n):
        # the officers' inbox: a recipient that exists without a registry (each notice its own key)
        yield "officers", {"amount": f"{3000 + i % 1000}.00", "month": "2026-10", "payments": 1}, f"{key}:{i}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notices", type=int, default=1_000_000)
    parser.add_argument("--deliver", type=int, default=100_000)
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from socsec.core.bulk import insert_rows
    from socsec.notifications.expand import notices_expand
    from socsec.notifications.models import Delivery, Notice
    from socsec.notifications.sending import deliver_due
    from socsec.notifications.services import COLUMNS, notify, notify_many

    n = args.notices
    started = time.perf_counter()
    with transaction.atomic():
        notify_many(event="benefit.paid", rows=rows(n, "bulk"))
    bulk_s = time.perf_counter() - started

    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        batch: list[tuple[Any, ...]] = []
        for recipient, context, key in rows(n, "bare"):
            batch.append(("benefit.paid", recipient, context, key, False, now, True))
            if len(batch) == 1000:
                insert_rows(Notice, COLUMNS, batch, returning=False)
                batch = []
        insert_rows(Notice, COLUMNS, batch, returning=False)
    bare_s = time.perf_counter() - started

    started = time.perf_counter()
    with transaction.atomic():
        for recipient, context, key in rows(SAMPLE, "single"):
            notify(event="benefit.paid", recipient=recipient, context=context, dedupe_key=key)
    single_s = (time.perf_counter() - started) * n / SAMPLE

    # the worker's side, on --deliver of the bulk notices (the others marked delivered already)
    with transaction.atomic():
        Notice.objects.filter(dedupe_key__startswith="single:").update(expanded=True)
        keep = (
            Notice.objects.filter(dedupe_key__startswith="bulk:")
            .order_by("id")
            .values_list("id", flat=True)[args.deliver - 1]
        )
        Notice.objects.filter(dedupe_key__startswith="bulk:", id__gt=keep).update(expanded=True)
    started = time.perf_counter()
    expanded = notices_expand()
    expand_s = time.perf_counter() - started
    started = time.perf_counter()
    sent = deliver_due().sent.get("INBOX", 0)
    inbox_s = time.perf_counter() - started
    assert expanded == sent == args.deliver == Delivery.objects.filter(state="SENT").count()
    print(
        json.dumps(
            {
                "bench": "notify_bulk",
                "database": connection.vendor,
                "notices": n,
                "notify_many_s": round(bulk_s, 2),
                "notices_per_s": round(n / bulk_s),
                "baseline_bare_insert_s": round(bare_s, 2),
                "ratio_to_bare_insert": round(bulk_s / bare_s, 2),
                "baseline_one_at_a_time_s": round(single_s, 1),
                "speedup_vs_one_at_a_time": round(single_s / bulk_s, 1),
                "delivered": sent,
                "expand_s": round(expand_s, 2),
                "inbox_deliver_s": round(inbox_s, 2),
                "delivered_per_s": round(sent / (expand_s + inbox_s)),
                "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
