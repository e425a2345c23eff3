import datetime as dt
from collections import Counter

import pytest

from socsec.core.errors import Conflict, ValidationFailed
from socsec.coverage.selectors import coverage_counts, coverage_for
from socsec.coverage.services import activation_create
from socsec.registry.models import Person
from socsec.rules.coverage import Scheme, Status
from tests.conftest import ON
from tests.world import SYSTEM


def codes(coverage):
    return {s.scheme.value: s.reason.code for s in coverage.schemes}


def test_platform_worker_on_two_platforms_in_two_regions(world):
    c = coverage_for(world.rider, ON)
    assert codes(c) == {
        "EMPLOYEE_PENSION": 11,
        "RESIDENT_PENSION": 21,
        "MEDICAL": 31,
        "WORK_INJURY": 41,
        "OIP": 50,
        "UNEMPLOYMENT": 61,
        "LONG_TERM_CARE": 72,
        "INDIVIDUAL_PENSION": 80,
    }
    oip = c.scheme(Scheme.OIP)
    assert oip.status == Status.MANDATORY
    assert [(e.engagement.organisation.code, e.reason.code) for e in oip.engagements] == [
        ("ridego", 50),
        ("zipper", 50),
    ]
    assert oip.references == [
        "Ren She Bu Fa [2021] No. 110 (OIP trial measures, pilot from 2022-07-01); "
        "Ren She Bu Fa [2025] No. 24 (expansion, national trial measures)"
    ]


def test_pilot_switch_dates_are_followed(world):
    before = coverage_for(world.rider, dt.date(2022, 12, 31)).scheme(Scheme.OIP)
    assert [(e.engagement.organisation.code, e.reason.code) for e in before.engagements] == [("ridego", 54)]
    assert (before.status, before.reason.code) == (Status.NOT_ELIGIBLE, 54)
    after = coverage_for(world.rider, dt.date(2023, 1, 1)).scheme(Scheme.OIP)
    assert (after.status, after.reason.code) == (Status.MANDATORY, 50)


def test_labour_relation_excludes_oip_and_brings_the_employee_schemes(world):
    c = coverage_for(world.employee, ON)
    assert codes(c) == {
        "EMPLOYEE_PENSION": 10,
        "RESIDENT_PENSION": 20,
        "MEDICAL": 30,
        "WORK_INJURY": 40,
        "OIP": 51,
        "UNEMPLOYMENT": 60,
        "LONG_TERM_CARE": 70,
        "INDIVIDUAL_PENSION": 80,
    }
    oip = c.scheme(Scheme.OIP)
    assert oip.status == Status.COVERED_ELSEWHERE
    assert [(e.engagement.organisation.code, e.reason.code) for e in oip.engagements] == [
        ("factory", 55),
        ("ridego", 51),
    ]


def test_once_the_employment_ends_the_platform_work_is_covered_by_oip(world):
    from socsec.registry.services import engagement_end

    factory = world.employee.engagements.get(organisation=world.employer)
    engagement_end(actor=SYSTEM, engagement=factory, end_date=dt.date(2026, 3, 31), today=dt.date(2026, 4, 5))
    c = coverage_for(world.employee, ON)
    assert (c.scheme(Scheme.OIP).reason.code, c.scheme(Scheme.WORK_INJURY).reason.code) == (50, 41)


def test_no_platform_engagement(world):
    c = coverage_for(world.freelancer, ON)
    assert (c.scheme(Scheme.OIP).reason.code, c.scheme(Scheme.OIP).explanation) == (56, None)
    assert c.scheme(Scheme.EMPLOYEE_PENSION).reason.code == 11


def test_reasons_come_with_an_explanation_of_parameters(world):
    c = coverage_for(world.rider, ON)
    explanation = c.scheme(Scheme.OIP).explanation
    scope = explanation.steps[0]
    assert scope.formula == "oip_pilot_scope"
    assert [(p.path, p.value, p.effective_from.isoformat()) for p in scope.parameters] == [
        ("oip.pilot.all_provinces", True, "2026-01-01"),
        ("oip.pilot.province.440000", True, "2022-07-01"),
        ("oip.pilot.sector.RIDE_HAILING", True, "2022-07-01"),
    ]


def test_counts_for_everyone_match_one_person_at_a_time(world):
    for day in (dt.date(2022, 12, 31), dt.date(2025, 6, 1), ON):
        counts = coverage_counts(day)
        expected = {scheme: Counter() for scheme in Scheme}
        for person in Person.objects.all():
            for s in coverage_for(person, day).schemes:
                expected[s.scheme][s.status] += 1
        for scheme in Scheme:
            assert counts.by_scheme[scheme] == {st: expected[scheme].get(st, 0) for st in Status}, (
                day,
                scheme,
            )
    assert (counts.persons, counts.engagements) == (3, 5)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scheme": "MEDICAL"}, "scheme"),
        ({"region_code": "999999"}, "region"),
        ({"organisation_code": "factory"}, "organisation"),
        ({"sector": "RETAIL"}, "sector"),
        ({"end_date": dt.date(2020, 1, 31)}, "end_date"),
        ({"region_code": "440300"}, "region"),  # a city: OIP is switched on per province
        ({"start_date": dt.date(2026, 1, 15)}, "start_date"),
        ({"end_date": dt.date(2026, 6, 15)}, "end_date"),
    ],
)
def test_bad_activation_is_refused(world, unchanged, kwargs, field):
    args = {
        "actor": SYSTEM,
        "scheme": "OIP",
        "region_code": "110000",
        "start_date": dt.date(2026, 1, 1),
        **kwargs,
    }
    with pytest.raises(ValidationFailed) as caught:
        activation_create(**args)
    assert caught.value.field == field


def test_overlapping_activation_is_refused(world, unchanged):
    with pytest.raises(Conflict):
        activation_create(
            actor=SYSTEM,
            scheme="OIP",
            region_code="440000",
            organisation_code="ridego",
            start_date=dt.date(2024, 1, 1),
        )
