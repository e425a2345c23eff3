"""The assessment of a claim parsed once per kind: what is refused, and the stored form it gives back (the
keys as entered, in order)."""

from __future__ import annotations

import pytest

from socsec.benefits.assessment import Dependant, InjuryAssessment, PensionAssessment, parse_assessment
from socsec.core.errors import ValidationFailed

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
        entered=("outcome", "dependants"),
        outcome="DEATH",
        dependants=(Dependant("Li Xiao", "OTHER", True),),
    )
    resident = parse_assessment("PENSION", {"scheme": "RESIDENT"})
    assert isinstance(resident, PensionAssessment) and resident.residents_pension


def test_keys_the_outcome_does_not_use_are_not_kept():
    disability = parse_assessment("OCCUPATIONAL_INJURY", {"grade": 3, "dependants": "not read", "note": "x"})
    assert disability.as_dict() == {"grade": 3}
    death = parse_assessment("OCCUPATIONAL_INJURY", {"outcome": "DEATH", "grade": "not read", "dependants": []})
    assert death.as_dict() == {"outcome": "DEATH", "dependants": []}


@pytest.mark.parametrize(
    ("kind", "entered", "field", "message"),
    [
        ("WORK_INJURY", {"grade": 3}, "average_wage_12m_cents", "average_wage_12m_cents: is required"),
        ("OCCUPATIONAL_INJURY", {"outcome": "LOST"}, "outcome", "outcome: 'LOST' is not DISABILITY, DEATH or NONE"),
        ("OCCUPATIONAL_INJURY", {"care_level": 4}, "care_level", "care_level: 4 is outside 0-3"),
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
