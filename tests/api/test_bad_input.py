"""Bad input gets a 4xx naming the field and the reason, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.world import resident_id

GOOD_ID = resident_id("110105", "19920229", 17)
BAD_CHECKSUM = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")


@pytest.fixture
def officer(world) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.users["officer"])
    return client


def post(client: Client, url: str, body) -> tuple[int, dict]:
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post(url, data=data, content_type="application/json")
    return response.status_code, response.json()


PERSON = {"resident_id": GOOD_ID, "name": "赵敏", "residence_region": "110100"}


@pytest.mark.parametrize(
    ("body", "status", "field", "words"),
    [
        ({**PERSON, "resident_id": BAD_CHECKSUM}, 422, "resident_id", "check digit does not match"),
        ({**PERSON, "birth_date": "1992-03-01"}, 422, "birth_date", "contradicts the resident ID"),
        ({**PERSON, "sex": "F"}, 422, "sex", "contradicts the resident ID"),
        ({**PERSON, "residence_region": "123456"}, 422, "residence_region", "unknown region code"),
        ({**PERSON, "birth_date": "29/02/1992"}, 422, "birth_date", "date"),
        ({"name": "赵敏", "residence_region": "110100"}, 422, "resident_id", "required"),
        ("{not json", 400, "body", "not valid JSON"),
    ],
)
def test_register_person(world, unchanged, officer, body, status, field, words):
    code, answer = post(officer, "/api/persons", body)
    assert (code, answer["field"]) == (status, field)
    assert words.lower() in answer["message"].lower()


def engagement(world, **overrides):
    return {
        "person_id": world.freelancer.pk,
        "organisation": "agency",
        "category": "CIVIL_LAW",
        "sector": "OTHER_SERVICES",
        "work_region": "140100",
        "start_date": "2026-02-01",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "status", "field", "words"),
    [
        ({"sector": "SPACE"}, 422, "sector", "'SPACE' is not one of"),
        ({"work_region": "999999"}, 422, "work_region", "unknown region code"),
        ({"category": "FREELANCE"}, 422, "category", "not one of"),
        ({"end_date": "2026-01-01"}, 422, "end_date", "before the start date"),
        ({"start_date": "2021-07-01"}, 409, "start_date", "overlaps engagement"),
        ({"start_date": "soon"}, 422, "start_date", "date"),
        ({"organisation": "nobody"}, 404, "organisation", "no organisation"),
        ({"person_id": 999999}, 404, "person_id", "no person"),
    ],
)
def test_create_engagement(world, unchanged, officer, overrides, status, field, words):
    code, answer = post(officer, "/api/engagements", engagement(world, **overrides))
    assert (code, answer["field"]) == (status, field), answer
    assert words.lower() in answer["message"].lower()


def test_platform_touching_another_platforms_worker(world, unchanged, platform):
    code, answer = post(platform, "/api/engagements", engagement(world, organisation=None))
    assert (code, answer["code"]) == (404, "not_found")  # not its worker: answered as if absent
    code, answer = post(platform, f"/api/engagements/{world.rider_eng_courier.pk}/end", {"end_date": "2026-06-30"})
    assert code == 404
    code, answer = post(
        platform,
        "/api/workers",
        {
            "person": PERSON,
            "organisation": "zipper",
            "engagement": {
                "category": "CIVIL_LAW",
                "sector": "INSTANT_DELIVERY",
                "work_region": "110100",
                "start_date": "2026-03-01",
            },
        },
    )
    assert (code, answer["field"]) == (403, "organisation")
    assert platform.get(f"/api/persons/{world.freelancer.pk}").status_code == 404
    claim = {"person_id": world.rider.pk, "kind": "OCCUPATIONAL_INJURY", "event_date": "2026-05-10"}
    code, answer = post(platform, "/api/claims", {**claim, "engagement_id": world.rider_eng_courier.pk})
    assert (code, answer["message"]) == (404, f"no engagement with id {world.rider_eng_courier.pk}")


def test_worker_registration_with_a_bad_engagement_writes_no_person(world, unchanged, platform):
    code, answer = post(
        platform,
        "/api/workers",
        {
            "person": PERSON,
            "engagement": {
                "category": "CIVIL_LAW",
                "sector": "INSTANT_DELIVERY",
                "work_region": "000000",
                "start_date": "2026-03-01",
            },
        },
    )
    assert (code, answer["field"]) == (422, "engagement.work_region")


def test_worker_registration_with_a_bad_id_names_the_nested_field(world, unchanged, platform):
    code, answer = post(
        platform,
        "/api/workers",
        {
            "person": {**PERSON, "resident_id": BAD_CHECKSUM},
            "engagement": {
                "category": "CIVIL_LAW",
                "sector": "INSTANT_DELIVERY",
                "work_region": "110100",
                "start_date": "2026-03-01",
            },
        },
    )
    assert (code, answer["field"]) == (422, "person.resident_id")


def test_a_good_registration_writes_person_engagement_and_audit(world, platform):
    from socsec.audit.models import AuditEntry

    code, answer = post(
        platform,
        "/api/workers",
        {
            "person": PERSON,
            "engagement": {
                "category": "MANAGED_NON_LABOUR",
                "sector": "RIDE_HAILING",
                "work_region": "440300",
                "start_date": "2026-03-01",
                "external_ref": "RG-1",
            },
        },
    )
    assert code == 201
    assert answer["person"]["birth_date"] == "1992-02-29"
    assert answer["person_created"] is None  # a platform is not told whether the person was known
    assert answer["engagement"]["organisation"] == "ridego"
    actions = list(AuditEntry.objects.filter(actor_label__startswith="token:ridego").values_list("action", flat=True))
    assert sorted(actions) == ["engagement.create", "person.register"]
