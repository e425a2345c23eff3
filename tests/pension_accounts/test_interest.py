"""Interest credited to employee-pension individual accounts once a year, at the year's published rate,
as balanced ledger transactions, once per person and year."""

from __future__ import annotations

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from socsec.contributions.models import InterestCredit
from socsec.contributions.own.payments import own_contribution_pay
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.models import LedgerTransaction
from socsec.ledger.selectors import balance, trial_balance
from socsec.pension_accounts.services import interest_credit
from socsec.rules.engine import calc
from socsec.rules.parameters import ParameterError, load_parameters
from tests.world import SYSTEM, build_world

BASE = 600_000  # 6,000.00 yuan a month, inside Shanxi's 60%-300% of the average wage in 2023 and 2024
MONTHLY = 48_000  # 8% of it goes to the individual account


def employee_pension(person, start: dt.date, months: int, paid_on: dt.date):
    return own_contribution_pay(
        actor=SYSTEM,
        person=person,
        scheme="EMPLOYEE_PENSION",
        period_start=start,
        months=months,
        declared_base_cents=BASE,
        today=paid_on,
    )


def test_the_published_rates_are_in_the_rules():
    params = load_parameters()
    rates = {
        year: params.value("employee_pension.individual_account_interest_rate", f"{year}-06-30")
        for year in range(2016, 2025)
    }
    assert rates == {
        2016: 0.0831,
        2017: 0.0712,
        2018: 0.0829,
        2019: 0.0761,
        2020: 0.0604,
        2021: 0.0669,
        2022: 0.0612,
        2023: 0.0397,
        2024: 0.0262,
    }
    with pytest.raises(ParameterError, match="no value on 2025-06-30"):  # published in 2026: not in the rules yet
        params.value("employee_pension.individual_account_interest_rate", "2025-06-30")


def test_the_formula_for_one_case():
    # 10,000.00 yuan on 1 January + 1,000.00 yuan credited in March (10 months left), at 2.62% in 2024:
    # 1,000,000 x 2.62% + 100,000 x 2.62% x 10 / 12 = 26,200 + 2,183.333... = 28,383.33 -> 28,383 cents
    result = calc(
        "individual_account_interest", on="2024-12-31", opening_balance=1_000_000, contribution_months=1_000_000
    )
    assert result.value == 28_383
    assert result.parameters[0].path == "employee_pension.individual_account_interest_rate"
    assert result.rounding == "to the cent, halves away from zero, once per output row"


def test_two_years_credited_with_exact_cents(world):
    freelancer, rider = world.freelancer, world.rider
    employee_pension(freelancer, dt.date(2023, 3, 1), 12, dt.date(2023, 3, 10))  # 576,000 cents in March
    own_contribution_pay(  # residents' pension money: not credited at the employee-pension rate
        actor=SYSTEM,
        person=rider,
        scheme="RESIDENT_PENSION",
        period_start=dt.date(2023, 1, 1),
        tier="500",
        today=dt.date(2023, 2, 1),
    )
    first = interest_credit(actor=SYSTEM, year=2023, today=dt.date(2024, 7, 1))
    # 2023 at 3.97%: opening 0; 576,000 booked in March earns 10/12 of the year:
    # 576,000 x 10 / 12 x 3.97% = 480,000 x 3.97% = 19,056.00 -> 19,056 cents
    assert [(c.person_id, c.province, c.opening_balance_cents, c.amount_cents) for c in first.credited] == [
        (freelancer.pk, "140000", 0, 19_056)
    ]
    employee_pension(freelancer, dt.date(2024, 7, 1), 3, dt.date(2024, 7, 15))  # 144,000 cents in July
    second = interest_credit(actor=SYSTEM, year=2024, today=dt.date(2025, 7, 1))
    # 2024 at 2.62%: opening 576,000 + 19,056 = 595,056; 144,000 booked in July earns 6/12:
    # (595,056 + 144,000 x 6 / 12) x 2.62% = 667,056 x 2.62% = 17,476.8672 -> 17,477 cents
    [credit] = second.credited
    assert (credit.opening_balance_cents, credit.contribution_month_cents, credit.amount_cents) == (
        595_056,
        864_000,
        17_477,
    )
    assert credit.explanation["parameters"][0]["value"] == 0.0262
    assert credit.explanation["contributions"] == [
        {"booked_on": "2024-07-15", "amount_cents": 144_000, "months_left": 6}
    ]
    assert balance(f"fund:individual-account:{freelancer.pk}") == -(576_000 + 19_056 + 144_000 + 17_477)
    assert balance("fund:EMPLOYEE_PENSION:140000:interest") == 19_056 + 17_477
    assert balance(f"fund:individual-account:{rider.pk}") == -(50_000 + 6_000)  # tier 500 + subsidy, no interest
    tx = LedgerTransaction.objects.get(idempotency_key=f"interest:2024:{freelancer.pk}")
    assert (tx.booked_on, tx.source) == (dt.date(2024, 12, 31), f"interest:2024:{freelancer.pk}")
    assert sum(trial_balance().values()) == 0


