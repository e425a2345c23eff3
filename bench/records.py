"""The insured-records export and a worker's yearly statement at a size, against baselines measured in the
same run: the export against a bare dump of the persons table (COPY on PostgreSQL, a cursor written by
the csv module on SQLite), the statement against one bare indexed query of the same account. Statements
are timed for workers with a short history (a year of monthly payments) and a long one (three years).
Builds its data with bulk inserts into the database DATABASE_URL names (a fresh one), or into a
throwaway SQLite file. Prints one JSON line.

    .venv/bin/python bench/records.py [--persons 100000] [--sample 200]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

YEAR = 2026
SHORT_MONTHS, LONG_MONTHS = 12, 36  # the regional wages on record start in 2024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=200, help="workers timed per history length")
    args = parser.parse_args()
    os.environ["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(prefix="socsec-bench-records-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socsec.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    short, long = build(args.persons, args.sample)
    build_s = time.perf_counter() - started
    from socsec.rules.parameters import load_parameters

    load_parameters()  # the rules are read once per process, not per export
    out = Path(os.environ["SOCSEC_VAR_DIR"]) / "exports"
    export_s, exported = time_export(out / "records.csv")
    dump_s = time_dump(out / "dump.csv")
    short_ms, short_queries = time_statements(short)
    long_ms, long_queries = time_statements(long)
    query_ms = time_bare_query(short + long)
    p95 = {"short_history": percentile(short_ms), "long_history": percentile(long_ms)}
    print(
        json.dumps(
            {
                "benchmark": "records",
                "database": connection.vendor,
                "persons": args.persons,
                "build_s": round(build_s, 2),
                "export_s": round(export_s, 3),
                "exported_rows": exported,
                "export_persons_per_s": round(args.persons / export_s),
                "baseline_dump_s": round(dump_s, 3),
                "ratio_export_vs_dump": round(export_s / dump_s, 2),
                "statement_p95_ms": {k: round(v, 2) for k, v in p95.items()},
                "queries_per_statement": {"short_history": short_queries, "long_history": long_queries},
                "baseline_query_p95_ms": round(percentile(query_ms), 3),
                "ratio_statement_vs_query": round(p95["long_history"] / percentile(query_ms), 2),
                "ratio_long_vs_short_history": round(p95["long_history"] / p95["short_history"], 2),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
        )
    )


def build(persons: int, sample: int) -> tuple[list[int], list[int]]:
    """Persons (a third in labour relations, the rest on a platform), 1% pensioners, 5% paying their own
    pension monthly through the year, and the sampled workers with a short or a long history of it, with
    the individual account's ledger entries. Returns the sampled workers' ids."""
    from socsec.audit.services import Actor
    from socsec.benefits.models import Award, Claim
    from socsec.contributions.models import OwnContribution
    from socsec.core.months import month_first_day
    from socsec.ledger.accounts import BANK_COLLECTION, individual_account
    from socsec.ledger.keys import SourceKind, source_key
    from socsec.ledger.services import Posting, post_many
    from socsec.registry.models import Engagement, Person, Region
    from socsec.registry.services import organisation_create, region_create

    rng = random.Random(13)
    actor = Actor.system("bench")
    region_create(actor=actor, code="110000", name="Beijing", name_zh="北京市", parent_code=None)
    region_create(actor=actor, code="110100", name="Beijing city", name_zh="北京市市辖区", parent_code="110000")
    city = Region.objects.get(code="110100")
    employer = organisation_create(actor=actor, code="factory", name="Factory", kind="EMPLOYER")
    platform = organisation_create(actor=actor, code="ridego", name="RideGo", kind="PLATFORM")
    ids: list[int] = []
    for first in range(0, persons, 5000):
        batch = [
            Person(
                resident_id=f"R{i:012d}",
                name=f"P{i}",
                birth_date=dt.date(rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28)),
                sex=sex,
                retirement_group="MEN_60" if sex == "M" else rng.choice(("WOMEN_55", "WOMEN_50")),
                residence_region=city,
            )
            for i, sex in ((i, rng.choice("MF")) for i in range(first, min(first + 5000, persons)))
        ]
        Person.objects.bulk_create(batch)
        ids += [p.pk for p in batch]
        jobs = []
        for p in batch:
            labour = rng.random() < 1 / 3
            jobs.append(
                Engagement(
                    person=p,
                    organisation=employer if labour else platform,
                    category="LABOUR_RELATION" if labour else "MANAGED_NON_LABOUR",
                    sector="MANUFACTURING" if labour else "RIDE_HAILING",
                    work_region=city,
                    start_date=dt.date(rng.randint(2005, 2025), rng.randint(1, 12), 1),
                )
            )
        Engagement.objects.bulk_create(jobs)
    rng.shuffle(ids)
    short, long = ids[:sample], ids[sample : 2 * sample]
    paying = ids[2 * sample : 2 * sample + persons // 20]
    retired = ids[2 * sample + persons // 20 : 2 * sample + persons // 20 + persons // 100]
    claims = Claim.objects.bulk_create(
        Claim(
            person_id=p,
            kind="PENSION",
            status="AWARDED",
            event_date=dt.date(2020, 1, 1),
            reported_by="OFFICER",
            submitted_on=dt.date(2020, 1, 2),
            decision_due=dt.date(2020, 3, 1),
        )
        for p in retired
    )
    Award.objects.bulk_create(
        Award(
            claim=c,
            item="pension_monthly",
            label="pension",
            payer="FUND",
            periodic=True,
            amount_cents=300000,
            explanation={},
        )
        for c in claims
    )
    histories = [(p, SHORT_MONTHS) for p in short + paying] + [(p, LONG_MONTHS) for p in long]
    for first in range(0, len(histories), 500):
        rows = [
            OwnContribution(
                person_id=p,
                scheme="EMPLOYEE_PENSION",
                region=city,
                period_start=month_first_day(YEAR * 12 + 11 - (months - 1 - m)),
                months=1,
                declared_base_cents=500000,
                paid_cents=100000,
                individual_account_cents=40000,
                pooled_cents=60000,
                explanation={"contribution": {"formula": "contribution_base", "value": 500000}},
                paid_on=month_first_day(YEAR * 12 + 11 - (months - 1 - m)) + dt.timedelta(days=1),
            )
            for p, months in histories[first : first + 500]
            for m in range(months)
        ]
        OwnContribution.objects.bulk_create(rows)
        post_many(
            [
                Posting(
                    entries=[(BANK_COLLECTION, 40000), (individual_account(r.person_id), -40000)],
                    description="own contribution",
                    source=source_key(SourceKind.OWN_CONTRIBUTION, r.pk),
                    idempotency_key=source_key(SourceKind.OWN_CONTRIBUTION, r.pk),
                    booked_on=r.paid_on,
                )
                for r in rows
            ]
        )
    return short, long


def time_export(path: Path) -> tuple[float, int]:
    from socsec.audit.services import Actor
    from socsec.benefits.records_export import insured_records_export

    started = time.perf_counter()
    done = insured_records_export(actor=Actor.system("bench"), year=YEAR + 1, path=path)
    return time.perf_counter() - started, done.persons


def time_dump(path: Path) -> float:
    """The same persons' id, birth date and sex, in id order, to a CSV file: the floor of any export."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor, open(path, "w", newline="", encoding="utf-8") as out:
        sql = "SELECT id, birth_date, sex FROM registry_person ORDER BY id"
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
                for block in copy:
                    out.write(bytes(block).decode("utf-8"))
        else:
            cursor.execute(sql)
            writer = csv.writer(out, lineterminator="\n")
            while rows := cursor.fetchmany(10_000):
                writer.writerows(rows)
    return time.perf_counter() - started


