"""Months count on the record only when the tax authority collected them: unemployment eligibility and
duration, the work-injury payer, the pension record and the individual account read the paid months."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from socsec.benefits.assessment import parse_assessment
from socsec.benefits.decisions import claim_assess, claim_decide
from socsec.benefits.intake import claim_submit
from socsec.benefits.selectors import pension_months_on_record, unemployment_months_on_record
from socsec.core.errors import ValidationFailed
from socsec.ledger.selectors import individual_account_balance
from socsec.registry.models import Engagement, Person
from socsec.registry.services import engagement_create, person_register
from socsec.taxexchange.selectors import (
    employer_contribution_paid,
    employer_months_on_record_many,
    paid_employer_months,
    paid_employer_months_many,
)
from tests.benefits.test_awards_and_payments import officer
from tests.world import SYSTEM, World, resident_id

from .helpers import collect, months

PAID = months("2024-01", 12)  # 2024-01 .. 2024-12
UNPAID = ["2025-01", "2025-02"]


def _hired(world: World, seq: int, start: dt.date, end: dt.date) -> tuple[Person, Engagement]:
    person = person_register(
        actor=SYSTEM, resident_id=resident_id("440106", "19880512", seq), name="陈静", residence_region="440100"
    )
    job = engagement_create(
        actor=SYSTEM,
        person=person,
        organisation=world.employer,
        category="LABOUR_RELATION",
        sector="MANUFACTURING",
        work_region="440100",
        start_date=start,
        end_date=end,
    )
    return person, job


@pytest.fixture
def employed(world: World, tmp_path: Path) -> tuple[Person, Engagement]:
    """An employee of the factory from January 2024 to February 2025: twelve months paid, two unpaid."""
    person, job = _hired(world, 44, dt.date(2024, 1, 1), dt.date(2025, 2, 28))
    collect(world.employer.pk, person.pk, PAID, UNPAID, tmp_path)
    return person, job


def _claim(world: World, person: Person, job: Engagement, kind: str, day: dt.date, assessment: dict[str, object]):  # type: ignore[no-untyped-def]
    claim = claim_submit(actor=SYSTEM, person=person, kind=kind, event_date=day, engagement=job, today=day)
    claim = claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")
    return claim_assess(
        actor=officer(world),
        claim=claim,
        expected_version=claim.version,
        assessment=parse_assessment(claim.kind, assessment),
        today=day + dt.timedelta(days=5),
    )


def test_only_the_paid_months_are_on_record(world: World, employed: tuple[Person, Engagement]) -> None:
    person, _job = employed
    assert paid_employer_months(person.pk) == PAID
    assert paid_employer_months_many(Person.objects.filter(pk=person.pk), scheme="UNEMPLOYMENT") == {person.pk: PAID}
    assert pension_months_on_record(person, dt.date(2025, 2, 28)) == 12  # 14 months employed
    assert unemployment_months_on_record(person, dt.date(2025, 2, 28)) == 12
    assert pension_months_on_record(person, dt.date(2024, 6, 30)) == 6


def test_twelve_paid_months_and_two_unpaid_give_the_duration_for_twelve(
    world: World, employed: tuple[Person, Engagement], data_dir: Path
) -> None:
    person, job = employed
    claim = _claim(world, person, job, "UNEMPLOYMENT", dt.date(2025, 2, 28), {"involuntary": True, "registered": True})
    award = claim.awards.get()
    assert (award.item, award.start_month, award.end_month) == ("unemployment_benefit_monthly", "2025-03", "2026-02")
    duration = award.explanation["duration"]
    assert (duration["inputs"]["contribution_months"], duration["value"]) == (12, 12)


def test_eleven_paid_months_and_three_unpaid_are_not_eligible(world: World, tmp_path: Path, data_dir: Path) -> None:
    person, job = _hired(world, 45, dt.date(2024, 2, 1), dt.date(2025, 3, 31))
    collect(world.employer.pk, person.pk, months("2024-02", 11), ["2025-01", "2025-02", "2025-03"], tmp_path)
    with pytest.raises(ValidationFailed, match="not eligible"):
        _claim(world, person, job, "UNEMPLOYMENT", dt.date(2025, 3, 31), {"involuntary": True, "registered": True})


def test_an_injury_in_an_unpaid_month_is_payable_by_the_employer(
    world: World, employed: tuple[Person, Engagement], data_dir: Path
) -> None:
    person, job = employed
    assert not employer_contribution_paid(
        employer_id=world.employer.pk, person_id=person.pk, month="2025-01", scheme="WORK_INJURY"
    )
    assessment = {"outcome": "NONE", "average_wage_12m_cents": 800_000, "medical_costs_cents": 1_234_500}
    unpaid = _claim(world, person, job, "WORK_INJURY", dt.date(2025, 1, 20), assessment)
    award = unpaid.awards.get()
    assert (award.item, award.payer, award.amount_cents) == ("injury_medical_costs", "EMPLOYER", 1_234_500)
    assert award.explanation["payer"]["month"] == "2025-01"
    assert award.explanation["payer"]["contribution_paid"] is False
    paid = _claim(world, person, job, "WORK_INJURY", dt.date(2024, 6, 10), assessment)
    assert [(a.item, a.payer) for a in paid.awards.all()] == [("injury_medical_costs", "FUND")]


def test_the_individual_account_gets_the_employees_eight_percent_of_paid_months_only(
    world: World, employed: tuple[Person, Engagement]
) -> None:
    person, _job = employed
    assert individual_account_balance(person.pk) == 12 * 64_000  # 8% of 8,000 yuan, twelve months


def test_months_before_the_first_handover_are_the_records_taken_over(
    world: World, employed: tuple[Person, Engagement], settings
) -> None:  # type: ignore[no-untyped-def]
    # the world's employee works at the factory since 2015-03; the factory's first handover is 2024-01
    on = dt.date(2025, 2, 28)
    intervals = employer_months_on_record_many(Person.objects.filter(pk=world.employee.pk), until=on)
    assert intervals == [(world.employee.pk, 2015 * 12 + 2, 2023 * 12 + 11)]  # 2015-03 .. 2023-12
    assert pension_months_on_record(world.employee, on) == 106
    assert employer_contribution_paid(
        employer_id=world.employer.pk, person_id=world.employee.pk, month="2023-12", scheme="WORK_INJURY"
    )
    settings.SOCSEC_TAX_EXCHANGE = {**settings.SOCSEC_TAX_EXCHANGE, "collected_from": "2019-01"}
    assert pension_months_on_record(world.employee, on) == 46  # 2015-03 .. 2018-12
