"""On PostgreSQL a compiled query is a prepared statement: the server plans its SQL once per connection
and runs that plan with each run's values, giving what the query gives unprepared; with
``SOCSEC_DB_PREPARED=0`` (a pooler that loses prepared statements) nothing is prepared. Django's own
queries never are."""

from __future__ import annotations

import datetime as dt
import importlib
import os

import pytest
from django.db import connection

from socsec import settings as socsec_settings
from socsec.registry.selectors import person_get
from tests.core.test_compiled import ENGAGEMENTS, _fields, _second_engagement

pytestmark = pytest.mark.django_db


def _prepared(table: str) -> list[tuple[str, int]]:
    """The statements this connection prepared that read ``table``, with how often a generic plan ran."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [f'%"{table}"%'],
        )
        return [(sql, int(runs)) for sql, runs in cursor.fetchall()]


@pytest.fixture
def postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    connection.ensure_connection()


def test_a_compiled_query_is_prepared_once_and_gives_what_it_gives_unprepared(world, postgres):
    _second_engagement(world)  # with the platform in 2019
    on = dt.date(2026, 5, 1)
    runs = [
        dict(person_id=world.rider.pk, organisation_id=None, on=on, size=5),
        dict(person_id=world.rider.pk, organisation_id=world.platform.pk, on=on, size=5),
        dict(person_id=world.employee.pk, organisation_id=None, on=on, size=5),
        dict(person_id=world.rider.pk, organisation_id=None, on=dt.date(2019, 3, 1), size=5),
    ]
    prepared = [[_fields(e) for e in ENGAGEMENTS.objects(**run)] for run in runs * 3]
    statements = _prepared("registry_engagement")
    # one statement a shape (with and without the organisation), each run of it on the server's plan
    assert sorted(runs for _sql, runs in statements) == [3, 9]
    assert all("$1" in sql for sql, _runs in statements)
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None  # SOCSEC_DB_PREPARED=0
    try:
        unprepared = [[_fields(e) for e in ENGAGEMENTS.objects(**run)] for run in runs * 3]
    finally:
        connection.connection.prepare_threshold = threshold
    assert prepared == unprepared
    assert [len(x) for x in prepared[:4]] == [2, 1, 2, 1]
    assert _prepared("registry_engagement") == statements  # nothing more prepared, nothing run on the plans


def test_djangos_own_queries_are_never_prepared(world, postgres):
    for _ in range(10):
        list(type(world.rider).objects.filter(pk=world.rider.pk))
    assert _prepared("registry_person") == []
    person_get(person_id=world.rider.pk)  # the hot read is
    assert len(_prepared("registry_person")) == 1


@pytest.mark.parametrize(("value", "threshold"), [("", 5), ("1", 5), ("0", None)])
def test_socsec_db_prepared_turns_them_on_and_off(monkeypatch, value, threshold):
    monkeypatch.setitem(os.environ, "SOCSEC_DB_PREPARED", value)
    fresh = importlib.reload(socsec_settings)
    try:
        found = fresh._database("postgresql://u@h:5432/d")["OPTIONS"]
        assert found == {"prepare_threshold": threshold}
    finally:
        monkeypatch.delitem(os.environ, "SOCSEC_DB_PREPARED")
        importlib.reload(socsec_settings)
