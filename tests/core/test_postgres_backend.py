"""SocSec's PostgreSQL backend: a health check trusted for a second (a connection idle longer, or one psycopg
knows is closed, is still checked and replaced), and the compiled reads and one-row inserts prepared on the
server, with the same rows and the same logged SQL as Django's own cursors; a statement a schema change made
stale prepared again; Django's own queries neither prepared nor counted; prepared statements switched off."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import psycopg
import pytest
from django.db import NotSupportedError, connection, transaction
from django.test.utils import CaptureQueriesContext

from socsec.audit.models import PersonalDataAccess
from socsec.core import bulk
from socsec.core.compiled import CompiledQuery, id_sentinel
from socsec.core.postgres import base
from socsec.registry.models import Person

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="SocSec's PostgreSQL backend")


@pytest.fixture
def checks(monkeypatch) -> Iterator[list[int | None]]:
    """The health checks run: the backend pid each checked (None: a connection psycopg knows closed)."""
    done: list[int | None] = []
    real = connection.is_usable

    def counting() -> bool:
        raw = connection.connection
        done.append(None if raw.closed else raw.info.backend_pid)
        return real()

    monkeypatch.setattr(connection, "is_usable", counting)
    yield done


def _request() -> int:
    """What a request does with the connection: Django's start-of-request step, then one query; the pid."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_a_connection_checked_within_the_second_is_not_checked_again(checks, monkeypatch):
    monkeypatch.setattr(base, "HEALTH_CHECK_TRUST_SECONDS", 60.0)  # a slow machine's pause is not a second
    connection.ensure_connection()
    connection._usable_at = float("-inf")
    first = _request()
    assert checks == [first]  # never checked: checked
    for _ in range(5):
        assert _request() == first
    assert checks == [first]  # within the trusted span after it: trusted
    connection._usable_at = time.monotonic() - base.HEALTH_CHECK_TRUST_SECONDS - 0.01
    assert _request() == first
    assert checks == [first, first]  # past it: checked again


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_while_idle_is_replaced(checks):
    connection.ensure_connection()
    dropped = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [dropped])
    connection._usable_at = time.monotonic() - base.HEALTH_CHECK_TRUST_SECONDS - 0.01  # idle past the second
    replaced = _request()
    assert checks == [dropped]
    assert replaced != dropped


@pytest.mark.django_db(transaction=True)
def test_a_connection_psycopg_knows_closed_is_checked_within_the_second(checks):
    connection.ensure_connection()
    closed = connection.connection.info.backend_pid
    connection._usable_at = time.monotonic()
    connection.connection.close()
    replaced = _request()
    assert checks == [None]  # checked though trusted: it failed, and the connection was opened again
    assert replaced != closed
    assert connection._usable_at == float("-inf")  # a new connection's own check is still to come


PERSON = CompiledQuery(
    lambda *, person_id: Person.objects.filter(pk=person_id), sentinels={"person_id": id_sentinel(1)}
)


def _prepared() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements ORDER BY prepare_time")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_a_compiled_read_is_prepared_once_and_logged_as_django_logs_it(world):
    def statements() -> list[tuple[str, str]]:  # (text, parameter types): psycopg prepares each once
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement, parameter_types::text FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%FROM "registry_person" WHERE "registry_person"."id" = $1%'],
            )
            return sorted(cursor.fetchall())

    counts = []
    for person in (world.rider, world.employee, world.rider):
        with CaptureQueriesContext(connection) as compiled:
            got = PERSON.objects(person_id=person.pk)
        with CaptureQueriesContext(connection) as orm:
            expected = list(Person.objects.filter(pk=person.pk))
        assert [(p.pk, p.name, p.birth_date) for p in got] == [(p.pk, p.name, p.birth_date) for p in expected]
        assert [q["sql"] for q in compiled.captured_queries] == [q["sql"] for q in orm.captured_queries]
        assert f'"registry_person"."id" = {person.pk}' in compiled.captured_queries[0]["sql"]
        counts.append(len(statements()))
    prepared = statements()
    assert len(prepared) == len(set(prepared)) >= 1  # no statement prepared twice
    assert counts[0] >= 1 and counts[2] == counts[1]  # the rider's second read prepared nothing


