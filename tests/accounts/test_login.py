"""Logging in on the pages: throttling and lockout (django-axes, by username and address), the audit of
logins, logouts and failures, and the password validators."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from socsec.accounts.models import LoginEvent, Role, User
from socsec.accounts.services import user_create
from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.core.errors import ValidationFailed
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str, address: str = "203.0.113.7", **meta: str):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **meta)


def test_fifty_wrong_passwords_then_the_right_one_is_refused(world):
    client = Client()
    statuses = {post_login(client, "rider", f"wrong-{i}").status_code for i in range(50)}
    assert statuses == {200, 429}  # the form again, then the lockout from the fifth failure on

    response = post_login(client, "rider", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    assert "Too many failed logins" in response.content.decode()
    assert "Try again in 15 minutes." in response.content.decode()


def test_the_lockout_page_is_in_chinese_by_default(world):
    client = Client()
    for i in range(5):
        post_login(client, "rider", f"wrong-{i}")
    response = post_login(client, "rider", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_a_script_gets_the_lockout_as_json(world):
    client = Client()
    for i in range(5):
        post_login(client, "rider", f"wrong-{i}")
    response = post_login(client, "rider", PASSWORD, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429
    assert response.json() == {
        "code": "locked_out",
        "message": "Too many failed logins: try again in 15 minutes.",
        "details": {"retry_after": 900},
    }


def test_the_lockout_holds_for_the_username_from_that_address_only(world):
    client = Client()
    for i in range(5):
        post_login(client, "rider", f"wrong-{i}")
    elsewhere = Client()
    response = post_login(elsewhere, "rider", PASSWORD, address="198.51.100.20")
    assert response.status_code == 302
    assert elsewhere.session["_auth_user_id"] == str(world.users["worker"].pk)


def test_four_failures_then_the_right_password_logs_in_and_clears_the_count(world):
    client = Client()
    for i in range(4):
        assert post_login(client, "rider", f"wrong-{i}").status_code == 200
    assert post_login(client, "rider", PASSWORD).status_code == 302
    client.post("/logout/")
    for i in range(4):  # the count started again after the login
        assert post_login(client, "rider", f"wrong-again-{i}").status_code == 200
    assert post_login(client, "rider", PASSWORD).status_code == 302


def test_login_failure_and_logout_are_in_the_audit_trail_without_the_password(world):
    client = Client()
    before = AuditEntry.objects.count()
    post_login(client, "rider", "not-the-password-123")
    post_login(client, "nobody-such", "whatever-password-9")
    post_login(client, "rider", PASSWORD)
    client.post("/logout/")

    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [(e.action, e.actor_label, e.actor_user_id) for e in entries] == [
        ("auth.failure", "user:rider", world.users["worker"].pk),
        ("auth.failure", "login:nobody-such", None),
        ("auth.login", "user:rider", world.users["worker"].pk),
        ("auth.logout", "user:rider", world.users["worker"].pk),
    ]
    events = list(LoginEvent.objects.order_by("pk").values_list("kind", "username", "ip_address"))
    assert events == [
        ("FAILURE", "rider", "203.0.113.7"),
        ("FAILURE", "nobody-such", "203.0.113.7"),
        ("LOGIN", "rider", "203.0.113.7"),
        ("LOGOUT", "rider", "127.0.0.1"),
    ]
    text = " ".join(str(e.after) + str(e.before) for e in entries)
    for secret in ("not-the-password-123", "whatever-password-9", PASSWORD, "md5$", "pbkdf2"):
        assert secret not in text
    assert entries[0].after is not None and set(entries[0].after) == {
        "id",
        "at",
        "kind",
        "username",
        "user_id",
        "ip_address",
    }


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw1", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("483920571638", "This password is entirely numeric."),
        ("supervisor-01", "The password is too similar to the username."),
    ],
)
def test_weak_passwords_are_refused(db, password, message):
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        user_create(actor=Actor.system(), username="supervisor-01", password=password, role=Role.SUPERVISOR)
    assert message in refused.value.message
    assert refused.value.field == "password"
    assert not User.objects.filter(username="supervisor-01").exists()


def test_create_officer_refuses_a_weak_password(db, capsys, monkeypatch):
    from socsec.cli import main

    monkeypatch.setenv("SOCSEC_PASSWORD", "officer2026")
    with translation.override("en"):
        assert main(["create-officer", "carol"]) == 2
    assert capsys.readouterr().err == (
        "error: password: This password is too short. It must contain at least 12 characters.\n"
    )
    assert not User.objects.filter(username="carol").exists()
    monkeypatch.setenv("SOCSEC_PASSWORD", "a long and uncommon phrase")
    assert main(["create-officer", "carol"]) == 0
    assert User.objects.get(username="carol").role == Role.OFFICER
