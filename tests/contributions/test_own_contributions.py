"""Workers' own contributions: where the rules make a scheme voluntary, at amounts the rules compute,
posted to the ledger and shown in the worker's record."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from socsec.contributions.models import OwnContribution
from socsec.contributions.own.enrolments import enrolment_join
from socsec.contributions.own.payments import own_contribution_pay
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.selectors import balance, trial_balance
from tests.world import SYSTEM

Q1 = dt.date(2026, 1, 1)
JAN_5 = dt.date(2026, 1, 5)


def test_a_flexible_worker_pays_a_quarter_on_a_chosen_base(world):
    # the rider lives in Beijing (110100): 2025-07 average wage 12,386 -> floor 7,431.60, ceiling 37,158
    c = own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=Q1,
        months=3,
        declared_base_cents=500000,
        today=dt.date(2026, 1, 5),
    )
    assert (c.paid_cents, c.individual_account_cents, c.pooled_cents) == (445896, 178358, 267538)
    assert c.explanation["contribution"]["steps"][0]["value"] == 743160  # the base, raised to the floor
    assert balance("bank:collection") == 445896
    assert balance(f"fund:individual-account:{world.rider.pk}") == -178358
    assert balance("fund:EMPLOYEE_PENSION:110000") == -267538
    assert sum(trial_balance().values()) == 0


def test_residents_pension_tier_with_its_subsidy(world):
    c = own_contribution_pay(
        actor=SYSTEM,
        person=world.freelancer,
        scheme="RESIDENT_PENSION",
        period_start=Q1,
        tier="1000",
        today=dt.date(2026, 1, 5),
    )
    assert (c.paid_cents, c.subsidy_cents, c.individual_account_cents, c.months) == (100000, 6000, 106000, 12)
    assert balance("receivable:government:140000") == 6000
    assert sum(trial_balance().values()) == 0


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"person": "employee"}, "scheme", "not open to you on 2026-01-01 - Has a labour relation"),
        ({"months": 2}, "months", "not monthly (1), quarterly (3) or yearly (12)"),
        ({"declared_base_cents": None}, "declared_base_cents", "is required"),
        ({"period_start": dt.date(2026, 1, 15)}, "period_start", "first day of a month"),
        (
            {"scheme": "RESIDENT_PENSION", "tier": "750", "months": 12, "declared_base_cents": None},
            "tier",
            "'750' is not a residents' pension tier",
        ),
        ({"tier": "500"}, "tier", "belongs to the residents' pension"),
    ],
)
def test_bad_requests_write_nothing(world, unchanged, kw, field, words):
    args = {
        "actor": SYSTEM,
        "person": world.rider,
        "scheme": "EMPLOYEE_PENSION",
        "period_start": Q1,
        "months": 3,
        "declared_base_cents": 500000,
        "today": JAN_5,
        **kw,
    }
    if args["person"] == "employee":
        args["person"] = world.employee
    with pytest.raises(ValidationFailed) as caught:
        own_contribution_pay(**args)
    assert caught.value.field == field
    assert words in caught.value.message


def test_a_period_is_paid_once(world):
    args = {
        "actor": SYSTEM,
        "person": world.rider,
        "scheme": "EMPLOYEE_PENSION",
        "period_start": Q1,
        "months": 1,
        "declared_base_cents": 800000,
        "today": JAN_5,
    }
    own_contribution_pay(**args)
    with pytest.raises(Conflict):
        own_contribution_pay(**args)
    assert OwnContribution.objects.count() == 1


def test_the_api_books_nothing_without_a_payment_and_starts_one_through_the_provider(world):
    worker = Client()
    worker.force_login(world.users["worker"])
    this_month = f"{dt.date.today():%Y-%m}-01"
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    body = json.dumps(
        {"scheme": "EMPLOYEE_PENSION", "period_start": this_month, "months": 1, "declared_base_cents": 1000000}
    )
    direct = worker.post("/api/me/contributions/own", body, content_type="application/json")
    assert direct.status_code in (404, 405)  # booking without paying is gone
    assert OwnContribution.objects.count() == 0
    response = worker.post("/api/me/contributions/own/payments", body, content_type="application/json")
    assert response.status_code == 201
    out = response.json()
    assert (out["status"], out["amount_cents"], out["provider"]) == ("PENDING", 200000, "local")
    assert out["redirect_url"] == f"/pay/local/{out['reference']}/"
    assert OwnContribution.objects.count() == 0
    assert worker.get("/api/me/contributions").json()["items"] == []


def test_overlapping_periods_are_refused(world):
    own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=Q1,
        months=3,
        declared_base_cents=800000,
        today=JAN_5,
    )
    with pytest.raises(Conflict, match=r"the months from 2026-01-01 \(3\) are already paid"):
        own_contribution_pay(
            actor=SYSTEM,
            person=world.rider,
            scheme="EMPLOYEE_PENSION",
            period_start=dt.date(2026, 2, 1),
            months=1,
            declared_base_cents=800000,
            today=JAN_5,
        )
    later = own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=dt.date(2026, 4, 1),
        months=1,
        declared_base_cents=800000,
        today=JAN_5,
    )
    assert later.pk
