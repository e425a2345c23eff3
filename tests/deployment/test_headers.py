"""What every answer carries (Content-Security-Policy; no-store where personal data may be), and the
access log of ``socsec serve``."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from socsec.access_log import AccessLog


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy_and_personal_ones_no_store(world, platform):
    login = Client().get("/login/")
    policy = login["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy

    worker = Client()
    worker.force_login(world.users["worker"])
    page = worker.get("/me/coverage/")
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "Cookie" in page["Vary"]

    officer = Client()
    officer.force_login(world.users["officer"])
    person = officer.get(f"/officer/persons/{world.rider.pk}/")
    assert (person.status_code, person["Cache-Control"]) == (200, "no-store")

    api = platform.get(f"/api/persons/{world.rider.pk}")
    assert (api.status_code, api["Cache-Control"]) == (200, "no-store")
    assert "no-store" not in Client().get("/healthz").get("Cache-Control", "")


def test_templates_have_no_inline_script():
    from pathlib import Path

    import socsec.web

    templates = Path(socsec.web.__file__).parent / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        for start in range(len(text)):
            start = text.find("<script", start)
            if start < 0:
                break
            tag = text[start : text.find(">", start)]
            assert "src=" in tag, f"{path.name}: inline <script> is refused by the Content-Security-Policy"
            start += 1
        assert " onclick=" not in text and " onload=" not in text and " onchange=" not in text, path.name


def test_the_access_log_has_method_path_status_size_and_time_but_no_query(caplog):
    def app(environ, start_response):  # type: ignore[no-untyped-def]
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [b"hello", b" world"]

    logged = AccessLog(app)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/orders/batches\nforged line",
        "QUERY_STRING": "token=secret-value",
        "REMOTE_ADDR": "203.0.113.9",
    }
    with caplog.at_level(logging.INFO, logger="socsec.access"):
        body = b"".join(logged(environ, lambda status, headers, exc_info=None: None))
    assert body == b"hello world"
    [record] = [r for r in caplog.records if r.name == "socsec.access"]
    line = record.getMessage()
    assert line.startswith('203.0.113.9 "POST /api/orders/batches\\x0aforged line" 201 11 ')
    assert line.endswith("ms")
    assert "secret-value" not in line and "\n" not in line


def test_a_body_in_memory_is_logged_closed_and_handed_over_in_one_piece(caplog):
    from django.http import HttpResponse

    closed: list[int] = []

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        response = HttpResponse(b"hello world", status=200, content_type="text/plain")
        response.write(b"!")
        response.close = lambda: closed.append(1)  # type: ignore[method-assign]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return response

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/me", "REMOTE_ADDR": "203.0.113.9"}
    with caplog.at_level(logging.INFO, logger="socsec.access"):
        body = AccessLog(app)(environ, lambda status, headers, exc_info=None: None)
    assert body == [b"hello world!"]  # a list: the server writes it at once
    assert closed == [1]
    [record] = [r for r in caplog.records if r.name == "socsec.access"]
    assert record.getMessage().startswith('203.0.113.9 "GET /api/me" 200 12 ')


def test_a_response_that_fails_as_it_closes_is_logged_as_the_500_the_server_answers(caplog):
    from django.http import HttpResponse

    def failing_close() -> None:
        raise RuntimeError("a receiver of request_finished failed")

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        response = HttpResponse(b"hello")
        response.close = failing_close  # type: ignore[method-assign]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return response

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "REMOTE_ADDR": "203.0.113.9"}
    with caplog.at_level(logging.INFO, logger="socsec.access"), pytest.raises(RuntimeError):
        AccessLog(app)(environ, lambda status, headers, exc_info=None: None)
    [record] = [r for r in caplog.records if r.name == "socsec.access"]
    assert record.getMessage().startswith('203.0.113.9 "GET /healthz" 500 0 ')
