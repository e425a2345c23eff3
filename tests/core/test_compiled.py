"""A compiled query gives what its queryset gives: the same SQL, the same objects and rows, whatever
values and shape a run has; a shape's SQL is built once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.test.utils import CaptureQueriesContext

from socsec.core.compiled import CompiledQuery, date_sentinel, id_sentinel, text_sentinel
from socsec.registry.models import Engagement, Person
from socsec.registry.services import engagement_create
from tests.world import SYSTEM

pytestmark = pytest.mark.django_db


def _engagements(*, person_id: int, organisation_id: int | None, on: dt.date, size: int) -> QuerySet[Engagement]:
    qs = Engagement.objects.filter(person_id=person_id, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    if organisation_id is not None:
        qs = qs.filter(organisation_id=organisation_id)
    return qs.select_related("organisation", "work_region").order_by("start_date", "id")[:size]


ENGAGEMENTS = CompiledQuery(
    _engagements, sentinels={"person_id": id_sentinel(1), "organisation_id": id_sentinel(2), "on": date_sentinel(1)}
)


def _fields(e: Engagement) -> tuple[object, ...]:
    return (e.pk, e.person_id, e.organisation.code, e.work_region.code, e.start_date, e.end_date, e.sector)


def _second_engagement(world) -> None:
    engagement_create(
        actor=SYSTEM,
        person=world.rider,
        organisation=world.platform,
        category="CIVIL_LAW",
        sector="RIDE_HAILING",
        work_region="440300",
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2019, 6, 30),
    )


@pytest.mark.parametrize("on", [dt.date(2019, 3, 1), dt.date(2026, 5, 1), dt.date(1990, 1, 1)])
@pytest.mark.parametrize("own", [True, False])
def test_the_same_objects_as_the_queryset(world, on, own):
    _second_engagement(world)
    organisation_id = world.platform.pk if own else None
    values = {"person_id": world.rider.pk, "organisation_id": organisation_id, "on": on, "size": 10}
    expected = list(_engagements(**values))
    got = ENGAGEMENTS.objects(**values)
    assert [_fields(e) for e in got] == [_fields(e) for e in expected]
    assert all(type(e) is Engagement and e._state.adding is False for e in got)


def test_the_same_sql_as_the_queryset(world):
    values = {"person_id": world.rider.pk, "organisation_id": world.platform.pk, "on": dt.date(2026, 5, 1), "size": 3}
    with CaptureQueriesContext(connection) as orm:
        list(_engagements(**values))
    with CaptureQueriesContext(connection) as compiled:
        ENGAGEMENTS.objects(**values)
    assert [q["sql"] for q in compiled.captured_queries] == [q["sql"] for q in orm.captured_queries]


def test_a_shape_is_compiled_once(world, monkeypatch):
    query = CompiledQuery(_engagements, sentinels=ENGAGEMENTS.sentinels)
    built: list[dict[str, object]] = []

    def counting(**values: object) -> QuerySet[Engagement]:
        built.append(values)
        return _engagements(**values)  # type: ignore[arg-type]

    monkeypatch.setattr(query, "build", counting)
    for person in (world.rider, world.employee, world.freelancer):
        query.objects(person_id=person.pk, organisation_id=None, on=dt.date(2026, 5, 1), size=5)
    query.objects(person_id=world.rider.pk, organisation_id=world.platform.pk, on=dt.date(2026, 5, 1), size=5)
    query.objects(person_id=world.rider.pk, organisation_id=None, on=dt.date(2026, 5, 1), size=6)
    assert len(built) == 3  # (no organisation, 5), (organisation, 5), (no organisation, 6)


def test_text_slots_and_values_rows(world):
    def by_code(*, code: str) -> QuerySet[Engagement, tuple[int, str]]:
        return Engagement.objects.filter(organisation__code=code).order_by("id").values_list("id", "sector")

    query = CompiledQuery(by_code, sentinels={"code": text_sentinel("code")})
    for code in ("ridego", "zipper", "nobody", "it's"):
        assert query.rows(code=code) == list(by_code(code=code))


def test_an_integer_beyond_64_bits_finds_nothing(world):
    query = CompiledQuery(
        lambda *, pk: Person.objects.filter(pk=pk).order_by("pk")[:1], sentinels={"pk": id_sentinel(1)}
    )
    assert query.objects(pk=2**63) == [] and query.objects(pk=-(2**63) - 1) == []
    assert [p.pk for p in query.objects(pk=world.rider.pk)] == [world.rider.pk]


def test_a_slot_missing_from_the_sql_is_refused(world):
    query = CompiledQuery(lambda *, pk: Person.objects.all(), sentinels={"pk": id_sentinel(1)})
    with pytest.raises(ValueError, match="slot 'pk'"):
        query.objects(pk=1)
    with pytest.raises(TypeError, match="no value"):
        ENGAGEMENTS.objects(person_id=1, on=dt.date(2026, 1, 1), size=1)


def test_moment_slots_read_as_the_queryset(db):
    from django.contrib.sessions.models import Session

    from socsec.core.compiled import moment_sentinel

    at = dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)
    for n in range(3):
        Session.objects.create(session_key=f"k{n}", session_data="x", expire_date=at + dt.timedelta(hours=n))

    def live(*, now: dt.datetime) -> QuerySet[Session, tuple[str]]:
        return Session.objects.filter(expire_date__gt=now).order_by("session_key").values_list("session_key")

    query = CompiledQuery(live, sentinels={"now": moment_sentinel(1)})
    for hours in (-1, 0, 1.5, 3):
        now = at + dt.timedelta(hours=hours)
        assert query.rows(now=now) == list(live(now=now))
    assert query.rows(now=at) == [("k1",), ("k2",)]
