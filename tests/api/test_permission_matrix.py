"""Every endpoint x every role: the status code each must get. A platform reads and writes only its own
workers' engagements; a worker sees only themself. An object the caller may not see answers as an absent
one (404); a role that may not do something at all is refused (403)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tests.world import resident_id

THIS_MONTH = f"{dt.date.today():%Y-%m}-01"  # withholding starts this month or later
RECENT_END = f"{dt.date.today() - dt.timedelta(days=10)}"  # within the days an organisation may backdate
ROLES = ["anonymous", "worker", "platform", "officer", "supervisor", "auditor"]

PERSON = {"resident_id": resident_id("110105", "19920229", 17), "name": "赵敏", "residence_region": "110100"}
ENGAGEMENT = {
    "category": "CIVIL_LAW",
    "sector": "INSTANT_DELIVERY",
    "work_region": "110100",
    "start_date": "2026-03-01",
}

# (name, method, path template, body, expected status per role in ROLES order)
MATRIX = [
    ("me", "get", "/api/me", None, [401, 200, 200, 200, 200, 200]),
    ("my coverage", "get", "/api/me/coverage", None, [401, 200, 403, 403, 403, 403]),
    ("regions", "get", "/api/regions", None, [401, 200, 200, 200, 200, 200]),
    ("organisations", "get", "/api/organisations", None, [401, 403, 200, 200, 200, 200]),
    (
        "create organisation",
        "post",
        "/api/organisations",
        {"code": "newco", "name": "NewCo", "kind": "EMPLOYER"},
        [401, 403, 403, 201, 201, 403],
    ),
    ("other organisation", "get", "/api/organisations/zipper", None, [401, 403, 404, 200, 200, 200]),
    ("own organisation", "get", "/api/organisations/ridego", None, [401, 403, 200, 200, 200, 200]),
    ("search persons", "get", "/api/persons?q=", None, [401, 403, 200, 200, 200, 200]),
    ("register person", "post", "/api/persons", PERSON, [401, 403, 403, 201, 201, 403]),
    ("own worker", "get", "/api/persons/{rider}", None, [401, 200, 200, 200, 200, 200]),
    ("someone else", "get", "/api/persons/{freelancer}", None, [401, 404, 404, 200, 200, 200]),
    ("engagements", "get", "/api/persons/{rider}/engagements", None, [401, 200, 200, 200, 200, 200]),
    (
        "others' engagements",
        "get",
        "/api/persons/{freelancer}/engagements",
        None,
        [401, 404, 404, 200, 200, 200],
    ),
    ("my withholding", "get", "/api/me/withholding", None, [401, 200, 403, 403, 403, 403]),
    (
        "ask a platform to withhold",
        "post",
        "/api/me/withholding",
        {"platform": "ridego", "scheme": "EMPLOYEE_PENSION", "declared_base_cents": 900000, "valid_from": THIS_MONTH},
        [401, 201, 403, 403, 403, 403],
    ),
    ("my statement", "get", "/api/me/statement?year=2026", None, [401, 200, 403, 403, 403, 403]),
    (
        "own platform statement",
        "get",
        "/api/organisations/ridego/statement?start=2026-01-01&end=2026-12-31",
        None,
        [401, 403, 200, 200, 200, 200],
    ),
    (
        "another platform's statement",
        "get",
        "/api/organisations/zipper/statement?start=2026-01-01&end=2026-12-31",
        None,
        [401, 403, 404, 200, 200, 200],
    ),
    (
        "record a relief group",
        "post",
        "/api/persons/{freelancer}/reliefs",
        {"group": "SEVERE_DISABILITY", "valid_from": "2026-01-01", "reason": "disability register 2026-114"},
        [401, 403, 403, 201, 201, 403],
    ),
    ("coverage", "get", "/api/persons/{rider}/coverage?on=2026-05-01", None, [401, 200, 403, 200, 200, 200]),
    ("others' coverage", "get", "/api/persons/{employee}/coverage", None, [401, 404, 403, 200, 200, 200]),
    (
        "engage own worker",
        "post",
        "/api/engagements",
        {**ENGAGEMENT, "person_id": "{employee}", "organisation": "ridego", "start_date": "2036-01-01"},
        [401, 403, 201, 201, 201, 403],
    ),
    (
        "engage with another platform",
        "post",
        "/api/engagements",
        {**ENGAGEMENT, "person_id": "{employee}", "organisation": "zipper"},
        [401, 403, 403, 201, 201, 403],
    ),
    (
        "engage a stranger",
        "post",
        "/api/engagements",
        {**ENGAGEMENT, "person_id": "{freelancer}", "sector": "RIDE_HAILING"},
        [401, 403, 404, 422, 422, 403],
    ),
    (
        "end own engagement",
        "post",
        "/api/engagements/{rider_eng_platform}/end",
        {"end_date": RECENT_END},
        [401, 403, 200, 200, 200, 403],
    ),
    (
        "end another platform's",
        "post",
        "/api/engagements/{rider_eng_courier}/end",
        {"end_date": RECENT_END},
        [401, 403, 404, 200, 200, 403],
    ),
    (
        "decide an engagement's end",
        "post",
        "/api/engagements/{rider_eng_platform}/end-decision",
        {"end_date": "2026-06-30", "reason": "the worker left then"},
        [401, 403, 403, 200, 200, 403],
    ),
    (
        "declare a payment",
        "post",
        "/api/payments",
        {"amount_cents": 100, "received_on": "2026-03-01", "reference": "M-1"},
        [401, 403, 201, 403, 403, 403],
    ),
    ("declared payments", "get", "/api/payment-declarations", None, [401, 403, 200, 200, 200, 200]),
    (
        "confirm a declared payment",
        "post",
        "/api/payment-declarations/999999/confirm",
        {"received_on": "2026-03-01", "reason": "slip"},
        [401, 403, 403, 404, 404, 403],
    ),
    (
        "approve a declared payment",
        "post",
        "/api/payment-declarations/999999/approve",
        {},
        [401, 403, 403, 404, 404, 403],
    ),
    (
        "register worker",
        "post",
        "/api/workers",
        {"person": PERSON, "engagement": ENGAGEMENT, "organisation": "ridego"},
        [401, 403, 201, 201, 201, 403],
    ),
    (
        "register for another platform",
        "post",
        "/api/workers",
        {"person": PERSON, "engagement": ENGAGEMENT, "organisation": "zipper"},
        [401, 403, 403, 201, 201, 403],
    ),
    ("activations", "get", "/api/activations", None, [401, 403, 403, 200, 200, 200]),
    (
        "switch a pilot on",
        "post",
        "/api/activations",
        {"region": "440000", "sector": "FOOD_DELIVERY", "start_date": "2026-01-01"},
        [401, 403, 403, 403, 201, 403],
    ),
    ("audit trail", "get", "/api/audit", None, [401, 403, 403, 403, 200, 200]),
    ("credit interest", "post", "/api/pension/interest-credits", {"year": 2024}, [401, 403, 403, 200, 403, 403]),
]

CELLS = [(row, role, row[4][i]) for row in MATRIX for i, role in enumerate(ROLES)]


def client_for(world, role: str) -> Client:
    if role == "platform":
        return Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def fill(value, ids):
    if isinstance(value, str):
        return int(value.format(**ids)) if value.startswith("{") else value.format(**ids)
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("row", "role", "expected"), CELLS, ids=[f"{r[0]}-{role}" for r, role, _ in CELLS])
def test_matrix(world, row, role, expected):
    _name, method, path, body, _ = row
    ids = {
        "rider": world.rider.pk,
        "freelancer": world.freelancer.pk,
        "employee": world.employee.pk,
        "rider_eng_platform": world.rider_eng_platform.pk,
        "rider_eng_courier": world.rider_eng_courier.pk,
    }
    client = client_for(world, role)
    url = path.format(**ids)
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, data=json.dumps(fill(body, ids)), content_type="application/json")
    assert response.status_code == expected, response.content


def test_platform_sees_only_its_own_engagements_and_workers(world):
    client = client_for(world, "platform")
    engagements = client.get(f"/api/persons/{world.rider.pk}/engagements").json()["items"]
    assert [e["organisation"] for e in engagements] == ["ridego"]
    people = client.get("/api/persons?q=").json()["items"]
    assert sorted(p["id"] for p in people) == sorted([world.rider.pk, world.employee.pk])
    assert [o["code"] for o in client.get("/api/organisations").json()["items"]] == ["ridego"]


def test_worker_sees_their_own_coverage(world):
    client = client_for(world, "worker")
    body = client.get("/api/me/coverage?on=2026-05-01&explain=true").json()
    assert body["person_id"] == world.rider.pk
    oip = next(s for s in body["schemes"] if s["scheme"] == "OIP")
    assert (oip["status"], oip["reason_code"]) == ("MANDATORY", 50)
    assert [e["organisation"] for e in oip["engagements"]] == ["ridego", "zipper"]
    assert oip["explanation"]["formula"] == "coverage_oip"


def test_revoked_token_is_refused(world):
    from socsec.accounts.models import ApiToken
    from socsec.accounts.services import token_revoke
    from tests.world import SYSTEM

    token_revoke(actor=SYSTEM, token=ApiToken.objects.get(organisation=world.platform))
    assert client_for(world, "platform").get("/api/me").status_code == 401


def test_openapi_document_lists_the_endpoints(world):
    spec = Client().get("/api/openapi.json").json()
    assert {"/api/persons", "/api/workers", "/api/persons/{person_id}/coverage", "/api/audit"} <= set(spec["paths"])
