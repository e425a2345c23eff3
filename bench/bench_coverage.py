"""Cost of one coverage decision with its explanations, as paid on every person page, against the
database reads that page needs anyway (same persons, same run). Also the whole page through Django,
and the vectorised count for everyone. Loads the demo pilot into a throwaway SQLite file. Prints JSON.

    .venv/bin/python bench/bench_coverage.py [--persons 300]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=300)
    args = parser.parse_args()
    os.environ.pop("DATABASE_URL", None)
    os.environ["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(prefix="socsec-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "socsec.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Q
    from django.test import Client

    from socsec.accounts.models import User
    from socsec.coverage.selectors import coverage_counts, coverage_for
    from socsec.demo.load import load_demo
    from socsec.registry.models import Engagement, Person

    call_command("migrate", verbosity=0)
    load_demo()
    on = dt.date(2026, 5, 1)
    ids = list(Person.objects.order_by("?").values_list("id", flat=True)[: args.persons])

    def fetch(pid: int) -> None:
        person = Person.objects.select_related("residence_region").get(pk=pid)
        list(
            Engagement.objects.filter(person=person, start_date__lte=on)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
            .select_related("organisation", "work_region")
        )

    def decide(pid: int) -> None:
        coverage_for(Person.objects.select_related("residence_region").get(pk=pid), on)

    client = Client()
    client.force_login(User.objects.get(username="officer"))

    def page(pid: int) -> None:
        assert client.get(f"/officer/persons/{pid}/?on={on.isoformat()}").status_code == 200

    def per_call_ms(fn) -> float:
        for pid in ids[:20]:
            fn(pid)  # warm caches
        times = []
        for pid in ids:
            start = time.perf_counter()
            fn(pid)
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    fetch_ms, decide_ms, page_ms = per_call_ms(fetch), per_call_ms(decide), per_call_ms(page)
    start = time.perf_counter()
    counts = coverage_counts(on)
    everyone_s = time.perf_counter() - start
    print(
        json.dumps(
            {
                "benchmark": "coverage",
                "persons_sampled": len(ids),
                "median_ms": {
                    "baseline_db_reads": round(fetch_ms, 3),
                    "coverage_for_with_explanations": round(decide_ms, 3),
                    "person_page": round(page_ms, 3),
                },
                "ratio_coverage_for_to_db_reads": round(decide_ms / fetch_ms, 2),
                "coverage_counts_everyone": {
                    "persons": counts.persons,
                    "engagements": counts.engagements,
                    "seconds": round(everyone_s, 4),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