def test_a_rerun_credits_nobody_twice(world):
    employee_pension(world.freelancer, dt.date(2023, 3, 1), 12, dt.date(2023, 3, 10))
    interest_credit(actor=SYSTEM, year=2023, today=dt.date(2024, 7, 1))
    before = (InterestCredit.objects.count(), LedgerTransaction.objects.count(), trial_balance())
    again = interest_credit(actor=SYSTEM, year=2023, today=dt.date(2024, 7, 1))
    assert (again.credited, again.already_credited) == ([], 1)
    assert (InterestCredit.objects.count(), LedgerTransaction.objects.count(), trial_balance()) == before


@pytest.mark.parametrize(
    ("year", "today", "message"),
    [
        (2025, dt.date(2026, 7, 1), "no credited interest rate for 2025"),
        (2024, dt.date(2024, 12, 31), "2024 is not over yet"),
        (2015, dt.date(2026, 7, 1), "no credited interest rate for 2015"),
    ],
)
def test_refused_years_write_nothing(world, year, today, message):
    employee_pension(world.freelancer, dt.date(2023, 3, 1), 12, dt.date(2023, 3, 10))
    before = (InterestCredit.objects.count(), LedgerTransaction.objects.count())
    with pytest.raises(ValidationFailed, match=message):
        interest_credit(actor=SYSTEM, year=year, today=today)
    assert (InterestCredit.objects.count(), LedgerTransaction.objects.count()) == before


def test_an_earlier_year_after_a_later_one_is_refused(world):
    employee_pension(world.freelancer, dt.date(2023, 3, 1), 12, dt.date(2023, 3, 10))
    interest_credit(actor=SYSTEM, year=2024, today=dt.date(2025, 7, 1))
    with pytest.raises(Conflict, match="later year"):
        interest_credit(actor=SYSTEM, year=2023, today=dt.date(2025, 7, 1))


def test_officers_credit_interest_through_the_api(world):
    employee_pension(world.freelancer, dt.date(2023, 3, 1), 12, dt.date(2023, 3, 10))
    officer = Client()
    officer.force_login(world.users["officer"])
    body = officer.post("/api/pension/interest-credits", json.dumps({"year": 2023}), content_type="application/json")
    assert body.status_code == 200
    assert {k: v for k, v in body.json().items() if k != "credits"} == {
        "year": 2023,
        "credited": 1,
        "already_credited": 0,
        "amount_cents": 19_056,
    }
    again = officer.post("/api/pension/interest-credits", json.dumps({"year": 2023}), content_type="application/json")
    assert (again.json()["credited"], again.json()["already_credited"]) == (0, 1)
    refused = officer.post("/api/pension/interest-credits", json.dumps({"year": 2025}), content_type="application/json")
    assert (refused.status_code, refused.json()["field"]) == (422, "year")


MONTHS = [dt.date(2023 + m // 12, m % 12 + 1, 1) for m in range(24)]


def reference_interest(opening: int, contributions: list[tuple[dt.date, int]], rate: str) -> int:
    exact = (Decimal(opening) + sum(Decimal(c * (13 - d.month)) / 12 for d, c in contributions)) * Decimal(rate)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class InterestProperties(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    @settings(max_examples=12, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(range(24)), st.integers(min_value=0, max_value=27)),
            min_size=1,
            max_size=6,
            unique_by=lambda t: t[0],
        )
    )
    def test_crediting_keeps_the_ledger_balanced_and_matches_the_formula(self, payments):
        person = self.world.freelancer
        paid: list[tuple[dt.date, int]] = []
        for month, day in sorted(payments):
            booked = MONTHS[month] + dt.timedelta(days=day)
            record = employee_pension(person, MONTHS[month], 1, booked)
            paid.append((booked, record.individual_account_cents))
        first = interest_credit(actor=SYSTEM, year=2023, today=dt.date(2025, 1, 1))
        second = interest_credit(actor=SYSTEM, year=2024, today=dt.date(2025, 1, 1))
        in_2023 = [(d, c) for d, c in paid if d.year == 2023]
        expected_2023 = reference_interest(0, in_2023, "0.0397")
        opening_2024 = sum(c for _d, c in in_2023) + expected_2023
        expected_2024 = reference_interest(opening_2024, [(d, c) for d, c in paid if d.year == 2024], "0.0262")
        assert [c.amount_cents for c in first.credited] == ([expected_2023] if expected_2023 else [])
        assert [c.amount_cents for c in second.credited] == ([expected_2024] if expected_2024 else [])
        assert sum(trial_balance().values()) == 0
        for tx in LedgerTransaction.objects.prefetch_related("entries"):
            assert sum(e.amount_cents for e in tx.entries.all()) == 0
        assert balance(f"fund:individual-account:{person.pk}") == -(
            opening_2024 + sum(c for d, c in paid if d.year == 2024) + expected_2024
        )
        rerun = interest_credit(actor=SYSTEM, year=2024, today=dt.date(2025, 1, 1))
        assert rerun.credited == []
