"""No input gives a 500: dates, integers, text and free-form facts are bounded in the schemas and the JSON
parser, each refusal a 422 naming the field, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from socsec.registry.models import Person
from tests.world import resident_id

NEW_ID = resident_id("110105", "19920229", 17)


def client(world, role: str) -> Client:
    if role == "platform":
        return Client(headers={"Authorization": f"Bearer {world.platform_token}", "Accept-Language": "en"})
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(world.users[role])
    return c


def post(c: Client, url: str, body) -> tuple[int, dict]:
    data = body if isinstance(body, str) else json.dumps(body)
    response = c.post(url, data=data, content_type="application/json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.status_code, response.json()


@pytest.mark.parametrize("day", ["1978-06-01", "1970-01-01", "1900-01-01"])
def test_coverage_before_the_rules_were_in_force_is_a_422(world, unchanged, day):
    response = client(world, "worker").get(f"/api/me/coverage?on={day}")
    assert response.status_code == 422
    answer = response.json()
    assert (answer["code"], answer["field"]) == ("invalid", "on")
    assert answer["message"] == f"on: coverage cannot be decided on {day}: a rule it needs was not in force yet."


def test_coverage_from_the_first_day_of_the_rules_answers(world):
    assert client(world, "worker").get("/api/me/coverage?on=1978-06-02").status_code == 200


@pytest.mark.parametrize("day", ["1899-12-31", "0001-01-01", "2201-01-01", "9999-12-31"])
def test_a_date_outside_1900_to_2200_is_refused(world, unchanged, day):
    response = client(world, "officer").get(f"/api/persons/{world.rider.pk}/coverage?on={day}")
    assert response.status_code == 422
    assert response.json()["field"] == "on"
    assert response.json()["message"] == f"on: {day} is outside the dates accepted, 1900-01-01 to 2200-12-31."


def test_a_claim_on_a_day_before_the_rules_is_a_422_on_its_date(world, unchanged):
    body = {"kind": "OCCUPATIONAL_INJURY", "event_date": "1960-05-01", "engagement_id": world.rider_eng_platform.pk}
    code, answer = post(client(world, "worker"), "/api/claims", body)
    assert (code, answer["field"]) == (422, "event_date")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/me/pension-estimate?base_cents={2**63}", "base_cents"),
        (f"/api/me/pension-estimate?base_cents={10**12 + 1}", "base_cents"),
    ],
)
def test_a_huge_integer_in_a_query_is_a_422(world, url, field):
    response = client(world, "worker").get(url)
    assert (response.status_code, response.json()["field"]) == (422, field)


@pytest.mark.parametrize("amount", [2**63, 2**64, -(2**63) - 1])
def test_an_integer_beyond_64_bits_anywhere_in_a_body_is_a_422(world, unchanged, amount):
    body = {"amount_cents": amount, "received_on": "2026-01-05", "reference": "B-1"}
    code, answer = post(client(world, "platform"), "/api/payments", body)
    assert (code, answer["field"]) == (422, "amount_cents")
    assert answer["message"] == "amount_cents: is outside the whole numbers accepted (64 bits)."


def test_an_amount_beyond_the_bound_is_a_422(world, unchanged):
    body = {"amount_cents": 10**12 + 1, "received_on": "2026-01-05", "reference": "B-1"}
    code, answer = post(client(world, "platform"), "/api/payments", body)
    assert (code, answer["field"]) == (422, "amount_cents")


def test_an_id_beyond_64_bits_is_a_422(world, unchanged):
    body = {"kind": "OCCUPATIONAL_INJURY", "event_date": "2026-01-05", "engagement_id": 2**63 - 1 + 1}
    code, answer = post(client(world, "worker"), "/api/claims", body)
    assert (code, answer["field"]) == (422, "engagement_id")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(world, unchanged, text):
    body = '{"amount_cents": ' + text + ', "received_on": "2026-01-05", "reference": "B-1"}'
    code, answer = post(client(world, "platform"), "/api/payments", body)
    assert (code, answer["code"]) == (400, "malformed")


PERSON = {"resident_id": NEW_ID, "name": "赵敏", "residence_region": "110100"}


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("赵\ud800敏", "a lone surrogate (half of a character), U+D800, at character 2"),
        ("赵敏\x00", "a control character, U+0000, at character 3"),
        ("赵\x07敏", "a control character, U+0007, at character 2"),
        ("赵\t敏", "a control character, U+0009, at character 2"),
        ("evil\u202egnp.exe", "a formatting character (such as a bidirectional override), U+202E, at character 5"),
        ("赵\u200b敏", "a formatting character (such as a bidirectional override), U+200B, at character 2"),
        ("赵\u2028敏", "a line separator, U+2028, at character 2"),
    ],
)
def test_a_name_with_a_character_that_is_not_text_is_refused(world, unchanged, name, reason):
    code, answer = post(client(world, "officer"), "/api/persons", {**PERSON, "name": name})
    assert (code, answer["code"], answer["field"]) == (422, "invalid", "name")
    assert answer["message"] == f"name: holds {reason}; it is not accepted."


def test_a_lone_surrogate_in_any_text_or_key_is_refused_naming_it(world, unchanged):
    worker = client(world, "worker")
    body = {"kind": "OCCUPATIONAL_INJURY", "event_date": "2026-01-05", "facts": {"witness": {"name": "x\udc00"}}}
    code, answer = post(worker, "/api/claims", body)
    assert (code, answer["field"]) == (422, "facts.witness.name")
    code, answer = post(worker, "/api/claims", {**body, "facts": {"\ud83d": 1}})
    assert (code, answer["field"]) == (422, "facts")
    assert answer["message"].startswith("facts: a key holds a lone surrogate")


def test_a_name_is_stored_in_nfc(world):
    code, answer = post(client(world, "officer"), "/api/persons", {**PERSON, "name": "Zoe\u0301  Li"})
    assert (code, answer["name"]) == (201, "Zo\u00e9 Li")
    assert Person.objects.with_resident_id(NEW_ID).get().name == "Zo\u00e9 Li"


def test_the_registry_import_refuses_a_bidi_name_in_its_row(world, unchanged):
    from socsec.core.errors import ValidationFailed
    from socsec.registry.services import persons_import
    from tests.world import SYSTEM

    with pytest.raises(ValidationFailed) as caught:
        persons_import(actor=SYSTEM, rows=[{**PERSON, "name": "a\u202eb"}])
    assert "U+202E" in str(caught.value)


def test_an_organisation_name_in_chinese_follows_the_same_rule(world, unchanged):
    body = {"code": "acme", "name": "Acme", "kind": "PLATFORM", "name_zh": "阿\u202e克米"}
    code, answer = post(client(world, "officer"), "/api/organisations", body)
    assert (code, answer["field"]) == (422, "name_zh")


def claim(facts) -> dict:
    return {"kind": "OCCUPATIONAL_INJURY", "event_date": "2026-01-05", "facts": facts}


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({f"k{i}": i for i in range(51)}, "facts: has 51 keys; at most 50 are accepted."),
        ({"k" * 65: 1}, "facts: has a key longer than 64 characters."),
        ({"story": "x" * 2001}, "facts: has a text longer than 2000 characters."),
        ({"a": {"b": {"c": {"d": 1}}}}, "facts: is nested more than 4 levels deep."),
        ({"list": list(range(51))}, "facts: has a list of 51 items; at most 50 are accepted."),
        ({"n": 2**53 + 1}, "facts: has a number beyond 9007199254740992 in size."),
    ],
)
def test_oversized_facts_are_refused(world, unchanged, facts, message):
    code, answer = post(client(world, "worker"), "/api/claims", claim(facts))
    assert (code, answer["field"], answer["message"]) == (422, "facts", message)


def test_a_body_nested_too_deep_is_refused(world, unchanged):
    deep: dict = {}
    for _ in range(20):
        deep = {"x": deep}
    code, answer = post(client(world, "worker"), "/api/claims", claim(deep))
    assert (code, answer["message"]) == (
        422,
        "facts.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x: is nested more than 16 levels deep.",
    )


def test_a_long_reason_is_refused(world, unchanged):
    code, answer = post(
        client(world, "officer"), "/api/claims/1/decision", {"version": 1, "accept": True, "reason": "x" * 2001}
    )
    assert (code, answer["field"]) == (422, "reason")


@pytest.mark.parametrize(
    ("query", "field", "moment"),
    [
        ("since=0001-01-01", "since", "0001-01-01T00:00:00"),
        ("since=0001-01-01T00:00:00%2B14:00", "since", "0001-01-01T00:00:00+14:00"),
        ("until=9999-12-31T23:59:59-14:00", "until", "9999-12-31T23:59:59-14:00"),
        ("until=2201-01-01T00:00:00Z", "until", "2201-01-01T00:00:00+00:00"),
    ],
)
def test_a_time_outside_1900_to_2200_in_the_data_access_filter_is_a_422(world, query, field, moment):
    response = client(world, "auditor").get(f"/api/personal-data-access?{query}")
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert response.json()["message"] == f"{field}: {moment} is outside the times accepted, 1900-01-01 to 2200-12-31."


def test_the_ends_of_the_times_accepted_answer(world):
    auditor = client(world, "auditor")
    ends = "since=1900-01-01T00:00:00%2B14:00&until=2200-12-31T23:59:59-14:00"
    assert auditor.get(f"/api/personal-data-access?{ends}").status_code == 200
