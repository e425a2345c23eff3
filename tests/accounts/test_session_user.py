"""A request reads its session and the session's user in one query (socsec.accounts.session_auth), and the
security Django's own reading gives holds: a deactivated user, a changed password, an expired or idle
session, a staff session without its second factor are all refused."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from socsec.accounts.sessions import SEEN_KEY
from socsec.usersessions.models import UserSession

PATH = "/api/me/coverage?explain=true&on=2026-05-01"


def _logged_in(world, username: str = "worker") -> Client:
    client = Client()
    client.force_login(world.users[username])
    assert client.get(PATH).status_code in (200, 403)
    return client


def test_the_session_and_its_user_are_one_query(world):
    client = _logged_in(world)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PATH).status_code == 200
    sqls = [q["sql"] for q in queries.captured_queries]
    assert '"usersessions_session"' in sqls[0] and '"accounts_user"' in sqls[0]
    assert not any(sql.startswith("SELECT") and 'FROM "accounts_user"' in sql for sql in sqls)


def test_the_session_row_names_its_user(world):
    client = _logged_in(world)
    row = UserSession.objects.get(session_key=client.cookies["sessionid"].value)
    assert row.user_id == world.users["worker"].pk
    assert row.get_decoded()["_auth_user_id"] == str(world.users["worker"].pk)


def test_a_deactivated_user_is_logged_out_at_the_next_request(world):
    client = _logged_in(world)
    user = world.users["worker"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(PATH).status_code == 401


def test_a_changed_password_logs_the_other_sessions_out(world):
    client = _logged_in(world)
    key = client.cookies["sessionid"].value
    user = world.users["worker"]
    user.set_password("a quite different passphrase 42")
    user.save(update_fields=["password"])
    assert client.get(PATH).status_code == 401
    assert not UserSession.objects.filter(session_key=key).exists()  # flushed, as Django's own check does


def test_a_session_naming_another_user_than_its_row_is_not_trusted(world):
    client = _logged_in(world)
    other = world.users["officer"]
    UserSession.objects.filter(session_key=client.cookies["sessionid"].value).update(user_id=other.pk)
    response = client.get(PATH)  # the signed data names the worker: the worker it stays, read by Django's path
    assert response.status_code == 200


def test_an_expired_session_is_anonymous(world):
    client = _logged_in(world)
    UserSession.objects.filter(session_key=client.cookies["sessionid"].value).update(expire_date="2000-01-01T00:00Z")
    assert client.get(PATH).status_code == 401


def test_an_idle_session_is_logged_out(world):
    client = _logged_in(world)
    session = client.session
    session[SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    assert client.get(PATH).status_code == 401


def test_a_staff_session_still_needs_its_second_factor(world):
    client = Client()
    client.login_without_second_factor(world.users["officer"])  # type: ignore[attr-defined]
    response = client.get("/api/persons")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
    client.force_login(world.users["officer"])  # with a verified device (tests/conftest.py)
    assert client.get("/api/persons").status_code == 200
