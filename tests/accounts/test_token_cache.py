"""A key found live is remembered by the process for ``API_TOKEN_CACHE_SECONDS``: a busy client's requests
read no token, a revocation through the service takes effect at once, one made by another process within
those seconds, an expiry at once; a refused key is never remembered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socsec.accounts import tokens
from socsec.accounts.models import ApiToken
from socsec.accounts.tokens import token_issue, token_revoke, token_rotate
from socsec.audit.services import Actor

SYSTEM = Actor.system("test")


def bearer(key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _token_reads(queries: CaptureQueriesContext) -> int:
    return sum(1 for q in queries.captured_queries if 'FROM "accounts_apitoken"' in q["sql"])


def test_a_busy_client_reads_its_token_once_within_the_cache_seconds(world):
    client = bearer(world.platform_token)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert client.get("/api/me").status_code == 200
    assert _token_reads(queries) == 1


def test_a_revocation_in_this_process_takes_effect_at_once(world):
    token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="soon revoked")
    assert bearer(key).get("/api/me").status_code == 200
    token_revoke(actor=SYSTEM, token=token)
    assert bearer(key).get("/api/me").status_code == 401


def test_a_revocation_committed_while_the_token_is_read_is_not_outlived(world, monkeypatch):
    """A request reads the token live; before it remembers it, a revocation commits (and empties the
    memory). The stale read must not be remembered, or the revoked key would work for the cache seconds."""
    token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="revoked meanwhile")
    mark_used = tokens._mark_used

    def revoked_meanwhile(found: ApiToken, now: dt.datetime) -> None:
        mark_used(found, now)
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        tokens.verified_tokens_forget()  # what the revocation's commit does

    monkeypatch.setattr(tokens, "_mark_used", revoked_meanwhile)
    assert bearer(key).get("/api/me").status_code == 200  # this request began before the revocation
    monkeypatch.setattr(tokens, "_mark_used", mark_used)
    assert bearer(key).get("/api/me").status_code == 401


def test_a_rotation_stops_the_old_key_at_once(world):
    token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="rotated")
    assert bearer(key).get("/api/me").status_code == 200
    _new, new_key = token_rotate(actor=SYSTEM, token=token)
    assert bearer(key).get("/api/me").status_code == 401
    assert bearer(new_key).get("/api/me").status_code == 200


def test_a_revocation_by_another_process_takes_effect_within_the_cache_seconds(world, settings, monkeypatch):
    settings.API_TOKEN_CACHE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(tokens, "monotonic", lambda: clock[0])
    token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="elsewhere")
    assert bearer(key).get("/api/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())  # another process's revocation
    clock[0] += 9.9
    assert bearer(key).get("/api/me").status_code == 200  # still remembered here
    clock[0] += 0.2
    assert bearer(key).get("/api/me").status_code == 401


def test_an_expiry_takes_effect_at_once_on_a_remembered_key(world):
    token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="expiring", days=1)
    assert bearer(key).get("/api/me").status_code == 200
    remembered = tokens._verified[tokens._digest(key)][1]
    remembered.expires_at = timezone.now() - dt.timedelta(seconds=1)  # as the clock passing it would
    assert bearer(key).get("/api/me").status_code == 401


def test_a_refused_key_is_not_remembered_and_a_new_token_works_at_once(world):
    unknown = "ss_" + "x" * 43
    assert bearer(unknown).get("/api/me").status_code == 401
    assert tokens._digest(unknown) not in tokens._verified
    _token, key = token_issue(actor=SYSTEM, organisation=world.platform, name="fresh")
    assert bearer(key).get("/api/me").status_code == 200


@pytest.mark.parametrize("seconds", [0])
def test_no_cache_seconds_reads_the_token_on_every_request(world, settings, seconds):
    settings.API_TOKEN_CACHE_SECONDS = seconds
    client = bearer(world.platform_token)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get("/api/me").status_code == 200
    assert _token_reads(queries) == 3
