"""Relief as rules: subsidies for groups with difficulties, hardship payments of the residents' pension,
deferral windows, medical insurance for flexible workers - amounts from the rules, posted to the ledger
and shown in the record."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.contributions.models import ContributionRelief, OwnContribution
from socsec.contributions.own.payments import own_contribution_pay
from socsec.contributions.own.relief import relief_grant
from socsec.contributions.statements import contribution_record
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.selectors import balance, trial_balance
from tests.world import SYSTEM

JAN = dt.date(2026, 1, 1)


def pay(person, scheme="EMPLOYEE_PENSION", start=JAN, today=dt.date(2026, 1, 5), **kw):
    kw.setdefault("months", 3)
    if scheme != "RESIDENT_PENSION":
        kw.setdefault("declared_base_cents", 500000)
    return own_contribution_pay(actor=SYSTEM, person=person, scheme=scheme, period_start=start, today=today, **kw)


def grant(person, group, start=dt.date(2025, 1, 1), end=None):
    return relief_grant(
        actor=SYSTEM, person=person, group=group, valid_from=start, valid_to=end, reason="certificate 7"
    )


def test_medical_insurance_of_a_flexible_worker(world):
    # Beijing floor 7,431.60 yuan x 8% (framework rate) x 3 months = 1,783.584 -> 1,783.58
    c = pay(world.rider, "MEDICAL")
    assert (c.paid_cents, c.subsidy_cents, c.individual_account_cents, c.pooled_cents) == (178358, 0, 0, 178358)
    assert balance("fund:MEDICAL:110000") == -178358
    assert balance("bank:collection") == 178358
    assert [(r.scheme, r.paid_by, r.amount_cents) for r in contribution_record(person_id=world.rider.pk)][-1] == (
        "MEDICAL",
        "self",
        178358,
    )


def test_employment_hardship_subsidy_pays_two_thirds_until_36_months(world):
    grant(world.rider, "EMPLOYMENT_HARDSHIP")
    first = pay(world.rider, months=12)  # 2026: 12 of 36 months
    # the pension: 7,431.60 x 20% x 12 = 17,835.84 yuan; 2/3 of it = 11,890.56 yuan
    assert (first.paid_cents, first.subsidy_cents, first.subsidised_months) == (594528, 1189056, 12)
    assert (first.individual_account_cents, first.pooled_cents) == (713434, 1070150)  # 8% and 12% of the whole
    assert first.explanation["subsidy"]["steps"][1]["value"] == 12  # the months the subsidy covers
    assert balance("receivable:government:110000") == 1189056
    assert sum(trial_balance().values()) == 0
    # medical insurance counts its own months of subsidy
    medical = pay(world.rider, "MEDICAL", months=12)
    # the contribution is 713,433.6 -> 713,434 cents; 2/3 of what is actually due = 475,622.67 -> 475,623
    assert (medical.subsidised_months, medical.subsidy_cents) == (12, 475623)
    assert record_payers(world) == {
        ("EMPLOYEE_PENSION", "government"),
        ("EMPLOYEE_PENSION", "self"),
        ("MEDICAL", "government"),
        ("MEDICAL", "self"),
    }


def record_payers(world):
    return {(r.scheme, r.paid_by) for r in contribution_record(person_id=world.rider.pk) if r.scheme != "OIP"}


def test_the_subsidy_stops_at_the_groups_maximum(world):
    grant(world.rider, "GRADUATE", start=dt.date(2024, 1, 1))  # at most 24 months
    for year in (2024, 2025):
        start = dt.date(year, 1, 1)
        pay(world.rider, start=start, today=dt.date(year, 1, 3), months=12)
    third = pay(world.rider, start=dt.date(2026, 1, 1), today=dt.date(2026, 1, 3), months=12)
    assert (third.subsidy_cents, third.subsidised_months) == (0, 0)
    assert third.paid_cents == 1783584
    assert "subsidy" in third.explanation  # explained: none of the 24 months is left


def test_residents_pension_lowest_tier_paid_for_a_severely_disabled_person(world):
    grant(world.freelancer, "SEVERE_DISABILITY")
    c = pay(world.freelancer, "RESIDENT_PENSION", months=12, tier="500")
    # chooses 500 yuan: the county pays the lowest tier (100), the resident 400; the subsidy 60 on top
    assert (c.paid_cents, c.subsidy_cents, c.individual_account_cents) == (40000, 16000, 56000)
    assert c.explanation["paid_for_hardship"]["value"] == 10000
    assert balance("receivable:government:140000") == 16000
    assert sum(trial_balance().values()) == 0


def test_a_month_of_2022_deferred_and_paid_in_2023_uses_that_years_bounds(world):
    c = pay(world.rider, start=dt.date(2022, 10, 1), today=dt.date(2023, 11, 30), months=1)
    # Beijing from 2023-07: 11,761 yuan -> floor 7,056.60; 20% = 1,411.32 yuan
    assert (c.deferred, c.paid_cents) == (True, 141132)
    assert c.explanation["period"]["value"] == 1


@pytest.mark.parametrize(
    ("scheme", "start", "today", "words"),
    [
        ("EMPLOYEE_PENSION", dt.date(2026, 2, 1), dt.date(2026, 3, 5), "2026-02 cannot be paid on 2026-03-05"),
        ("EMPLOYEE_PENSION", dt.date(2022, 10, 1), dt.date(2024, 1, 2), "whose deferral window closed"),
        ("MEDICAL", dt.date(2022, 10, 1), dt.date(2023, 11, 30), "paying back is not open"),
    ],
)
def test_past_months_are_refused_outside_a_deferral(world, unchanged, scheme, start, today, words):
    with pytest.raises(ValidationFailed) as caught:
        pay(world.rider, scheme, start=start, today=today, months=1)
    assert caught.value.field == "period_start"
    assert words in caught.value.message


def test_relief_groups_do_not_overlap_and_are_checked(world):
    grant(world.rider, "EMPLOYMENT_HARDSHIP", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    with pytest.raises(Conflict, match="overlaps the EMPLOYMENT_HARDSHIP period from 2025-01-01"):
        grant(world.rider, "GRADUATE", start=dt.date(2025, 6, 1))
    with pytest.raises(ValidationFailed) as caught:
        relief_grant(
            actor=SYSTEM, person=world.rider, group="POOR", valid_from=JAN, valid_to=dt.date(2025, 1, 1), reason=" "
        )
    assert set(caught.value.details["fields"]) == {"group", "valid_to", "reason"}
    grant(world.rider, "GRADUATE", start=dt.date(2026, 1, 1))
    assert ContributionRelief.objects.filter(person=world.rider).count() == 2
    assert OwnContribution.objects.count() == 0
