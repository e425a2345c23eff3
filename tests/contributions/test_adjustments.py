"""A province adjusts a platform's per-order amount: once a year, one 10% step, within +/-50%, not in
the first year; the assessment uses the amount in force."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.contributions.assessment.adjustments import adjustment_set, adjustments_for_month
from socsec.core.errors import Conflict, ValidationFailed
from tests.world import SYSTEM


def setting(world, steps: int, day: dt.date, **kw):
    args = {
        "actor": SYSTEM,
        "platform": world.platform,
        "province_code": "440000",
        "steps": steps,
        "effective_from": day,
        "reason": "payout ratio 2025 below 40%",
        **kw,
    }
    return adjustment_set(**args)


def test_yearly_steps_and_the_amount_in_force(world):
    # ridego joined OIP in Guangdong on 2023-01-01
    setting(world, 1, dt.date(2024, 1, 1))
    setting(world, 2, dt.date(2025, 1, 1))
    assert adjustments_for_month("2024-12") == {("ridego", "440000"): 1}
    assert adjustments_for_month("2025-01") == {("ridego", "440000"): 2}
    assert adjustments_for_month("2023-06") == {}


@pytest.mark.parametrize(
    ("steps", "day", "message"),
    [
        (1, dt.date(2023, 12, 1), "first year in the scheme"),
        (2, dt.date(2024, 1, 1), "moves more steps at once"),
        (6, dt.date(2024, 1, 1), "outside the +/-50% bounds"),
    ],
)
def test_refusals_name_the_rule(world, unchanged, steps, day, message):
    with pytest.raises(ValidationFailed) as caught:
        setting(world, steps, day)
    assert caught.value.field == "steps"
    assert message in caught.value.message
    assert caught.value.details["explanation"]["formula"] == "oip_adjustment_check"


def test_once_a_year(world):
    setting(world, -1, dt.date(2024, 1, 1))
    with pytest.raises(ValidationFailed, match="once a year at most"):
        setting(world, -2, dt.date(2024, 11, 1))
    with pytest.raises(Conflict):
        setting(world, 0, dt.date(2024, 1, 1))


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"province_code": "440300"}, "province"),
        ({"reason": " "}, "reason"),
        ({"effective_from": dt.date(2024, 1, 15)}, "effective_from"),
        ({"province_code": "110000"}, "effective_from"),  # ridego is not switched on in Beijing
    ],
)
def test_bad_input(world, unchanged, kw, field):
    with pytest.raises(ValidationFailed) as caught:
        setting(world, 1, kw.pop("effective_from", dt.date(2024, 1, 1)), **kw)
    assert caught.value.field == field


def test_through_the_api(world):
    import json

    from django.test import Client

    body = {
        "platform": "ridego",
        "province": "440000",
        "steps": 1,
        "effective_from": "2024-01-01",
        "reason": "low injury incidence",
    }
    platform = Client(headers={"Authorization": f"Bearer {world.platform_token}"})
    assert platform.post("/api/oip/adjustments", json.dumps(body), content_type="application/json").status_code == 403
    officer = Client()
    officer.force_login(world.users["officer"])
    response = officer.post("/api/oip/adjustments", json.dumps(body), content_type="application/json")
    assert (response.status_code, response.json()["steps"]) == (201, 1)
    too_far = officer.post(
        "/api/oip/adjustments",
        json.dumps({**body, "steps": 3, "effective_from": "2025-02-01"}),
        content_type="application/json",
    )
    assert (too_far.status_code, too_far.json()["field"]) == (422, "steps")
