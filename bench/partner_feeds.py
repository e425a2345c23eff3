"""A civil register's deaths feed of 10,000 rows, applied the set-based way (``feed_receive``: the persons
and their recorded deaths read in bulk, the death notices and their audit entries written in bulk)
against, in the same run and on the same kind of data, the per-row path it replaced (the same checks,
then one ``death_notice_record`` a row: a get-or-create and an audit entry each), and against a raw
insert of the same death notices (``copy_rows``, no checks and no audit). Each path gets its own persons.
Builds its data with bulk inserts into the database DATABASE_URL names (a fresh one), or into a throwaway
SQLite file. Prints one JSON line.

    .venv/bin/python bench/partner_feeds.py [--rows 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    os.environ["SOCSEC_VAR_DIR"] = tempfile.mkdtemp(prefix="socsec-bench-feeds-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socsec.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    n = args.rows
    started = time.perf_counter()
    groups = build(3 * n)
    build_s = time.perf_counter() - started
    call = partner_call()
    today = dt.date(2026, 6, 30)
    feeds = [
        [{"resident_id": rid, "died_on": "2026-01-05", "certificate_no": f"D-{i}"} for i, rid in enumerate(g)]
        for g in groups
    ]

    from socsec.benefits.models import DeathNotice
    from socsec.benefits.payments import death_notice_record
    from socsec.core.bulk import copy_rows
    from socsec.partners.feed_rows import check_deaths
    from socsec.partners.feeds import feed_receive
    from socsec.registry.models import Person

    # the per-row path: the same checks, then a death notice (get-or-create, audit entry) a row
    t0 = time.perf_counter()
    with transaction.atomic():
        checked = check_deaths(feeds[0], first=1, today=today)
        for row in checked.valid:
            assert row.person is not None
            death_notice_record(
                actor=call.actor,
                person_id=row.person.pk,
                died_on=row.values["died_on"],
                source=f"Civil Affairs Bureau {row.values['certificate_no']}",
                today=today,
            )
    per_row_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    feed, _ = feed_receive(call=call, kind="deaths", rows=feeds[1], idempotency_key="bench", today=today)
    set_based_s = time.perf_counter() - t0
    assert feed.rows_applied == n, feed.rows_applied

    ids = list(Person.objects.with_resident_ids(groups[2]).values_list("id", flat=True))
    t0 = time.perf_counter()
    with transaction.atomic():
        copy_rows(
            DeathNotice,
            ["person_id", "died_on", "source", "received_on"],
            [(pk, dt.date(2026, 1, 5), "raw", today) for pk in ids],
        )
    raw_s = time.perf_counter() - t0
    assert DeathNotice.objects.count() == 3 * n
    out: dict[str, Any] = {
        "benchmark": "partner_feeds_deaths",
        "database": connection.vendor,
        "rows": n,
        "build_s": round(build_s, 2),
        "per_row_s": round(per_row_s, 3),
        "set_based_s": round(set_based_s, 3),
        "raw_insert_s": round(raw_s, 3),
        "speedup_vs_per_row": round(per_row_s / set_based_s, 2),
        "ratio_vs_raw_insert": round(set_based_s / raw_s, 2),
    }
    print(json.dumps(out))


def build(persons: int) -> list[list[str]]:
    """Persons with valid resident IDs, in three equal groups (one a path); returns their resident IDs."""
    from stdnum.cn import ric

    from socsec.audit.services import Actor
    from socsec.registry.models import Person, Region
    from socsec.registry.services import region_create

    actor = Actor.system("bench")
    region_create(actor=actor, code="110000", name="Beijing", name_zh="北京市", parent_code=None)
    region_create(actor=actor, code="110100", name="Beijing city", name_zh="北京市市辖区", parent_code="110000")
    city = Region.objects.get(code="110100")
    ids: list[str] = []
    for i in range(persons):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=i // 900)
        body = f"110105{birth:%Y%m%d}{i % 900 + 100:03d}"
        ids.append(body + ric.calc_check_digit(body + "0"))
    for first in range(0, persons, 5000):
        Person.objects.bulk_create(
            Person(
                resident_id=rid,
                name=f"P{first + k}",
                birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=(first + k) // 900),
                sex="M" if (first + k) % 2 else "F",
                retirement_group="MEN_60" if (first + k) % 2 else "WOMEN_55",
                residence_region=city,
            )
            for k, rid in enumerate(ids[first : first + 5000])
        )
    third = persons // 3
    return [ids[:third], ids[third : 2 * third], ids[2 * third : 3 * third]]


def partner_call() -> Any:
    from socsec.audit.services import Actor
    from socsec.partners.access import PartnerCall
    from socsec.partners.services import agreement_create, partner_register

    actor = Actor.system("bench")
    partner = partner_register(actor=actor, code="civil-affairs", name="Civil Affairs Bureau", kind="CIVIL_AFFAIRS")
    agreement, _secret = agreement_create(
        actor=actor,
        partner=partner,
        reference="MCA-BENCH",
        purpose="bench",
        legal_basis="bench",
        scopes=["deaths:send"],
        read_fields=[],
        send_fields=["resident_id", "died_on", "certificate_no"],
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2030, 12, 31),
    )
    return PartnerCall(agreement=agreement, scopes=frozenset(agreement.scopes))


if __name__ == "__main__":
    main()
