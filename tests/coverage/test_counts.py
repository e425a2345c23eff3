"""Everyone's coverage counted set-based (``coverage_counts``) equals ``coverage_for`` person by person on a
varied register, in the same number of queries whatever its size; the overview's kept snapshot equals a
full count again after writes and a refresh, and repeated requests coalesce."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socsec.coverage.counts import coverage_counts
from socsec.coverage.models import CoverageCountsSnapshot, SchemeActivation
from socsec.coverage.overview import coverage_counts_refresh, coverage_overview
from socsec.coverage.selectors import coverage_for
from socsec.coverage.services import activation_create
from socsec.registry.models import Engagement, Person, Region
from socsec.registry.services import engagement_create, person_register
from socsec.rules.coverage import Category, Scheme, Sector, Status
from tests.world import SYSTEM, resident_id

DAYS = (dt.date(2023, 6, 1), dt.date(2026, 5, 1), dt.date(2031, 1, 1))
REGIONS = ["110100", "440300", "440100", "140100"]


def add_people(world, n: int, seed: int) -> None:
    """``n`` persons of every age and sex, each with up to three engagements of any organisation, category,
    sector and region, some ended, some starting later; and a city-level, platform- and sector-specific
    activation."""
    rng = random.Random(seed)
    orgs = [world.platform, world.courier, world.employer, world.agency]
    if not SchemeActivation.objects.filter(sector="FOOD_DELIVERY").exists():
        activation_create(
            actor=SYSTEM, scheme="OIP", region_code="440000", sector="FOOD_DELIVERY", start_date=dt.date(2024, 1, 1)
        )
        activation_create(
            actor=SYSTEM,
            scheme="OIP",
            region_code="110000",
            organisation_code="ridego",
            start_date=dt.date(2023, 1, 1),
            end_date=dt.date(2027, 12, 31),
        )
    start = Person.objects.count()
    for i in range(n):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 55))
        seq = 100 + 2 * (start + i) + rng.randrange(2)  # odd: a man
        person = person_register(
            actor=SYSTEM,
            resident_id=resident_id("110105", birth.strftime("%Y%m%d"), seq % 1000),
            name=f"P{start + i}",
            residence_region=rng.choice(REGIONS),
        )
        for organisation in rng.sample(orgs, rng.randrange(4)):  # one engagement per organisation
            begin = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 14))
            begin = max(begin, dt.date(birth.year + 17, 1, 1))
            end = begin + dt.timedelta(days=rng.randrange(0, 365 * 6)) if rng.random() < 0.4 else None
            engagement_create(
                actor=SYSTEM,
                person=person,
                organisation=organisation,
                category=rng.choice(list(Category)).value,
                sector=rng.choice(list(Sector)).value,
                work_region=rng.choice(REGIONS),
                start_date=begin,
                end_date=end,
            )


def person_by_person(day: dt.date) -> dict[Scheme, dict[Status, int]]:
    expected: dict[Scheme, Counter[Status]] = {scheme: Counter() for scheme in Scheme}
    for person in Person.objects.all():
        for s in coverage_for(person, day).schemes:
            expected[s.scheme][s.status] += 1
    return {scheme: {st: expected[scheme].get(st, 0) for st in Status} for scheme in Scheme}


def test_counts_equal_one_person_at_a_time_on_a_varied_register(world):
    add_people(world, 60, seed=7)
    assert Region.objects.count() == 7
    for day in DAYS:
        counts = coverage_counts(day)
        assert counts.by_scheme == person_by_person(day), day
        active = Engagement.objects.filter(start_date__lte=day).exclude(end_date__lt=day).count()
        assert (counts.persons, counts.engagements) == (Person.objects.count(), active)


def test_counts_take_the_same_queries_whatever_the_register(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            coverage_counts(dt.date(2026, 5, 1))
        return len(seen)

    add_people(world, 5, seed=1)
    small = queries()
    add_people(world, 40, seed=2)
    assert queries() == small


def test_an_empty_register_counts_everyone_not_eligible_for_oip(db):
    counts = coverage_counts(dt.date(2026, 5, 1))
    assert (counts.persons, counts.engagements) == (0, 0)
    assert all(n == 0 for by in counts.by_scheme.values() for n in by.values())


def test_the_overview_reads_the_snapshot_and_equals_a_full_count_after_writes_and_a_refresh(world):
    day = dt.date(2026, 5, 1)
    assert coverage_overview(day) == (None, None)
    first = coverage_counts_refresh(on=day)
    shown, at = coverage_overview(day)
    assert shown == coverage_counts(day) and at == first.computed_at
    add_people(world, 12, seed=3)  # writes: the snapshot is as of before them
    shown, _at = coverage_overview(day)
    assert shown is not None and shown.persons == 3
    coverage_counts_refresh(on=day)
    shown, at = coverage_overview(day)
    assert shown == coverage_counts(day)
    assert shown.persons == 15 and at is not None and at > first.computed_at
    assert CoverageCountsSnapshot.objects.count() == 1


def test_a_request_answered_by_a_later_count_is_not_counted_again(world):
    day = dt.date(2026, 5, 1)
    asked = timezone.now()
    done = coverage_counts_refresh(on=day)
    again = coverage_counts_refresh(on=day, requested_at=asked)
    assert (again.pk, again.computed_at) == (done.pk, done.computed_at)
    later = coverage_counts_refresh(on=day, requested_at=timezone.now())
    assert later.computed_at > done.computed_at


def test_a_date_before_the_rules_is_refused_and_nothing_is_kept(world):
    from socsec.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        coverage_overview(dt.date(1960, 1, 1))
    assert refused.value.field == "on"
    with pytest.raises(ValidationFailed):
        coverage_counts_refresh(on=dt.date(1960, 1, 1))
    assert CoverageCountsSnapshot.objects.count() == 0
