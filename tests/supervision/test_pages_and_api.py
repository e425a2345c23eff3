"""The supervisor's fund and coverage pages, their CSV, and the API: for supervisors only; a threshold out
of range is refused with its field on the page (422) and in the API."""

from __future__ import annotations

import json

from django.test import Client

from socsec.supervision.alerts import fund_alerts_evaluate
from socsec.supervision.models import FundAlert, FundThreshold

from .test_alerts import TODAY, alerts, crossing  # noqa: F401  (the fixture)


def login(world, role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users[role])
    return client


def test_only_a_supervisor_sees_the_funds(crossing):  # noqa: F811
    for role in ("officer", "worker", "auditor"):
        client = login(crossing, role)
        assert client.get("/supervisor/funds/").status_code == 403
        assert client.get("/supervisor/coverage/").status_code == 403
        assert client.get("/api/supervision/funds").status_code == 403


def test_the_dashboard_shows_the_alerts_and_the_funds(crossing):  # noqa: F811
    fund_alerts_evaluate(actor=alerts.Actor.system("t"), month="2026-06", today=TODAY)
    client = login(crossing, "supervisor")
    page = client.get("/supervisor/funds/?month=2026-06").content.decode()
    assert "Alerts (3 open)" in page
    assert "The reserve of 100.00 yuan covers 0.7 months of average expenditure (limit 2.0)." in page
    assert "Claims rose from 2 to 5 (150.0%, limit 50%)." in page
    csv = client.get("/supervisor/funds/?month=2026-06&format=csv&table=funds").content.decode("utf-8-sig")
    assert csv.splitlines()[-1] == "OIP,440000,2026-06,0.00,150.00,100.00,0.7"
    alert = FundAlert.objects.get(kind="RESERVE_LOW")
    assert client.post(f"/supervisor/funds/alerts/{alert.pk}/acknowledge/").status_code == 302
    assert FundAlert.objects.get(pk=alert.pk).state == "ACKNOWLEDGED"


def test_a_threshold_out_of_range_is_refused_on_the_page_and_in_the_api(crossing):  # noqa: F811
    client = login(crossing, "supervisor")
    before = list(FundThreshold.objects.values_list("scheme", "province", "reserve_months"))
    answer = client.post(
        "/supervisor/funds/thresholds/", {"scheme": "OIP", "reserve_months": "500", "month": "2026-06"}
    )
    assert answer.status_code == 422
    assert "reserve_months: must be a number from 0.1 to 120, not 500." in answer.content.decode()
    api = client.put(
        "/api/supervision/thresholds", json.dumps({"scheme": "OIP", "claims_jump_percent": 0}), "application/json"
    )
    assert api.status_code == 422 and api.json()["field"] == "claims_jump_percent"
    assert list(FundThreshold.objects.values_list("scheme", "province", "reserve_months")) == before
    ok = client.put(
        "/api/supervision/thresholds",
        json.dumps({"scheme": "UNEMPLOYMENT", "province": "440000", "reserve_months": "6"}),
        "application/json",
    )
    assert ok.status_code == 200 and ok.json()["reserve_months"] == "6.0"


def test_the_api_answers_the_figures(crossing):  # noqa: F811
    client = login(crossing, "supervisor")
    funds = client.get("/api/supervision/funds?month=2026-06").json()
    assert funds["next_cursor"] is None
    assert funds["items"][-1] == {
        "scheme": "OIP",
        "province": "440000",
        "month": "2026-06",
        "income_cents": 0,
        "expenditure_cents": 15_000,
        "reserve_cents": 10_000,
        "reserve_months": "0.7",
        "benefits_cents": {"oip_medical": 15_000},
    }
    rows = client.get("/api/supervision/contributions?month=2026-06").json()["items"]
    assert [(r["month"], r["arrears_cents"]["1-30"] + r["arrears_cents"]["31-90"]) for r in rows][-1] == (
        "2026-05",
        40_000,
    )
    assert client.get("/api/supervision/funds?month=2026-13").status_code == 422
    first = client.get("/api/supervision/funds?month=2026-06&limit=1").json()
    second = client.get(f"/api/supervision/funds?month=2026-06&limit=1&cursor={first['next_cursor']}").json()
    assert [first["items"][0], second["items"][0]] == funds["items"][:2]
    coverage = client.get("/api/supervision/coverage?month=2026-06&threshold=1").json()
    by = {t["dimension"]: t for t in coverage["tables"]}
    assert by["category"]["total"]["persons"] == 3
    assert client.get("/api/supervision/coverage?threshold=0").json()["field"] == "threshold"


def test_coverage_page_and_csv(crossing):  # noqa: F811
    client = login(crossing, "supervisor")
    page = client.get("/supervisor/coverage/?month=2026-06&threshold=1").content.decode()
    assert "By Worker category" in page
    small = client.get("/supervisor/coverage/?month=2026-06").content.decode()
    assert "withheld (small numbers)" in small
    csv = client.get("/supervisor/coverage/?month=2026-06&threshold=1&format=csv").content.decode("utf-8-sig")
    assert "2026-06,category,All,3,2,66.7,0,,0," in csv.replace("\r", "")
    chinese = login(crossing, "supervisor")
    chinese.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    assert "按 工作者类别" in chinese.get("/supervisor/coverage/?month=2026-06&threshold=1").content.decode()
