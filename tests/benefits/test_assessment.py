"""The assessment of a claim parsed once per kind: what is refused and when (only what the rules of the kind
read, in their order), and the stored form it gives back (the mapping as entered). Through the API, the
answers are those of the assessment before it was parsed once: status, body, stored form and note."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from socsec.benefits.assessment import (
    Dependant,
    InjuryAssessment,
    PensionAssessment,
    Refused,
    bounds,
    checked,
    parse_assessment,
)
from socsec.core.errors import ValidationFailed
from tests.benefits.test_awards_and_payments import _accepted, accepted_injury

AS_ENTERED = [  # the shapes the officer's page stores
    ("OCCUPATIONAL_INJURY", {"grade": 0, "care_level": 0, "months_off_work": 2, "monthly_income_cents": 600000}),
    (
        "WORK_INJURY",
        {
            "outcome": "DEATH",
            "average_wage_12m_cents": 800000,
            "dependants": [{"name": "Li Na", "kind": "SPOUSE", "supplement": False}],
        },
    ),
    ("PENSION", {"resident": False, "months_before_records": 24, "average_indexed_wage_ratio": 1.2}),
    ("PENSION", {"resident": True, "months_before_records": 0}),
    (
        "UNEMPLOYMENT",
        {"involuntary": True, "registered": True, "carried_over_months": 3, "rural_contract_worker": False},
    ),
    ("LONG_TERM_CARE", {"incapacity_score": 35, "setting": "HOME"}),
    ("SKILL_SUBSIDY", {}),
]


@pytest.mark.parametrize(("kind", "entered"), AS_ENTERED)
def test_the_stored_form_is_the_mapping_as_entered(kind, entered):
    assessment = parse_assessment(kind, entered)
    stored = assessment.as_dict()
    assert (stored, list(stored)) == (entered, list(entered))
    assert parse_assessment(kind, stored) == assessment


def test_parsed_once_into_typed_fields():
    death = parse_assessment(
        "OCCUPATIONAL_INJURY",
        {"outcome": "DEATH", "dependants": [{"name": " Li Xiao ", "kind": "OTHER", "supplement": True}]},
    )
    assert death == InjuryAssessment(
        kind="OCCUPATIONAL_INJURY",
        entered={"outcome": "DEATH", "dependants": [{"name": " Li Xiao ", "kind": "OTHER", "supplement": True}]},
        outcome="DEATH",
        dependants=(Dependant("Li Xiao", "OTHER", True),),
    )
    resident = parse_assessment("PENSION", {"scheme": "RESIDENT"})
    assert isinstance(resident, PensionAssessment) and resident.residents_pension


def test_keys_not_read_are_neither_refused_nor_dropped():
    disability = parse_assessment("OCCUPATIONAL_INJURY", {"grade": "3", "dependants": "not read", "note": "x"})
    assert (disability.grade, disability.as_dict()) == (3, {"grade": "3", "dependants": "not read", "note": "x"})
    death = parse_assessment("OCCUPATIONAL_INJURY", {"outcome": "DEATH", "grade": "not read", "dependants": []})
    assert death.as_dict() == {"outcome": "DEATH", "grade": "not read", "dependants": []}
    no_time_off = parse_assessment("OCCUPATIONAL_INJURY", {"grade": 3, "monthly_income_cents": "abc"})
    assert no_time_off.months_off_work == 0  # so the income is never read
    resident = parse_assessment(
        "PENSION", {"resident": True, "months_before_records": 9999, "average_indexed_wage_ratio": 9}
    )
    assert (resident.months_before_records, resident.average_indexed_wage_ratio) == (0, 1.0)  # not read


def test_fields_read_after_the_rules_own_checks_are_refused_there():
    injury = parse_assessment("OCCUPATIONAL_INJURY", {"care_level": 4, "months_off_work": 20})
    assert isinstance(injury, InjuryAssessment)
    assert (injury.care_level, injury.months_off_work, injury.monthly_income_cents) == (
        Refused("care_level", "care_level: 4 is outside 0-3"),
        20,
        Refused("monthly_income_cents", "monthly_income_cents: is required"),
    )
    with pytest.raises(ValidationFailed) as caught:
        checked(injury.care_level)
    assert (caught.value.field, caught.value.message) == ("care_level", "care_level: 4 is outside 0-3")
    assert checked(injury.months_off_work) == 20


def test_the_bounds_the_rules_hold_are_read_from_them():
    on = dt.date(2026, 5, 6)
    assert bounds("OCCUPATIONAL_INJURY", "months_off_work", on) == (0, 24)  # 12 normal + 12 extension
    assert bounds("WORK_INJURY", "months_off_work", on) == (0, 24)
    assert bounds("UNEMPLOYMENT", "carried_over_months", on) == (0, 24)  # the longest benefit period
    assert bounds("LONG_TERM_CARE", "incapacity_score", on) == (0, 100)
    unemployment = parse_assessment("UNEMPLOYMENT", {"carried_over_months": 25}, on)
    assert unemployment.carried_over_months == Refused("carried_over_months", "carried_over_months: 25 is outside 0-24")


@pytest.mark.parametrize(
    ("kind", "entered", "field", "message"),
    [
        ("WORK_INJURY", {"grade": 3}, "average_wage_12m_cents", "average_wage_12m_cents: is required"),
        ("OCCUPATIONAL_INJURY", {"outcome": "LOST"}, "outcome", "outcome: 'LOST' is not DISABILITY, DEATH or NONE"),
        ("OCCUPATIONAL_INJURY", {"grade": -1}, "grade", "grade: -1 is outside 0-10"),
        (
            "OCCUPATIONAL_INJURY",
            {"outcome": "DEATH", "dependants": [{"name": "A", "kind": "SPOUSE"}, {"name": "B", "kind": "SPOUSE"}]},
            "dependants",
            "dependants: at most one spouse",
        ),
        (
            "PENSION",
            {"average_indexed_wage_ratio": 4},
            "average_indexed_wage_ratio",
            "average_indexed_wage_ratio: a number from 0.6 to 3.0 (the base is kept within 60%-300%)",
        ),
        ("UNEMPLOYMENT", {"contribution_months": None}, "contribution_months", "contribution_months: is required"),
        ("LONG_TERM_CARE", {"setting": "HOME"}, "incapacity_score", "incapacity_score: is required"),
        ("FUNERAL", {}, "kind", "kind: no award rules for FUNERAL"),
    ],
)
def test_refused_with_the_field_named(kind, entered, field, message):
    with pytest.raises(ValidationFailed) as caught:
        parse_assessment(kind, entered)
    assert (caught.value.field, caught.value.message) == (field, message)


# answers through the API as before assessments were parsed once (the same requests, the same world)
PENSIONER = "pensioner"  # the freelancer, as if born in 1965: a residents' pension from 2025-06-02
ACCEPTED = [
    (  # the income is not read without months off work
        "injury",
        {"grade": 3, "monthly_income_cents": 0},
        [("oip_disability_grant", 10350000), ("oip_disability_allowance_monthly", 360000)],
        "grade 3, monthly_income_cents 0",
    ),
    (
        "injury",
        {"grade": 3, "monthly_income_cents": "abc"},
        [("oip_disability_grant", 10350000), ("oip_disability_allowance_monthly", 360000)],
        "grade 3, monthly_income_cents abc",
    ),
    (  # the residents' pension reads neither the employee pension's ratio nor its months
        PENSIONER,
        {"resident": True, "average_indexed_wage_ratio": 9},
        [("resident_pension_monthly", 14300)],
        "resident True, average_indexed_wage_ratio 9",
    ),
    (
        PENSIONER,
        {"resident": True, "months_before_records": 9999},
        [("resident_pension_monthly", 14300)],
        "resident True, months_before_records 9999",
    ),
    (  # stored and echoed as posted: a key not read kept, "3" not made 3
        "injury",
        {"grade": "3", "foo": 1},
        [("oip_disability_grant", 10350000), ("oip_disability_allowance_monthly", 360000)],
        "grade 3, foo 1",
    ),
    (
        "unemployment",
        {"involuntary": True, "registered": True, "carried_over_months": "2", "x": [1]},
        [("unemployment_benefit_monthly", 180000)],
        "involuntary True, registered True, carried_over_months 2, x [1]",
    ),
]
REFUSED = [  # the rules' own checks come before the fields they read after them
    (
        "injury",
        {"months_off_work": 20},
        "months_off_work",
        "months_off_work: past the normal period without a confirmed extension",
    ),
    (
        "injury",
        {"months_off_work": 13, "monthly_income_cents": "abc"},
        "months_off_work",
        "months_off_work: past the normal period without a confirmed extension",
    ),
    (
        "unemployment",
        {"involuntary": False, "carried_over_months": 99},
        "assessment",
        "assessment: not eligible - left the job voluntarily",
    ),
    (
        "unemployment",
        {"involuntary": True, "registered": True, "carried_over_months": 99},
        "carried_over_months",
        "carried_over_months: 99 is outside 0-24",
    ),
    (
        "young resident",
        {"resident": True, "account_balance_before_records_cents": "x"},
        "event_date",
        "event_date: the residents' pension is paid from 60",
    ),
    (
        PENSIONER,
        {"resident": True, "account_balance_before_records_cents": "x"},
        "account_balance_before_records_cents",
        "account_balance_before_records_cents: 'x' is not a whole number",
    ),
]


def accepted_claim(world, which):
    from socsec.registry.models import Engagement
    from socsec.registry.services import engagement_end
    from tests.world import SYSTEM

    if which == "injury":
        return accepted_injury(world)
    if which == "unemployment":
        job = Engagement.objects.get(person=world.employee, organisation=world.employer)
        engagement_end(actor=SYSTEM, engagement=job, end_date=dt.date(2026, 2, 28), today=dt.date(2026, 3, 5))
        return _accepted(world, world.employee, "UNEMPLOYMENT", dt.date(2026, 2, 28), job)
    if which == PENSIONER:
        world.freelancer.birth_date = dt.date(1965, 1, 1)
        world.freelancer.save()
        return _accepted(world, world.freelancer, "PENSION", dt.date(2025, 6, 2))
    return _accepted(world, world.freelancer, "PENSION", dt.date(2025, 6, 1))  # born 1972: 53


def posted(world, claim, assessment):
    officer = Client()
    officer.force_login(world.users["officer"])
    body = json.dumps({"version": claim.version, "assessment": assessment})
    return officer, officer.post(f"/api/claims/{claim.pk}/assessment", body, content_type="application/json")


@pytest.mark.parametrize(("which", "assessment", "awards", "note"), ACCEPTED)
def test_accepted_stored_and_echoed_as_posted(world, data_dir, which, assessment, awards, note):
    claim = accepted_claim(world, which)
    officer, answer = posted(world, claim, assessment)
    body = answer.json()
    # the same keys and values as posted (their order is the database's: PostgreSQL's jsonb sorts them)
    assert (answer.status_code, body["status"], body["assessment"]) == (200, "ASSESSED", assessment)
    assert [(a["item"], a["amount_cents"]) for a in body["awards"]] == awards
    assert officer.get(f"/api/claims/{claim.pk}").json() == body
    claim.refresh_from_db()
    assert (claim.assessment, claim.events.order_by("id").last().note) == (assessment, note)


@pytest.mark.parametrize(("which", "assessment", "field", "message"), REFUSED)
def test_refused_in_the_rules_order(world, data_dir, which, assessment, field, message):
    claim = accepted_claim(world, which)
    _officer, answer = posted(world, claim, assessment)
    assert (answer.status_code, answer.json()) == (422, {"code": "invalid", "field": field, "message": message})
    claim.refresh_from_db()
    assert (claim.status, claim.awards.count()) == ("ACCEPTED", 0)
