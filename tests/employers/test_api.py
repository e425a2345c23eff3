"""The employers' API: a payroll declared with an idempotency key, its error report, and the statements."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from socsec.accounts.tokens import token_issue
from tests.world import SYSTEM

from .conftest import MONTH, hire, payroll_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer_client(world) -> Client:
    _token, key = token_issue(actor=SYSTEM, organisation=world.employer, name="payroll")
    return Client(headers={"Authorization": f"Bearer {key}"})


def send(client: Client, body: bytes | str, key: str, *, month: str = MONTH, correction: bool = False,
         content_type: str = "text/csv"):  # fmt: skip
    url = f"/api/employers/payroll/declarations?month={month}" + ("&correction=true" if correction else "")
    return client.post(url, body, content_type=content_type, headers={"Idempotency-Key": key})


def test_a_declaration_over_the_api_is_idempotent_and_reports_its_rows(world, employer_client, employee_id):
    rows = [{"resident_id": employee_id, "wage_cents": 800000, "industry_class": 2},
            {"resident_id": str(world.freelancer.resident_id), "wage_cents": 800000, "industry_class": 2}]  # fmt: skip
    first = send(employer_client, json.dumps(rows), "a1", content_type="application/json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["status"], body["rows_valid"], body["rows_invalid"], first["Idempotent-Replayed"]) == (
        "ACCEPTED", 1, 1, "false",
    )  # fmt: skip
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [(2, "resident_id", "not_employed")]
    again = send(employer_client, json.dumps(rows), "a1", content_type="application/json")
    assert (again.status_code, again["Idempotent-Replayed"], again.json()["id"]) == (201, "true", body["id"])
    refused = send(employer_client, payroll_csv([(employee_id, "900000", "", "2")]), "a2")
    assert (refused.status_code, refused.json()["code"], refused.json()["field"]) == (
        409, "month_already_declared", "month",
    )  # fmt: skip
    fixed = send(employer_client, payroll_csv([(employee_id, "900000", "", "2")]), "a3", correction=True)
    assert (fixed.status_code, fixed.json()["replaces"]) == (201, body["id"])
    report = employer_client.get(f"/api/employers/payroll/declarations/{body['id']}/errors.csv")
    assert report.status_code == 200 and b"not_employed" in report.content
    listed = employer_client.get("/api/employers/payroll/declarations").json()
    assert [d["status"] for d in listed["items"]] == ["ACCEPTED", "REPLACED"]


def test_the_statement_pages_the_employees(world, employer_client, employee_id):
    others = hire(world, 4)
    send(employer_client, payroll_csv([(r, "800000", "", "2") for r in [employee_id, *others]]), "s1")
    months = employer_client.get("/api/employers/statements").json()
    assert [m["month"] for m in months["items"]] == [MONTH] and months["items"][0]["employees"] == 5
    seen, cursor = [], None
    while True:
        url = f"/api/employers/statements/{MONTH}?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = employer_client.get(url).json()
        seen += [item["person_id"] for item in page["items"]]
        assert page["totals"]["employees"] == 5
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and seen == sorted(seen)
    pension = next(s for s in page["totals"]["schemes"] if s["scheme"] == "PENSION")
    assert pension["base_cents"] == 5 * 800000


def test_another_organisation_cannot_declare_or_read_for_the_employer(world, platform):
    assert platform.get("/api/employers/statements?employer=factory").status_code == 404
    declared = send(platform, payroll_csv([]), "p1")
    assert declared.status_code == 201  # a platform declares its own payroll (here: no rows)
    assert declared.json()["employer"] == "ridego" and declared.json()["status"] == "REJECTED"


def test_the_employers_api_is_in_the_openapi(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    operation = paths["/api/employers/payroll/declarations"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation["parameters"])
    assert "/api/employers/statements/{month}" in paths
