"""API tokens: expiry, scopes (every write operation needs a named one), last use written at most once
per interval (no write on the read path), and their issue, rotation and revocation (audited without the
digest) from the CLI and the officers' page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socsec.accounts.models import ApiToken
from socsec.accounts.scopes import EVERY_SCOPE, WRITE_SCOPES, scope_needed
from socsec.accounts.tokens import token_issue, token_revoke, token_rotate, verified_tokens_forget
from socsec.api.app import api
from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.cli import main

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("test")


def bearer(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_every_write_operation_of_the_api_names_its_scope():
    schema = api.get_openapi_schema()
    writes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        # the partner API takes no API token: OAuth2 tokens with its agreement's scopes (socsec.partners)
        if method.upper() not in ("GET", "HEAD", "OPTIONS") and "partner" not in operation.get("tags", [])
    }
    # writes that no API token may call (scope_needed gives None): each with why
    no_token = {
        ("POST", "/api/interagency/documents"): "another agency's signed documents: the signature is the credential",
        ("PUT", "/api/supervision/thresholds"): "a supervisor's session only: no platform sets a fund's thresholds",
        ("POST", "/api/assistant/questions"): "a worker's session only: it answers from their own records",
        ("POST", "/api/risk/cases/{case_id}/outcome"): "an officer's session only: no platform decides a risk case",
        ("POST", "/api/campaigns"): "an officer's or supervisor's session only: no platform sends a campaign",
    }
    assert writes == set(WRITE_SCOPES) | set(no_token)
    assert all(scope_needed(method, path) is None for method, path in no_token)


def test_a_read_only_token_reads_and_is_refused_a_write(world):
    _token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="reader", scopes=["read"])
    client = bearer(key)
    assert client.get("/api/me").status_code == 200
    before = AuditEntry.objects.count()
    response = client.post("/api/workers", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {
        "code": "scope_missing",
        "message": "this API token lacks the scope registry:write",
        "field": "scope",
        "details": {"scope": "registry:write", "token_scopes": ["read"]},
    }
    assert AuditEntry.objects.count() == before


def test_an_orders_token_may_not_register_workers_nor_declare_payments(world):
    _token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="orders", scopes=["orders:write"])
    client = bearer(key)
    assert client.get("/api/me").json()["code"] == "scope_missing"  # not even reading without "read"
    assert client.post("/api/payments", {}, content_type="application/json").json()["details"]["scope"] == (
        "payments:write"
    )
    claim = client.post("/api/claims/999/withdrawal", {}, content_type="application/json")
    assert (claim.status_code, claim.json()["details"]["scope"]) == (403, "claims:write")  # a path with an id
    end = client.post(f"/api/engagements/{world.rider_eng_platform.pk}/end", {}, content_type="application/json")
    assert (end.status_code, end.json()["details"]["scope"]) == (403, "registry:write")


def test_an_expired_token_and_a_revoked_one_are_not_accepted(world):
    token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="short", days=1)
    assert bearer(key).get("/api/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    verified_tokens_forget()  # as the cache's seconds passing would
    assert bearer(key).get("/api/me").status_code == 401
    other, other_key = token_issue(actor=SYSTEM, organisation=world.platform, name="revoked")
    token_revoke(actor=SYSTEM, token=other)
    assert bearer(other_key).get("/api/me").status_code == 401


def test_a_new_token_expires_after_the_default_90_days(world):
    token, _key = token_issue(actor=SYSTEM, organisation=world.platform, name="default")
    assert token.expires_at is not None
    assert abs((token.expires_at - timezone.now()) - dt.timedelta(days=90)) < dt.timedelta(seconds=5)
    assert token.scopes == list(EVERY_SCOPE)


def _token_updates(queries: CaptureQueriesContext) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith('UPDATE "accounts_apitoken"'))


def test_two_requests_within_the_interval_write_the_last_use_once(world):
    token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="busy")
    client = bearer(key)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/me").status_code == 200
        assert client.get("/api/me").status_code == 200
    assert _token_updates(queries) == 1
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - dt.timedelta(minutes=6))
    verified_tokens_forget()  # as the cache's seconds passing would
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/me").status_code == 200
    assert _token_updates(queries) == 1  # older than the 5 minutes: written again
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first_use


def test_issue_rotate_and_revoke_are_audited_without_the_digest(world):
    before = AuditEntry.objects.count()
    token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="ci", scopes=["read", "orders:write"])
    new, new_key = token_rotate(actor=SYSTEM, token=token)
    token_revoke(actor=SYSTEM, token=new)
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [(e.action, e.object_id) for e in entries] == [
        ("token.issue", str(token.pk)),
        ("token.rotate", str(token.pk)),
        ("token.issue", str(new.pk)),
        ("token.revoke", str(new.pk)),
    ]
    digests = set(ApiToken.objects.values_list("digest", flat=True))
    for entry in entries:
        text = f"{entry.before} {entry.after}"
        assert not any(d in text for d in digests)
        assert key not in text and new_key not in text
        assert entry.after is not None and "digest" not in entry.after  # withheld by the audit policy
    assert entries[2].after is not None and entries[2].after["scopes"] == ["read", "orders:write"]
    assert bearer(key).get("/api/me").status_code == 401  # rotated away
    assert ApiToken.objects.get(pk=token.pk).replaced_by_id == new.pk


def test_the_cli_issues_lists_rotates_and_revokes(world, capsys):
    assert main(["token", "issue", "ridego", "--name", "nightly", "--scope", "read", "--days", "30"]) == 0
    out = capsys.readouterr().out
    key = out.split("key (shown once): ", 1)[1].strip()
    token = ApiToken.objects.get(name="nightly")
    assert token.scopes == ["read"]
    assert out.startswith(f"{token.pk}\tridego\tnightly\t{token.prefix}\tread\texpires ")
    assert bearer(key).get("/api/me").status_code == 200

    assert main(["token", "list", "ridego"]) == 0
    listing = capsys.readouterr().out
    assert f"{token.pk}\tridego\tnightly" in listing and key not in listing

    assert main(["token", "rotate", str(token.pk)]) == 0
    new_key = capsys.readouterr().out.split("key (shown once): ", 1)[1].strip()
    assert bearer(key).get("/api/me").status_code == 401
    assert bearer(new_key).get("/api/me").status_code == 200
    new = ApiToken.objects.get(name="nightly", revoked_at__isnull=True)

    assert main(["token", "revoke", str(new.pk)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("revoked")
    assert bearer(new_key).get("/api/me").status_code == 401
    capsys.readouterr()
    assert main(["token", "revoke", str(new.pk)]) == 2
    assert capsys.readouterr().err == f"error: API token {new.pk} is already revoked\n"
    assert main(["token", "issue", "ridego", "--name", "x", "--scope", "admin"]) == 2
    assert "unknown scope admin" in capsys.readouterr().err


def test_the_officers_page_shows_a_new_key_once(world):
    officer = Client()
    officer.force_login(world.users["officer"])
    response = officer.post(
        "/officer/tokens/",
        {"organisation": "ridego", "name": "payroll", "days": "30", "scopes": ["read", "claims:write"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    token = ApiToken.objects.get(name="payroll")
    assert token.scopes == ["read", "claims:write"]
    key = page.split('<code id="new-key">', 1)[1].split("</code>", 1)[0]
    assert key.startswith(token.prefix)
    assert bearer(key).get("/api/me").status_code == 200
    assert key not in officer.get("/officer/tokens/").content.decode()

    rotated = officer.post(f"/officer/tokens/{token.pk}/rotate/")
    new_key = rotated.content.decode().split('<code id="new-key">', 1)[1].split("</code>", 1)[0]
    assert bearer(key).get("/api/me").status_code == 401
    assert bearer(new_key).get("/api/me").status_code == 200
    new = ApiToken.objects.get(name="payroll", revoked_at__isnull=True)
    assert officer.post(f"/officer/tokens/{new.pk}/revoke/").status_code == 302
    assert bearer(new_key).get("/api/me").status_code == 401


def test_the_tokens_page_is_in_chinese_and_refused_to_others(world):
    officer = Client()
    officer.force_login(world.users["officer"])
    assert "签发令牌" in officer.get("/officer/tokens/").content.decode()
    for role in ("worker", "platform", "auditor"):
        other = Client()
        other.force_login(world.users[role])
        assert other.get("/officer/tokens/").status_code == 403
        assert other.post("/officer/tokens/", {"organisation": "ridego", "name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()
