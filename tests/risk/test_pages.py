"""The officers' risk pages in both languages: the queue, a case with its evidence where the outcome is
recorded (and refused without a note), the rules with their precision; the API's list, detail and outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socsec.risk.models import RiskCase, ScreeningRun
from tests.world import World


def risk_case(world: World) -> RiskCase:
    """A case of the rule "paid after death" on the rider, as a screening keeps it."""
    run = ScreeningRun.objects.create(trigger="COMMAND", on=dt.date(2026, 4, 1), started_at=timezone.now(), hits=1)
    return RiskCase.objects.create(
        rule="paid_after_death",
        case_key="award:9",
        person=world.rider,
        score=87,
        evidence={
            "award_id": 9,
            "died_on": "2026-01-20",
            "months": ["2026-02", "2026-03"],
            "amount_cents_after_death": 500000,
        },
        parameters={"grace_months": 0},
        first_run=run,
        last_run=run,
    )


@pytest.fixture
def officer(client, world):
    client.force_login(world.users["officer"])
    return client


def test_the_queue_and_the_case_show_the_evidence_in_chinese(officer, world):
    case = risk_case(world)
    officer.cookies["django_language"] = "zh-hans"
    queue = officer.get("/officer/risk/").content.decode()
    assert f'data-case="{case.pk}" data-rule="paid_after_death"' in queue
    assert "死亡日期之后仍发放待遇" in queue and "1 个案件。" in queue
    page = officer.get(f"/officer/risk/{case.pk}/").content.decode()
    assert '<tr><th scope="row">死亡日期</th><td translate="no">2026-01-20</td></tr>' in page
    assert '<tr><th scope="row">月份</th><td translate="no">2026-02, 2026-03</td></tr>' in page
    assert "<code>grace_months = 0</code>" in page


def test_an_outcome_without_a_note_is_refused_and_changes_nothing(officer, world):
    case = risk_case(world)
    refused = officer.post(f"/officer/risk/{case.pk}/", {"outcome": "CONFIRMED", "note": ""})
    assert refused.status_code == 422
    case.refresh_from_db()
    assert (case.status, case.outcome_note) == ("OPEN", "")
    done = officer.post(f"/officer/risk/{case.pk}/", {"outcome": "CONFIRMED", "note": "the bank returned it"})
    assert (done.status_code, done["Location"]) == (302, f"/officer/risk/{case.pk}/")
    case.refresh_from_db()
    assert (case.status, case.outcome_note, case.decided_by_id) == (
        "CONFIRMED",
        "the bank returned it",
        world.users["officer"].pk,
    )
    officer.cookies["django_language"] = "en"
    rules = officer.get("/officer/risk/rules/").content.decode()
    assert "Precision 100% (1 confirmed of 1 decided)" in rules
    assert rules.count("Precision: no case decided yet") == 7


def test_the_api_lists_shows_and_decides_a_case(officer, world):
    case = risk_case(world)
    listed = officer.get("/api/risk/cases").json()
    assert [(c["id"], c["rule"], c["score"], c["status"]) for c in listed["items"]] == [
        (case.pk, "paid_after_death", 87, "OPEN")
    ]
    assert listed["next_cursor"] is None
    detail = officer.get(f"/api/risk/cases/{case.pk}").json()
    assert (detail["evidence"]["died_on"], detail["parameters"]) == ("2026-01-20", {"grace_months": 0})
    bad = officer.post(
        f"/api/risk/cases/{case.pk}/outcome", {"outcome": "MAYBE", "note": "x"}, content_type="application/json"
    )
    assert (bad.status_code, bad.json()["code"], bad.json()["field"]) == (422, "risk_bad_outcome", "outcome")
    ok = officer.post(
        f"/api/risk/cases/{case.pk}/outcome",
        {"outcome": "FALSE_POSITIVE", "note": "notice was wrong"},
        content_type="application/json",
    )
    assert (ok.status_code, ok.json()["status"], ok.json()["outcome_note"]) == (
        200,
        "FALSE_POSITIVE",
        "notice was wrong",
    )
    again = officer.post(
        f"/api/risk/cases/{case.pk}/outcome", {"outcome": "CONFIRMED", "note": "x"}, content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "risk_case_decided")
    rules = {r["name"]: r for r in officer.get("/api/risk/rules").json()["items"]}
    assert (rules["paid_after_death"]["decided"], rules["paid_after_death"]["precision"]) == (1, 0.0)
    assert officer.get("/api/risk/cases/999999").status_code == 404


def test_a_worker_sees_no_risk_case(client, world):
    case = risk_case(world)
    client.force_login(world.users["worker"])
    assert client.get("/api/risk/cases").status_code == 403
    assert client.get(f"/officer/risk/{case.pk}/").status_code == 403
