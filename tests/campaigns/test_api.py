"""The campaigns over the API: preview, send (once per key), list by page, results; errors in the envelope."""

from __future__ import annotations

import pytest
from django.test import Client

from socsec.campaigns.models import Campaign
from socsec.notifications.models import Notice

pytestmark = pytest.mark.django_db

BODY = {
    "name": "Pension for riders",
    "segment": {"platform": "zipper", "province": "140000", "sex": "M"},
    "subject_en": "Pension",
    "subject_zh": "养老保险",
    "text_en": "You may join the employee pension online.",
    "text_zh": "您可以在网上参加职工养老保险。",
    "control_percent": 20,
    "idempotency_key": "api-1",
}


def session(world, role: str = "officer") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def test_preview_send_once_list_and_results(world, crowd):
    client = session(world)
    preview = client.get("/api/campaigns/preview", {"platform": "zipper", "province": "140000", "sex": "M"})
    assert preview.status_code == 200
    assert preview.json()["persons"] == 8  # the men: riders 0, 2, 6, 8, 10, 12, 16, 18
    listed = client.get("/api/campaigns/preview", {"sectors": ["FOOD_DELIVERY", "RETAIL"], "province": "140000"})
    assert listed.json()["persons"] == 20
    sent = client.post("/api/campaigns", BODY, content_type="application/json")
    assert sent.status_code == 201
    body = sent.json()
    assert body["treated"] + body["control"] == 8
    assert body["segment"]["sex"] == "M" and body["segment"]["categories"] == []
    again = client.post("/api/campaigns", BODY, content_type="application/json")
    assert (again.status_code, again.json()["id"]) == (200, body["id"])
    assert Notice.objects.filter(event="campaign.message").count() == body["treated"]
    other = client.post("/api/campaigns", {**BODY, "name": "Another"}, content_type="application/json")
    assert other.status_code == 409
    assert other.json()["code"] == "campaign_idempotency_key_reused"
    page = client.get("/api/campaigns", {"limit": 1}).json()
    assert [c["id"] for c in page["items"]] == [body["id"]] and page["next_cursor"] is None
    results = client.get(f"/api/campaigns/{body['id']}/results", {"threshold": "1"}).json()
    assert [
        (w["days"], w["treated"]["members"], w["treated"]["joined"], w["control"]["paid"]) for w in results["windows"]
    ] == [
        (30, body["treated"], 0, 0),
        (60, body["treated"], 0, 0),
        (90, body["treated"], 0, 0),
    ]
    assert results["windows"][0]["joined_difference_points"] == ("0.0" if body["control"] else None)
    assert client.get("/api/campaigns/999999/results").status_code == 404


def test_bad_campaigns_answer_with_the_field(world, crowd):
    client = session(world, "supervisor")
    half = client.post("/api/campaigns", {**BODY, "control_percent": 51}, content_type="application/json")
    assert half.status_code == 422
    assert (half.json()["code"], half.json()["field"]) == ("invalid", "control_percent")
    no_zh = client.post("/api/campaigns", {**BODY, "text_zh": ""}, content_type="application/json")
    assert (no_zh.status_code, no_zh.json()["field"]) == (422, "text_zh")
    empty = {**BODY, "segment": {"platform": "zipper", "age_from": 100}}
    nobody = client.post("/api/campaigns", empty, content_type="application/json")
    assert (nobody.status_code, nobody.json()["code"]) == (422, "campaign_segment_empty")
    bad = client.get("/api/campaigns/preview", {"sectors": "SPACE"})
    assert (bad.status_code, bad.json()["field"]) == (422, "sectors")
    assert Campaign.objects.count() == 0


def test_workers_and_platforms_are_refused(world):
    worker = session(world, "worker")
    assert worker.get("/api/campaigns").status_code == 403
    assert worker.post("/api/campaigns", BODY, content_type="application/json").status_code == 403
