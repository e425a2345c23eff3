import datetime as dt

import pytest

from socsec.rules.scenarios import Scenario, load_scenarios, run_scenario

SCENARIOS = list(load_scenarios())


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[f"{s.file}:{s.name}" for s in SCENARIOS])
def test_scenario(scenario):
    outcome = run_scenario(scenario)
    assert outcome.failures == []


def test_there_are_scenarios_for_every_coverage_formula():
    covered = {name for s in SCENARIOS for name in s.outputs}
    assert {
        "coverage_employee_pension",
        "coverage_resident_pension",
        "coverage_medical",
        "coverage_work_injury",
        "coverage_oip",
        "coverage_unemployment",
        "coverage_long_term_care",
        "coverage_individual_pension",
        "contribution_base",
        "statutory_retirement_age_months",
    } <= covered


def test_a_wrong_expectation_is_reported():
    wrong = Scenario(
        "wrong",
        "x.yaml",
        dt.date(2026, 1, 15),
        {"region": "440300", "declared_base": 300000},
        {"contribution_base": 654301, "coverage_oip": "MANDATORY"},
    )
    outcome = run_scenario(wrong)
    assert not outcome.passed
    assert outcome.failures[0] == "contribution_base: expected 654301, got 654300"
    assert outcome.failures[1].startswith("coverage_oip: InputError")
