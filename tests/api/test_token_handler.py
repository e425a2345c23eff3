"""A token request is answered by the server's application as by the whole middleware list: the same
status, body and headers (security headers, language), with no session read; a bad key is 401 either
way; a request with a cookie goes through the whole list."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from socsec.api.handler import SESSION_ONLY, is_token_request, token_request_middleware
from socsec.wsgi import application, site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _connection_kept() -> Iterator[None]:
    """The test's transaction stays open across requests, as Django's test client keeps it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _environ(path: str, **headers: str) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    environ.update({f"HTTP_{k}": v for k, v in headers.items()})
    return environ


def _answer(app: Any, environ: dict[str, Any]) -> tuple[str, dict[str, str], bytes]:
    got: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        got["status"], got["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return got["status"], got["headers"], body


@pytest.mark.parametrize("path", ["/api/invoices", "/api/orders/batches/999999", "/api/nowhere"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_token_request_is_answered_as_by_the_whole_list(world, path, language):
    headers = {"AUTHORIZATION": f"Bearer {world.platform_token}", "ACCEPT_LANGUAGE": language}
    assert is_token_request(_environ(path, **headers))
    whole = _answer(site, _environ(path, **headers))
    with CaptureQueriesContext(connection) as queries:
        routed = _answer(application, _environ(path, **headers))
    assert routed == whole
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    assert {"X-Frame-Options", "Content-Language", "X-Content-Type-Options"} <= routed[1].keys()


def test_a_bad_key_is_refused_alike(world):
    headers = {"AUTHORIZATION": "Bearer ss_not-a-key"}
    routed = _answer(application, _environ("/api/invoices", **headers))
    assert routed[0].startswith("401") and routed == _answer(site, _environ("/api/invoices", **headers))


def test_a_request_with_a_cookie_or_without_a_token_has_the_whole_list(world):
    bearer = f"Bearer {world.platform_token}"
    assert not is_token_request(_environ("/api/invoices", AUTHORIZATION=bearer, COOKIE="sessionid=x"))
    assert not is_token_request(_environ("/api/invoices"))
    assert not is_token_request(_environ("/healthz", AUTHORIZATION=bearer))


def test_only_the_sessions_middleware_is_left_out():
    whole = ["a.First", *sorted(SESSION_ONLY), "django.contrib.auth.middleware.AuthenticationMiddleware", "b.Last"]
    assert token_request_middleware(whole) == ["a.First", "socsec.api.handler.AnonymousUserMiddleware", "b.Last"]
