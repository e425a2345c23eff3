"""Segments: the issue's two examples, each filter, and what is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.benefits.models import DeathNotice
from socsec.campaigns.segments import pilot_sectors, segment_parse, segment_persons, segment_size
from socsec.contributions.models import LastOrder, OwnContribution
from socsec.core.errors import ValidationFailed
from socsec.registry.models import Region

from .conftest import FIRST_ID, TODAY

pytestmark = pytest.mark.django_db


def members(filters: dict, on: dt.date = TODAY) -> list[int]:
    with segment_persons(segment_parse(filters), on) as persons:
        return sorted(p - FIRST_ID for p in persons.values_list("pk", flat=True))


def test_platform_workers_in_a_province_who_took_orders_last_month_not_in_the_employee_pension(world, crowd):
    filters = {
        "province": "140000",
        "categories": ["MANAGED_NON_LABOUR"],
        "ordered_last_month": "yes",
        "not_in_schemes": ["EMPLOYEE_PENSION"],
    }
    assert members(filters) == [0, 2, 6, 8, 10, 12, 16, 18]


def test_a_person_recorded_as_dead_is_in_no_segment(world, crowd):
    filters = {
        "province": "140000",
        "categories": ["MANAGED_NON_LABOUR"],
        "ordered_last_month": "yes",
        "not_in_schemes": ["EMPLOYEE_PENSION"],
    }
    DeathNotice.objects.create(person=crowd[2], died_on=TODAY, source="civil register", received_on=TODAY)
    DeathNotice.objects.create(person=crowd[6], died_on=TODAY + dt.timedelta(days=1), source="x", received_on=TODAY)
    assert members(filters) == [0, 6, 8, 10, 12, 16, 18]  # 6 dies after the day asked


def test_riders_under_30_in_the_pilot_sectors_without_a_residents_pension(world, crowd):
    filters = {"age_to": "29", "sectors": list(pilot_sectors()), "not_in_schemes": ["RESIDENT_PENSION"]}
    assert members(filters) == [17]  # 18 joined the residents' pension, 19 works in a shop; the rider is 36


def test_the_employee_pension_by_a_labour_relation_or_by_joining(world, crowd):
    LastOrder.objects.create(platform=world.platform, person_id=world.employee.pk, last_order_on=dt.date(2026, 5, 2))
    LastOrder.objects.create(platform=world.platform, person_id=world.rider.pk, last_order_on=dt.date(2026, 4, 30))
    in_guangdong = {"province": "440000", "platform": "ridego"}
    assert segment_size(segment_parse(in_guangdong), TODAY) == 2
    with segment_persons(segment_parse({**in_guangdong, "in_schemes": ["EMPLOYEE_PENSION"]}), TODAY) as persons:
        assert list(persons.values_list("pk", flat=True)) == [world.employee.pk]
    with segment_persons(segment_parse({**in_guangdong, "ordered_last_month": "no"}), TODAY) as persons:
        assert list(persons.values_list("pk", flat=True)) == [world.rider.pk]  # April is not last month


def test_oip_cover_age_sex_and_own_payments(world, crowd):
    assert members({"province": "140000", "in_schemes": ["OIP"]}) == [i for i in range(20) if i % 5 != 4]
    with segment_persons(segment_parse({"province": "140000", "not_in_schemes": ["OIP"]}), TODAY) as persons:
        found = set(persons.values_list("pk", flat=True))
    assert found == {FIRST_ID + i for i in (4, 9, 14, 19)} | {world.freelancer.pk}
    assert members({"platform": "zipper", "sex": "F", "age_from": "40", "age_to": "44"}) == [
        3,
        5,
    ]  # women aged 40 to 44: born 1982-1986
    OwnContribution.objects.create(
        person=crowd[5],
        scheme="RESIDENT_PENSION",
        region=Region.objects.get(code="140100"),
        period_start=dt.date(2026, 1, 1),
        months=12,
        paid_cents=50_000,
        individual_account_cents=50_000,
        pooled_cents=0,
        explanation={},
        paid_on=dt.date(2025, 6, 2),  # 365 days to 2026-06-01 inclusive
    )
    assert members({"platform": "zipper", "paid_own": "yes"}) == [5]
    assert members({"platform": "zipper", "paid_own": "yes"}, on=dt.date(2026, 6, 2)) == []
    assert len(members({"platform": "zipper", "province": "140000", "paid_own": "no"})) == 15


def test_a_person_without_work_in_force_is_in_no_segment(world, crowd):
    assert members({"platform": "zipper", "province": "140000"}, on=dt.date(2024, 12, 31)) == []


def test_bad_filters_are_refused_each_with_its_field(world):
    with pytest.raises(ValidationFailed) as caught:
        segment_parse(
            {
                "province": "140100",
                "platform": "nobody",
                "sectors": ["FOOD_DELIVERY", "SPACE"],
                "age_from": "40",
                "age_to": "30",
                "sex": "X",
                "in_schemes": ["OIP"],
                "not_in_schemes": ["OIP"],
                "ordered_last_month": "maybe",
                "colour": "red",
            }
        )
    fields = caught.value.details["fields"]
    assert sorted(fields) == [
        "age_to",
        "not_in_schemes",
        "ordered_last_month",
        "platform",
        "province",
        "sectors",
        "segment",
        "sex",
    ]
    assert fields["province"] == ["'140100' is not the code of a province."]
    assert fields["age_to"] == ["30 is below the lowest age 40."]
    assert fields["not_in_schemes"] == ["OIP: both in and not in; no one is."]
    assert fields["segment"] == ["colour: not a filter."]
