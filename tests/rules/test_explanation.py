"""The engine's public ways to explain a value without its internals: one row of a vectorised run
(``explain_row``), a step's value read back from a stored explanation (``step_value``) and a formula's
rounding rule in words (``Formula.rounding_text``)."""

import datetime as dt

import numpy as np
import pytest

from socsec.rules.engine import InputError, all_formulas, calc, compute, explain_row, get_formula
from socsec.rules.explanation import step_value
from socsec.rules.parameters import load_parameters
from socsec.rules.rounding import ROUNDING

YEAR_END = dt.date(2024, 12, 31)


def test_one_row_of_a_vectorised_run_is_explained_as_calc_explains_it():
    opening = np.array([1_000_000, 250_000], dtype=np.int64)
    weighted = np.array([12_000_000, 0], dtype=np.int64)
    amounts = compute("individual_account_interest", YEAR_END, opening_balance=opening, contribution_months=weighted)
    rate = load_parameters().leaf("employee_pension.individual_account_interest_rate").resolve(YEAR_END)
    for start, months, cents in zip(opening, weighted, amounts, strict=True):
        row = explain_row(
            "individual_account_interest",
            YEAR_END,
            cents,
            inputs={"opening_balance": start, "contribution_months": months},
            parameters=[rate],
        )
        one = calc("individual_account_interest", YEAR_END, opening_balance=int(start), contribution_months=int(months))
        assert row.as_dict() == one.as_dict()
        assert row.as_dict()["inputs"] == {
            "on": "2024-12-31",
            "opening_balance": int(start),
            "contribution_months": int(months),
        }
        assert row.as_dict()["value"] == int(cents)


def test_a_row_of_a_code_formula_says_what_its_code_means_and_dates_are_shown_as_days():
    code = compute("own_contribution_period_check", "2026-03-10", period_start=np.array([YEAR_END]))[0]
    row = explain_row("own_contribution_period_check", "2026-03-10", code, inputs={"period_start": YEAR_END})
    one = calc("own_contribution_period_check", "2026-03-10", period_start=YEAR_END)
    assert (row.value, row.meaning, row.inputs) == (one.value, one.meaning, one.inputs)
    assert row.inputs == {"on": "2026-03-10", "period_start": "2024-12-31"}
    assert row.steps == [] and row.parameters == []


def test_a_row_needs_every_input_of_its_formula_and_no_other():
    with pytest.raises(InputError, match="missing input"):
        explain_row("individual_account_interest", YEAR_END, 1, inputs={"opening_balance": 1})
    with pytest.raises(InputError, match="unknown input"):
        explain_row(
            "individual_account_interest",
            YEAR_END,
            1,
            inputs={"opening_balance": 1, "contribution_months": 0, "rate": 0.02},
        )


def test_a_step_value_is_read_back_from_a_stored_explanation():
    inputs = {"region": "440300", "declared_base": 300000, "months": 1}
    stored = calc("flexible_pension_contribution", "2026-01-15", **inputs).as_dict()
    base = calc("contribution_base", "2026-01-15", region="440300", declared_base=300000).value
    assert step_value(stored, "contribution_base") == base == stored["steps"][0]["value"]
    assert step_value(stored, "regional_average_monthly_wage") == stored["steps"][0]["steps"][0]["steps"][0]["value"]
    assert step_value(stored, "flexible_pension_contribution") == stored["value"]
    with pytest.raises(KeyError, match="no step of 'oip_contribution'"):
        step_value(stored, "oip_contribution")


def test_a_formula_gives_its_rounding_rule_in_words():
    for f in all_formulas():
        assert f.rounding_text == (ROUNDING[f.rounding][0] if f.rounding else None)
        assert f.describe()["rounding"] == f.rounding_text
    assert get_formula("contribution_base").rounding_text == "to the cent, halves away from zero, once per output row"
    assert get_formula("age_months").rounding_text is None
