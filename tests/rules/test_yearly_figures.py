"""Yearly figures: a year not entered has no value (nothing carries over), a payment that needs it is refused,
and the check names it first."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.rules.engine import RuleViolation, calc
from socsec.rules.parameters import ParameterError, load_parameters_from
from socsec.rules.yearly_figures import MissingFigure, yearly_figures_missing

INCOME = "benefits.national.urban_disposable_income_per_capita"
NEEDED_BY = ("oip_death_lump_sum", "work_injury_death_lump_sum")


def test_2025_is_entered_and_2026_is_missing():
    assert yearly_figures_missing(dt.date(2026, 3, 10)) == []
    [missing] = yearly_figures_missing(dt.date(2027, 3, 10))
    assert (missing.path, missing.year, missing.needed_by) == (INCOME, 2026, NEEDED_BY)
    assert "as reported" in missing.reference
    assert calc("oip_death_lump_sum", "2026-12-31").value == 113004000  # 20 x 56,502
    with pytest.raises(RuleViolation, match="oip_death_lump_sum: no value on 2027-01-01"):
        calc("oip_death_lump_sum", "2027-01-01")


def test_only_the_figures_the_named_formulas_need():
    assert yearly_figures_missing(dt.date(2027, 3, 10), formulas=["pension_monthly"]) == []
    assert [m.year for m in yearly_figures_missing(dt.date(2027, 3, 10), formulas=["work_injury_death_lump_sum"])] == [
        2026
    ]


def write(tmp_path, values: str) -> None:
    (tmp_path / "income.yaml").write_text(
        "description: a yearly statistic\nmetadata:\n  reference: NBS\n  yearly: true\n  needed_by: [f]\n"
        f"values:\n{values}",
        encoding="utf-8",
    )


def test_a_year_between_two_entered_years_is_missing_too(tmp_path):
    write(tmp_path, "  2023-01-01: {value: 100}\n  2025-01-01: {value: 120}\n")
    tree = load_parameters_from(tmp_path)
    assert tree.value("income", "2023-12-31") == 100
    with pytest.raises(ParameterError, match="no value on 2024-06-30"):
        tree.value("income", "2024-06-30")
    assert tree.value("income", "2025-01-01") == 120
    assert yearly_figures_missing(dt.date(2025, 2, 1), params=tree) == [
        MissingFigure("income", 2024, "a yearly statistic", "NBS", ("f",))
    ]
    assert yearly_figures_missing(dt.date(2026, 2, 1), params=tree) == []
    assert [m.year for m in yearly_figures_missing(dt.date(2027, 2, 1), params=tree)] == [2026]


def test_a_yearly_figure_starts_on_the_first_of_january(tmp_path):
    write(tmp_path, "  2023-07-01: {value: 100}\n")
    with pytest.raises(ParameterError, match="income: a yearly figure starts on 1 January, not 2023-07-01"):
        load_parameters_from(tmp_path)