def _read_log_row(person_id: int, at: dt.datetime) -> tuple[list[str], list[object]]:
    """The read log's columns and one row of an officer's read, every other column NULL."""
    columns = [f.attname for f in PersonalDataAccess._meta.concrete_fields if not f.primary_key]
    row = dict.fromkeys(columns) | {
        "at": at,
        "person_id": person_id,
        "actor_role": "OFFICER",
        "actor_label": "officer",
        "purpose": "CASE_HANDLING",
        "what": "person",
    }
    return columns, [row[c] for c in columns]


@pytest.mark.django_db
def test_one_row_is_inserted_prepared_with_nulls_typed_by_their_columns(world):
    at = dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.UTC)
    columns, row = _read_log_row(world.rider.pk, at)
    before = len(_prepared())
    (one,) = bulk.insert_rows(PersonalDataAccess, columns, [row])
    assert len(_prepared()) == before + 1
    two = bulk.insert_rows(PersonalDataAccess, columns, [row] * 2)  # bound in the client
    assert len(_prepared()) == before + 1
    stored = PersonalDataAccess.objects.filter(pk__in=[one, *two]).order_by("pk")
    assert [(r.at, r.person_id, r.actor_user_id, r.actor_token_id, r.agreement) for r in stored] == [
        (at, world.rider.pk, None, None, None)
    ] * 3


def _person_read(person_id: int) -> list[tuple[int, str]]:
    return [(p.pk, p.sex) for p in PERSON.objects(person_id=person_id)]


def _other_connection_alters(sex_type: str) -> None:
    """A migration in another process: the column's type changes under the statements prepared here."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute(f"ALTER TABLE registry_person ALTER COLUMN sex TYPE {sex_type}")


@pytest.mark.django_db(transaction=True)
def test_a_statement_a_schema_change_made_stale_is_prepared_again(world):
    expected = [(world.rider.pk, world.rider.sex)]
    assert _person_read(world.rider.pk) == expected  # prepared on this connection
    before = connection.connection.info.backend_pid
    _other_connection_alters("varchar(2)")
    try:
        assert _person_read(world.rider.pk) == expected  # outside a transaction: again, at once
        assert connection.connection.info.backend_pid != before  # on a new connection
        renewed = connection.connection.info.backend_pid
        _other_connection_alters("varchar(1)")
        stale = pytest.raises(NotSupportedError, match="cached plan must not change result type")
        with stale, transaction.atomic():  # inside a transaction: it has failed; a new connection after it
            _person_read(world.rider.pk)
        assert connection.close_at is not None and connection.close_at <= time.monotonic()
        connection.close_if_unusable_or_obsolete()  # the request's end
        assert _person_read(world.rider.pk) == expected
        assert connection.connection.info.backend_pid != renewed
    finally:
        _other_connection_alters("varchar(1)")


@pytest.mark.django_db
def test_djangos_own_queries_are_neither_prepared_nor_counted(world):
    assert _person_read(world.rider.pk) == [(world.rider.pk, world.rider.sex)]
    raw = connection.connection
    assert raw.prepare_threshold is None  # 0 while a prepared statement runs, None again after it
    prepared = _prepared()
    for person in (world.rider, world.employee, world.freelancer):
        list(Person.objects.filter(pk=person.pk))
    assert _prepared() == prepared


@pytest.mark.django_db
def test_prepared_statements_switched_off(world, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "PREPARED_STATEMENTS", False)
    before = _prepared()
    assert _person_read(world.employee.pk) == [(world.employee.pk, world.employee.sex)]
    columns, row = _read_log_row(world.rider.pk, dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.UTC))
    (one,) = bulk.insert_rows(PersonalDataAccess, columns, [row])
    assert PersonalDataAccess.objects.get(pk=one).person_id == world.rider.pk
    assert _prepared() == before
