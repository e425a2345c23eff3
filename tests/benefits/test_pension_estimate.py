"""The pension estimate before retirement: the statutory date, the months on record and to come, the account
with the latest credited rate, the pension formula of the rules, each assumption named."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from socsec.benefits.selectors import pension_estimate

TODAY = dt.date(2026, 11, 27)
pytestmark = pytest.mark.usefixtures("factory_months_as_recorded")


def test_short_of_the_minimum_period(world):
    # 李娜, born 1985-07 (women's 55 group, +36 months: 58), employed since 2015-03: 141 months to 2026-11
    e = pension_estimate(person=world.employee, today=TODAY, months_per_year=0)
    assert (e.retirement_date, e.retirement_age_months, e.months_on_record, e.months_to_come) == (
        dt.date(2043, 7, 1),
        696,
        141,
        0,
    )
    assert (e.minimum_months, e.monthly_cents, e.explanation) == (240, None, None)  # 20 years from 2039


def test_paying_every_month_on_the_average_wage(world):
    e = pension_estimate(person=world.employee, today=TODAY, base_cents=830000)  # Guangdong's 8,300 yuan
    assert (e.months_to_come, e.assumptions["base_ratio"], e.assumptions["interest_rate"]["value"]) == (
        199,  # December 2026 to June 2043: November is on record already
        1.0,
        0.0262,
    )
    i = (
        0.0262 / 12
    )  # 8% of 8,300 = 664 yuan a month, credited 1/12 of 2.62% a month, for the 199 months from 2026-12 to 2043-06
    assert abs(e.account_at_retirement_cents - 66400 * ((1 + i) ** 199 - 1) / i) <= 1
    inputs = e.explanation["inputs"]
    assert (inputs["contribution_months"], inputs["average_indexed_wage_ratio"], inputs["retirement_age_months"]) == (
        340,
        1.0,
        696,
    )
    basic, account = (step["value"] for step in e.explanation["steps"])
    assert basic == 235167  # 8,300 x (1 + 1.0) / 2 x 340 / 12 years x 1% = 2,351.667 yuan
    assert e.monthly_cents == basic + account


def test_the_page_and_the_api(world):
    worker = Client()
    worker.force_login(world.users["worker"])
    page = worker.get("/me/pension-estimate/?base=abc", headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "“abc” is not an amount in yuan; the lowest base is used." in page.content.decode()
    half = worker.get("/api/me/pension-estimate?months_per_year=6").json()
    full = worker.get("/api/me/pension-estimate").json()
    assert half["months_to_come"] == full["months_to_come"] // 2  # six months paid of every twelve
    assert half["retirement_date"] == full["retirement_date"]
    bad = worker.get("/api/me/pension-estimate?months_per_year=13")
    assert (bad.status_code, bad.json()["field"]) == (422, "months_per_year")
    officer = Client()
    officer.force_login(world.users["officer"])
    assert officer.get("/api/me/pension-estimate").status_code == 403
    assert json.loads(worker.get("/api/me/pension-estimate").content)["assumptions"]["months_per_year"] == 12
