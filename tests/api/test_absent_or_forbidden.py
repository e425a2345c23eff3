"""An object of another organisation answers exactly as an absent one (404, same code, field and message
with the id sent), so a platform cannot learn which ids exist; a role that may not act at all is refused
(403) the same way whatever the id."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from socsec.benefits.intake import claim_submit
from socsec.contributions.models import OrderBatch
from tests.world import SYSTEM

ABSENT = 987654


def answer(client: Client, method: str, url: str, body: dict | None) -> tuple[int, dict]:
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, json.dumps(body or {}), content_type="application/json")
    return response.status_code, response.json()


CASES = [
    ("get", "/api/persons/{person}", None, 404),
    ("get", "/api/persons/{person}/engagements", None, 404),
    ("post", "/api/engagements/{engagement}/end", {"end_date": "2026-06-01"}, 404),
    ("get", "/api/claims/{claim}", None, 404),
    ("post", "/api/claims/{claim}/appeal", {"version": 1, "reason": "x"}, 404),
    ("post", "/api/claims/{claim}/withdrawal", {"version": 1}, 404),
    ("post", "/api/claims/{claim}/decision", {"version": 1, "accept": True, "reason": "x"}, 403),
    ("get", "/api/persons/{person}/coverage", None, 403),
    ("get", "/api/organisations/{organisation}", None, 404),
    ("get", "/api/organisations/{organisation}/statement?start=2026-01-01&end=2026-02-01", None, 404),
    ("get", "/api/orders/batches/{batch}", None, 404),
]


@pytest.mark.parametrize(("method", "url", "body", "status"), CASES, ids=[c[1] for c in CASES])
def test_another_platforms_object_answers_as_an_absent_one(world, method, url, body, status):
    claim = claim_submit(
        actor=SYSTEM,
        person=world.rider,
        kind="OCCUPATIONAL_INJURY",
        event_date=dt.date(2026, 4, 1),
        engagement=world.rider_eng_platform,
        today=dt.date(2026, 4, 3),
    )
    theirs = {  # RideGo's objects, read by Zipper
        "person": world.employee.pk,
        "engagement": world.rider_eng_platform.pk,
        "claim": claim.pk,
        "organisation": "ridego",
        "batch": OrderBatch.objects.create(platform=world.platform, idempotency_key="k", content_sha256="0" * 64).pk,
    }
    absent = dict.fromkeys(theirs, ABSENT) | {"organisation": "nosuch"}
    courier = Client(headers={"Authorization": f"Bearer {world.courier_token}"})
    other_status, other = answer(courier, method, url.format(**theirs), body)
    absent_status, missing = answer(courier, method, url.format(**absent), body)
    assert other_status == absent_status == status
    key = next(k for k in theirs if "{" + k + "}" in url)
    assert other == json.loads(json.dumps(missing).replace(str(absent[key]), str(theirs[key])))
