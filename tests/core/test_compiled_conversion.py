"""A compiled query binds each run's value as the field's lookup converts it (``get_prep_value``,
``get_db_prep_value``), so it gives what the queryset gives for a value of another type than the sentinel's
(an aware moment for a date: its day in the project's time zone); a slot whose conversion cannot give the
compiled parameter again is refused when compiled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import QuerySet

from socsec.core.compiled import CompiledQuery, date_sentinel, id_sentinel, text_sentinel
from socsec.registry.models import Engagement, Organisation
from socsec.registry.services import engagement_create
from tests.world import SYSTEM

pytestmark = pytest.mark.django_db


def _started_by(*, person_id: int, on: dt.date) -> QuerySet[Engagement]:
    return Engagement.objects.filter(person_id=person_id, start_date__lte=on).order_by("id")


STARTED_BY = CompiledQuery(_started_by, sentinels={"person_id": id_sentinel(1), "on": date_sentinel(1)})


def test_a_moment_given_for_a_date_is_its_day_in_the_time_zone_as_django_makes_it(world):
    late = engagement_create(actor=SYSTEM, person=world.freelancer, organisation=world.platform, category="CIVIL_LAW",
                             sector="RIDE_HAILING", work_region="440300", start_date=dt.date(2026, 5, 2))  # fmt: skip
    # 23:30 UTC on 1 May is 07:30 on 2 May in Shanghai: the engagement starting on 2 May has started
    moment = dt.datetime(2026, 5, 1, 23, 30, tzinfo=dt.UTC)
    expected = [e.pk for e in _started_by(person_id=world.freelancer.pk, on=moment)]  # type: ignore[arg-type]
    assert late.pk in expected
    assert [e.pk for e in STARTED_BY.objects(person_id=world.freelancer.pk, on=moment)] == expected
    day_before = [e.pk for e in STARTED_BY.objects(person_id=world.freelancer.pk, on=dt.date(2026, 5, 1))]
    assert late.pk not in day_before


def test_an_id_given_as_text_is_the_number_as_django_makes_it(world):
    expected = [e.pk for e in _started_by(person_id=world.rider.pk, on=dt.date(2026, 12, 1))]
    assert expected
    assert [e.pk for e in STARTED_BY.objects(person_id=str(world.rider.pk), on=dt.date(2026, 12, 1))] == expected


def _code_starting(*, prefix: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(code__startswith=prefix)


def test_a_slot_the_lookup_turns_into_another_parameter_is_refused():
    refused = CompiledQuery(_code_starting, sentinels={"prefix": text_sentinel("prefix")})
    with pytest.raises(ValueError, match="slot 'prefix' is converted by its field to another parameter"):
        refused.objects(prefix="ride")