def time_statements(persons: list[int]) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from socsec.contributions.statements import worker_statement

    for p in persons[:10]:
        worker_statement(person_id=p, year=YEAR)  # warm
    with CaptureQueriesContext(connection) as queries:
        worker_statement(person_id=persons[0], year=YEAR)
    times = []
    for p in persons:
        started = time.perf_counter()
        st = worker_statement(person_id=p, year=YEAR)
        times.append((time.perf_counter() - started) * 1000)
        assert st.schemes[0].months_covered == SHORT_MONTHS
    return times, len(queries)


def time_bare_query(persons: list[int]) -> list[float]:
    """One indexed read of the same account's entries: the floor of a statement's reads."""
    from socsec.ledger.accounts import individual_account
    from socsec.ledger.models import LedgerEntry

    times = []
    for p in persons:
        started = time.perf_counter()
        list(LedgerEntry.objects.filter(account__code=individual_account(p)).values_list("amount_cents"))
        times.append((time.perf_counter() - started) * 1000)
    return times


def percentile(values: list[float], share: float = 0.95) -> float:
    ordered: list[Any] = sorted(values)
    return float(statistics.quantiles(ordered, n=100)[int(share * 100) - 1]) if len(ordered) > 1 else ordered[0]


if __name__ == "__main__":
    main()
