"""Rate limits on the API (per address always, per token once it authenticated, failed bearer keys per
address; a fixed window in Django's cache) and the idle session timeout."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from socsec.accounts.sessions import SEEN_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


@override_settings(API_RATE_LIMIT_PER_TOKEN=3, API_RATE_LIMIT_PER_IP=10, API_RATE_WINDOW_SECONDS=60)
def test_a_token_over_its_limit_gets_429_with_retry_after(world, platform):
    assert [platform.get("/api/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = platform.get("/api/me")
    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 60
    assert refused.json() == {
        "code": "rate_limited",
        "message": f"Too many requests: try again in {retry_after} s.",
        "details": {"retry_after": retry_after, "window_seconds": 60},
    }
    other = Client(headers={"Authorization": f"Bearer {world.courier_token}"})
    assert other.get("/api/me").status_code == 200  # each token counts on its own


@override_settings(API_RATE_LIMIT_PER_TOKEN=3, API_RATE_LIMIT_PER_IP=2, API_RATE_WINDOW_SECONDS=60)
def test_without_a_token_the_address_is_counted(world):
    anonymous = Client(REMOTE_ADDR="198.51.100.1")
    assert [anonymous.get("/api/me").status_code for _ in range(3)] == [401, 401, 429]
    assert Client(REMOTE_ADDR="198.51.100.2").get("/api/me").status_code == 401
    assert Client(REMOTE_ADDR="198.51.100.1").get("/login/").status_code == 200  # pages are not limited


def random_bearer(i: int) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer ss_made-up-key-{i:04d}"}


@override_settings(API_RATE_LIMIT_PER_TOKEN=3, API_RATE_LIMIT_PER_IP=3, API_TOKEN_FAILURES_PER_IP=20)
def test_random_bearer_keys_count_against_the_address(world):
    guesser = Client(REMOTE_ADDR="198.51.100.1")
    statuses = [guesser.get("/api/me", **random_bearer(i)).status_code for i in range(10)]
    assert statuses == [401, 401, 401] + [429] * 7


@override_settings(API_RATE_LIMIT_PER_TOKEN=100, API_RATE_LIMIT_PER_IP=100, API_TOKEN_FAILURES_PER_IP=5)
def test_failed_bearer_keys_lock_the_address_out_of_the_api(world):
    guesser = Client(REMOTE_ADDR="198.51.100.1")
    statuses = [guesser.get("/api/me", **random_bearer(i)).status_code for i in range(8)]
    assert statuses == [401] * 5 + [429] * 3
    valid = {"HTTP_AUTHORIZATION": f"Bearer {world.platform_token}"}
    assert guesser.get("/api/me", **valid).status_code == 429  # the whole address, until the window ends
    assert Client(REMOTE_ADDR="198.51.100.2").get("/api/me", **valid).status_code == 200
    # a forged X-Forwarded-For changes nothing: only a trusted proxy (waitress) sets the address
    forged = guesser.get("/api/me", HTTP_X_FORWARDED_FOR="192.0.2.99", **random_bearer(99))
    assert forged.status_code == 429


@override_settings(API_RATE_LIMIT_PER_TOKEN=100, API_RATE_LIMIT_PER_IP=100, API_TOKEN_FAILURES_PER_IP=5)
def test_requests_without_a_bearer_key_are_not_failures(world):
    anonymous = Client(REMOTE_ADDR="198.51.100.1")
    assert {anonymous.get("/api/me").status_code for _ in range(8)} == {401}


@override_settings(API_RATE_LIMIT_PER_TOKEN=100, API_RATE_LIMIT_PER_IP=3)
def test_an_authenticated_token_counts_against_its_address_too(world):
    valid = {"HTTP_AUTHORIZATION": f"Bearer {world.platform_token}"}
    client = Client(REMOTE_ADDR="198.51.100.1")
    assert [client.get("/api/me", **valid).status_code for _ in range(4)] == [200, 200, 200, 429]


@override_settings(API_RATE_LIMIT_PER_TOKEN=3, API_RATE_LIMIT_PER_IP=100)
def test_a_token_is_counted_across_addresses(world):
    valid = {"HTTP_AUTHORIZATION": f"Bearer {world.platform_token}"}
    statuses = [Client(REMOTE_ADDR=f"198.51.100.{i}").get("/api/me", **valid).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_the_counts_start_again_in_the_next_window(world, rf):
    from socsec.accounts.throttle import rate_limit_hit

    request = rf.get("/api/me", REMOTE_ADDR="198.51.100.1")
    with override_settings(API_RATE_LIMIT_PER_IP=2, API_RATE_WINDOW_SECONDS=60):
        assert [rate_limit_hit(request, now=6000.0 + i) for i in range(3)] == [None, None, 58]
        assert rate_limit_hit(request, now=6060.0) is None


@override_settings(API_RATE_LIMIT_PER_TOKEN=0)
def test_a_limit_of_zero_turns_it_off(world, platform):
    assert {platform.get("/api/me").status_code for _ in range(5)} == {200}
    assert not [key for key in cache._cache if ":rate:token:" in key]  # nor keeps a counter for it


@override_settings(API_RATE_LIMIT_PER_TOKEN=5, API_RATE_LIMIT_PER_IP=0)
def test_a_token_is_counted_once_per_request(world, platform):
    assert [platform.get("/api/me").status_code for _ in range(5)] == [200] * 5
    (counter,) = [key for key in cache._cache if ":rate:token:" in key]
    assert cache.get(counter.split(":", 2)[2]) == 5
    assert platform.get("/api/me").status_code == 429


@override_settings(SESSION_IDLE_SECONDS=1800)
def test_an_idle_session_is_logged_out(world):
    worker = Client()
    worker.force_login(world.users["worker"])
    assert worker.get("/me/coverage/").status_code == 200
    session = worker.session
    assert abs(session[SEEN_KEY] - time.time()) < 5
    session[SEEN_KEY] = int(time.time()) - 1801
    session.save()
    response = worker.get("/me/coverage/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/me/coverage/"


@override_settings(SESSION_IDLE_SECONDS=1800)
def test_a_session_in_use_stays_and_is_renewed_at_most_once_a_minute(world):
    worker = Client()
    worker.force_login(world.users["worker"])
    worker.get("/me/coverage/")
    seen = worker.session[SEEN_KEY]
    worker.get("/me/coverage/")
    assert worker.session[SEEN_KEY] == seen  # within the minute: not written again
    session = worker.session
    session[SEEN_KEY] = int(time.time()) - 1700
    session.save()
    assert worker.get("/me/coverage/").status_code == 200
    assert worker.session[SEEN_KEY] >= int(time.time()) - 5


def test_sessions_end_after_30_idle_minutes_not_14_days():
    from django.conf import settings

    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_IDLE_SECONDS) == (1800, 1800)
