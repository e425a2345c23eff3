"""The OIP coverage of assessment lines (``oip_line_coverage``): exact reason codes on a mix of cases,
the same codes whatever the lines' string encoding, and a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.contributions.assessment.coverage import oip_line_coverage
from socsec.registry.models import Engagement, Person

MONTH = "2026-05"


def engage(person, organisation, category, start, end=None, *, sector="RIDE_HAILING", region):
    return Engagement.objects.create(
        person=person,
        organisation=organisation,
        category=category,
        sector=sector,
        work_region=region,
        start_date=start,
        end_date=end,
    )


def mixed(world):
    """Workers whose coverage turns on different facts; returns (platform, person, province, sector)."""
    shenzhen = world.rider_eng_platform.work_region
    ridego, zipper = world.platform, world.courier
    people = []
    for k in range(5):
        people.append(
            Person.objects.create(
                resident_id=f"X{k:017d}",
                birth_date=dt.date(1990, 1, 1),
                sex="M",
                retirement_group="MEN_60",
                residence_region=shenzhen,
            )
        )
    switched, ended, late, was_labour, no_engagement = people
    # on ridego as a labour relation first, then managed: the labour relation in the month excludes
    engage(switched, ridego, "LABOUR_RELATION", dt.date(2026, 1, 1), dt.date(2026, 5, 10), region=shenzhen)
    engage(switched, ridego, "MANAGED_NON_LABOUR", dt.date(2026, 5, 11), region=shenzhen)
    # a labour relation that ended before the month does not exclude
    engage(ended, world.employer, "LABOUR_RELATION", dt.date(2020, 1, 1), dt.date(2026, 4, 30), region=shenzhen)
    engage(ended, ridego, "CIVIL_LAW", dt.date(2026, 1, 1), region=shenzhen)
    # a labour relation that starts after the month does not exclude either
    engage(late, world.employer, "LABOUR_RELATION", dt.date(2026, 6, 1), region=shenzhen)
    engage(late, ridego, "MANAGED_NON_LABOUR", dt.date(2026, 2, 1), region=shenzhen)
    # a labour relation ended on the month's first day still counts (active at any time in the month)
    engage(was_labour, world.employer, "LABOUR_RELATION", dt.date(2020, 1, 1), dt.date(2026, 5, 1), region=shenzhen)
    return [
        ("ridego", world.rider.pk, "440000", "RIDE_HAILING"),
        ("ridego", world.rider.pk, "110000", "RIDE_HAILING"),
        ("zipper", world.rider.pk, "110000", "INSTANT_DELIVERY"),
        ("zipper", world.rider.pk, "140000", "FOOD_DELIVERY"),
        ("ridego", world.employee.pk, "440000", "RIDE_HAILING"),
        ("zipper", world.employee.pk, "440000", "INSTANT_DELIVERY"),
        ("ridego", switched.pk, "440000", "RIDE_HAILING"),
        ("ridego", ended.pk, "440000", "RIDE_HAILING"),
        ("ridego", late.pk, "440000", "RIDE_HAILING"),
        ("ridego", was_labour.pk, "440000", "RIDE_HAILING"),
        ("ridego", no_engagement.pk, "440000", "RIDE_HAILING"),
        ("ridego", 10**9, "440000", "RIDE_HAILING"),  # not a registered worker
        ("ghost", world.rider.pk, "440000", "RIDE_HAILING"),  # not a registered platform
        ("ridego", world.freelancer.pk, "140000", "INTRA_CITY_FREIGHT"),
        (zipper.code, world.freelancer.pk, "140000", "INSTANT_DELIVERY"),
        ("ridego", world.rider.pk, "440000", "RETAIL"),  # not a pilot sector
    ]


# OIP_IN_PILOT 50, OIP_LABOUR_RELATION 51, OIP_SECTOR_NOT_IN_PILOT 53, OIP_NOT_SWITCHED_ON 54
EXPECTED = [50, 54, 50, 50, 51, 51, 51, 50, 50, 51, 50, 50, 54, 50, 50, 53]


def lines_of(rows) -> pa.Table:
    platform, person, province, sector = zip(*rows, strict=True)
    return pa.table(
        {
            "platform": pa.array(platform),
            "person_id": pa.array(person, pa.int64()),
            "province": pa.array(province),
            "sector": pa.array(sector),
            "order_count": pa.array([1] * len(rows), pa.int64()),
        }
    )


def test_each_case_gets_its_reason(world):
    assert oip_line_coverage(lines_of(mixed(world)), MONTH).tolist() == EXPECTED


def test_lines_read_back_from_a_file_get_the_same_reasons(world):
    """As an increment reads them: dictionary-encoded strings, in several chunks, in another order."""
    rows = mixed(world)
    table = lines_of(rows[::-1])
    encoded = pa.Table.from_batches(
        [
            pa.record_batch(
                [
                    table.column(c).combine_chunks().slice(start, 8).dictionary_encode()
                    if c in ("platform", "province", "sector")
                    else table.column(c).combine_chunks().slice(start, 8)
                    for c in table.column_names
                ],
                names=table.column_names,
            )
            for start in (0, 8)
        ]
    )
    assert encoded.column("platform").num_chunks == 2
    assert oip_line_coverage(encoded, MONTH).tolist() == EXPECTED[::-1]


def test_queries_do_not_grow_with_the_lines(world):
    rows = mixed(world)
    counts = []
    for size in (1, 200):
        many = rows + [("ridego", 2 * 10**9 + k, "440000", "RIDE_HAILING") for k in range(size)]
        with CaptureQueriesContext(connection) as queries:
            reasons = oip_line_coverage(lines_of(many), MONTH)
        assert reasons[: len(rows)].tolist() == EXPECTED
        assert set(reasons[len(rows) :].tolist()) == {50}
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_no_lines_no_queries(db):
    with CaptureQueriesContext(connection) as queries:
        assert oip_line_coverage(lines_of([("ridego", 1, "440000", "RIDE_HAILING")]).slice(0, 0), MONTH).size == 0
    assert len(queries) == 0
