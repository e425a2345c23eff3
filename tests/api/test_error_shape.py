"""Every error under /api/ is JSON {code, message, field?, details?}, whatever made it: an unknown path, a
method an endpoint does not take, a body over the limit, a body that is not JSON, a failed CSRF check, a
failure (500, with an incident id and no traceback); in the request's language."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client, override_settings

from socsec.api import registry
from tests.world import resident_id


@pytest.fixture
def officer(world) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.users["officer"])
    return client


def test_an_unknown_path_is_a_json_404(world, officer):
    for path in ("/api/nope", "/api/persons/1/nope", "/api/"):
        response = officer.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json; charset=utf-8")
        assert response.json() == {
            "code": "not_found",
            "message": "There is nothing at this address.",
        }


def test_a_wrong_method_is_a_json_405(world, officer):
    response = officer.delete("/api/regions")
    assert (response.status_code, response["Allow"]) == (405, "GET")
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "DELETE is not allowed here; use GET.",
        "details": {"allowed": ["GET"]},
    }


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_a_json_413_stating_the_limit(world, unchanged, officer):
    body = json.dumps({"resident_id": resident_id("110105", "19920229", 17), "name": "x" * 2000})
    response = officer.post("/api/persons", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "code": "too_large",
        "message": "The request is too large: at most 1,000 bytes are accepted.",
        "field": "body",
        "details": {"limit_bytes": 1000},
    }


def test_the_413_in_chinese(world, officer):
    officer.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10):
        response = officer.post("/api/persons", json.dumps({"name": "x" * 20}), content_type="application/json")
    assert (response.status_code, response.json()["message"]) == (413, "请求过大：最多接受 10 字节。")


def test_a_body_that_is_not_json_is_a_json_400(world, unchanged, officer):
    response = officer.post("/api/persons", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "malformed",
        "message": "The request body is not valid JSON.",
        "field": "body",
    }


def test_a_failed_csrf_check_is_a_json_403(world, unchanged):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    client.force_login(world.users["officer"])
    response = client.post("/api/persons", "{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert list(response.json()) == ["code", "message"]


def test_unauthenticated_is_a_json_401(world):
    response = Client(headers={"Accept-Language": "en"}).get("/api/persons/1")
    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "Log in, or send 'Authorization: Bearer <token>'.",
    }


def test_a_failure_is_a_json_500_with_an_incident_id_and_no_traceback(world, officer, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(registry.selectors, "persons_matching", broken)
    with caplog.at_level(logging.ERROR, logger="socsec.api"):
        response = officer.get("/api/persons?q=x")
    assert response.status_code == 500
    answer = response.json()
    incident = answer["details"]["incident"]
    assert answer == {
        "code": "internal_error",
        "message": "Something went wrong on our side. Nothing more was done; "
        f"quote incident {incident} if it persists.",
        "details": {"incident": incident},
    }
    assert len(incident) == 16 and "secret" not in response.content.decode()
    logged = [r for r in caplog.records if r.name == "socsec.api"]
    assert [r.getMessage() for r in logged] == [f"incident {incident}: GET /api/persons failed"]
    assert logged[0].exc_info is not None and "secret internals" in str(logged[0].exc_info[1])


def test_a_write_that_finds_the_database_locked_is_a_json_503(world, officer, monkeypatch):
    from django.db import OperationalError

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(registry.selectors, "persons_matching", locked)
    response = officer.get("/api/persons?q=x", headers={"Accept-Language": "en"})
    assert (response.status_code, response.json()) == (
        503,
        {
            "code": "database_busy",
            "message": "The database is busy with a batch job and could not take this change. "
            "Nothing was done; try again in a minute.",
        },
    )


def test_a_domain_error_keeps_its_shape(world, officer):
    response = officer.get("/api/persons/999999")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "no person with id 999999",
        "field": "person_id",
    }


def test_pages_keep_their_html_404(world, officer):
    response = officer.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/persons?q=a%00b", "q"), ("/api/organisations/ride%00go", "path"), ("/api/claims?kind=%00", "kind")],
)
def test_a_nul_in_the_address_is_a_json_400(world, officer, url, field):
    response = officer.get(url)
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "The address holds a NUL character, which is not accepted.",
        "field": field,
    }


def test_a_suspicious_request_is_a_json_400(world, officer):
    response = officer.get("/api/regions", HTTP_HOST="evil.example:bad port")
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": "The request was refused as malformed."}


def test_a_multipart_body_without_a_boundary_is_a_json_400(world, unchanged):
    # a session's CSRF check reads the form, and Django refuses multipart without a boundary
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"}, raise_request_exception=False)
    client.force_login(world.users["officer"])
    client.cookies["csrftoken"] = "a" * 32  # so that the check goes on to read the form
    response = client.post("/api/activations", b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": "The request was refused as malformed."}
