"""Employers' and employees' contributions on wages: explained with their parameters, refused on bad inputs,
every one listed and covered by a scenario, and every rate parameter referenced (DEMO DATA where unverified)."""

import datetime as dt

import numpy as np
import pytest

from socsec.rules.engine import RuleViolation, all_formulas, calc, compute
from socsec.rules.parameters import load_parameters
from socsec.rules.scenarios import load_scenarios

ON = dt.date(2026, 1, 15)
SCHEMES = ("pension", "medical", "maternity", "unemployment", "work_injury", "long_term_care")
CONTRIBUTIONS = [f"{payer}_{scheme}_contribution" for scheme in SCHEMES for payer in ("employer", "employee")]


def flatten(explanation):
    yield explanation
    for step in explanation.steps:
        yield from flatten(step)


def test_every_contribution_is_listed_and_has_a_scenario():
    listed = {f.name for f in all_formulas()}
    assert {"employer_contribution_base", *CONTRIBUTIONS} <= listed
    covered = {name for s in load_scenarios() for name in s.outputs}
    assert {"employer_contribution_base", *CONTRIBUTIONS} <= covered


def test_a_contribution_explains_its_base_rate_and_parameters():
    result = calc("employer_unemployment_contribution", ON, region="440300", wage=1_000_000, base_wage=900_000)
    assert result.value == 6300
    assert result.rounding == "to the cent, halves away from zero, once per output row"
    steps = {step.formula: step for step in flatten(result)}
    assert steps["employer_contribution_base"].value == 900_000
    assert steps["employer_unemployment_rate"].value == 0.007
    (rate,) = steps["employer_unemployment_rate"].parameters
    assert (rate.path, rate.value, rate.effective_from) == (
        "payroll.unemployment.employer_rate.440300",
        0.007,
        dt.date(2019, 5, 1),
    )
    assert "Ren She Bu Fa [2016] No. 36" in rate.reference
    paths = {p.path for step in flatten(result) for p in step.parameters}
    assert {"contribution.base_floor_ratio", "regions.average_monthly_wage.440300"} <= paths


def test_the_pension_parts_are_16_and_8_percent_from_guo_ban_fa_2019_13():
    result = calc("employer_pension_contribution", ON, region="440300", wage=0, base_wage=1_000_000)
    (rate,) = next(s for s in flatten(result) if s.formula == "employer_pension_rate").parameters
    assert (result.value, rate.value, rate.effective_from) == (160_000, 0.16, dt.date(2019, 5, 1))
    assert "Guo Ban Fa [2019] No. 13" in rate.reference
    assert calc("employee_pension_contribution", ON, region="440300", wage=0, base_wage=1_000_000).value == 80_000


def test_a_city_without_its_own_rate_takes_its_province_then_the_national_one():
    regions = np.array(["440300", "440100", "510100"])
    assert compute("employer_medical_rate", ON, region=regions).tolist() == [0.052, 0.055, 0.06]


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"industry_class": 9, "injury_float_step": 0}, "unknown industry risk class 9"),
        ({"industry_class": 0, "injury_float_step": 0}, "unknown industry risk class 0"),
        ({"industry_class": 1, "injury_float_step": -1}, "floating step -1 is not allowed to industry risk class 1"),
        ({"industry_class": 4, "injury_float_step": 3}, "floating step 3 is not allowed to industry risk class 4"),
    ],
)
def test_an_unknown_class_or_step_is_refused(inputs, message):
    with pytest.raises(RuleViolation, match=message):
        calc("employer_work_injury_contribution", ON, region="440300", wage=900_000, base_wage=0, **inputs)


def test_a_negative_wage_is_refused():
    with pytest.raises(RuleViolation, match="negative"):
        calc("employer_pension_contribution", ON, region="440300", wage=-1, base_wage=0)
    with pytest.raises(RuleViolation, match="negative"):
        calc("employer_pension_contribution", ON, region="440300", wage=100, base_wage=-1)


def test_every_rate_parameter_has_a_reference_and_unverified_figures_say_demo_data():
    payroll = load_parameters().node("payroll")
    leaves = list(payroll.leaves())
    assert len(leaves) > 30
    assert all(leaf.reference for leaf in leaves)
    for name in ("medical.employer_rate", "maternity.employer_rate", "unemployment.employer_rate"):
        node = payroll.node(name)
        assert "DEMO DATA" in node.children["440300"].description
