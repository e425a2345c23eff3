"""The scalar twins (socsec.rules.scalar) give what the vectorised formulas give for one row: the same value,
the same explanation (inputs, parameters with their dates and references, steps, rounding, meaning) and the
same refusals, on random inputs, for every formula that has a twin."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socsec.rules.coverage import Category, Sector
from socsec.rules.engine import InputError, RuleViolation, all_formulas, calc, calc_vector, get_formula
from socsec.rules.formulas.common import RetirementGroup
from socsec.rules.parameters import ParameterError, load_parameters

TWINS = sorted(f.name for f in all_formulas() if f.scalar is not None)


def test_the_coverage_decision_runs_on_twins() -> None:
    assert TWINS == [
        "age_months",
        "coverage_employee_pension",
        "coverage_individual_pension",
        "coverage_long_term_care",
        "coverage_medical",
        "coverage_oip",
        "coverage_resident_pension",
        "coverage_unemployment",
        "coverage_work_injury",
        "oip_pilot_scope",
        "statutory_retirement_age_months",
    ]


def _codes(*paths: str) -> list[str]:
    params = load_parameters()
    keys: set[str] = set()
    for path in paths:
        keys.update(params.node(path).children)
    return sorted(keys)


REGIONS = _codes("long_term_care.pilot_city", "individual_pension.pilot_city", "oip.pilot.province")
SECTORS = _codes("oip.pilot.sector")
TEXT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789 ", max_size=8)
REGION = st.one_of(st.sampled_from(REGIONS), st.from_regex(r"[1-6][0-9]{5}", fullmatch=True), TEXT)
BY_NAME: dict[str, st.SearchStrategy[Any]] = {
    "sex": st.sampled_from(["M", "F", "X", ""]),
    "retirement_group": st.one_of(st.sampled_from([g.value for g in RetirementGroup]), TEXT),
    "city": REGION,
    "region": REGION,
    "sector": st.one_of(st.sampled_from(SECTORS + [s.value for s in Sector]), TEXT),
    "category": st.one_of(st.sampled_from([c.value for c in Category]), TEXT),
}
BY_KIND: dict[str, st.SearchStrategy[Any]] = {
    "date": st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    "bool": st.booleans(),
    "int": st.integers(-1000, 1000),
    "cents": st.integers(0, 10**9),
    "float": st.floats(-1e6, 1e6, allow_nan=False),
    "str": TEXT,
}


@st.composite
def cases(draw: st.DrawFn, name: str) -> tuple[dt.date, dict[str, Any]]:
    f = get_formula(name)
    on = draw(st.dates(dt.date(1960, 1, 1), dt.date(2080, 12, 31)))
    inputs = {k: draw(BY_NAME.get(k, BY_KIND[spec.kind])) for k, spec in f.inputs.items()}
    return on, inputs


def _outcome(run: Any, name: str, on: dt.date, inputs: dict[str, Any]) -> tuple[str, str]:
    """What a path gives: the explanation as stored, in JSON (so that an int and a numpy int, or a bool and
    an int, differ), or the refusal's type and words."""
    try:
        return "value", json.dumps(run(name, on, **inputs).as_dict(), sort_keys=True)
    except (RuleViolation, InputError, ParameterError) as exc:
        return type(exc).__name__, str(exc)


@pytest.mark.parametrize("name", TWINS)
def test_twin_agrees_with_the_vectorised_formula(name: str) -> None:
    @settings(max_examples=150, deadline=None)
    @given(case=cases(name))
    def agree(case: tuple[dt.date, dict[str, Any]]) -> None:
        on, inputs = case
        assert _outcome(calc, name, on, inputs) == _outcome(calc_vector, name, on, inputs)

    agree()


def test_a_refusal_is_the_same_on_both_paths() -> None:
    born = dt.date(1990, 5, 3)
    for run in (calc, calc_vector):
        with pytest.raises(RuleViolation, match=r"^retirement group 'WOMEN_50' is not one of sex M \(MEN_60\)$"):
            run(
                "coverage_unemployment",
                "2026-01-05",
                birth_date=born,
                sex="M",
                retirement_group="WOMEN_50",
                labour_relation=True,
            )
        with pytest.raises(RuleViolation, match=r"^statutory_retirement_age_months: no value on 1970-01-01 for row 1"):
            run("statutory_retirement_age_months", "1970-01-01", birth_date=born, sex="M", retirement_group="MEN_60")
        with pytest.raises(InputError, match=r"^coverage_medical: unknown input 'city'"):
            run("coverage_medical", "2026-01-05", labour_relation=True, other_work=False, city="110000")
        with pytest.raises(InputError, match=r"^coverage_medical: missing input\(s\) other_work$"):
            run("coverage_medical", "2026-01-05", labour_relation=True)


def test_a_twin_explains_the_steps_and_parameters_it_used() -> None:
    explanation = calc(
        "coverage_employee_pension",
        "2026-01-05",
        birth_date=dt.date(1990, 5, 3),
        sex="F",
        retirement_group="WOMEN_55",
        labour_relation=False,
        other_work=True,
    )
    assert explanation.value == 11
    assert explanation.meaning is not None
    assert [s.formula for s in explanation.steps] == ["age_months", "statutory_retirement_age_months", "age_months"]
    assert explanation.steps[0].value == 428
    assert [p.path for p in explanation.parameters] == ["work.minimum_age_months"]
    assert [p.path for p in explanation.steps[1].parameters] == [
        "retirement.women_55.first_birth_month_index",
        "retirement.women_55.birth_months_per_step",
        "retirement.women_55.max_delay_months",
        "retirement.women_55.base_age_months",
    ]
