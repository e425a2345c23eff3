"""The rule parameters the projection reads, by year: any parameter's value on 1 July, the annuity
divisor table, pension indexation (the rules' enacted rates, then the scenario's assumption) and the
statutory retirement age of every cohort (the rules' own formula)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from socsec.rules.engine import compute
from socsec.rules.parameters import ParameterError

from .inputs import AGES, Array, InputError
from .scenario import Scenario


def _dates(years: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    return np.array([np.datetime64(f"{y}-07-01", "D") for y in years])


def rule_by_year(scenario: Scenario, path: str, years: npt.NDArray[np.int64]) -> Array:
    """A rule parameter's value on 1 July of each year; missing values are refused."""
    try:
        values = scenario.params.leaf(path).at(_dates(years))
    except ParameterError as exc:
        raise InputError(f"rule parameter missing ({exc})", file=scenario.file, field=f"rules.{path}") from None
    if np.isnan(values).any():
        year = int(years[np.flatnonzero(np.isnan(values))[0]])
        raise InputError(f"rule parameter {path} has no value in {year}", file=scenario.file, field=f"rules.{path}")
    return values


DIVISOR = "benefits.pension.account_divisor"
INDEXATION = "benefits.pension.indexation_rate"
INDEXATION_ASSUMPTION = "indexation_beyond_rules"  # in the scenario's ``pension:`` section


def divisor_table(scenario: Scenario, years: npt.NDArray[np.int64]) -> tuple[Array, Array]:
    try:
        node = scenario.params.node(DIVISOR)
    except ParameterError as exc:
        raise InputError(f"rule parameter missing ({exc})", file=scenario.file, field=f"rules.{DIVISOR}") from None
    ages = np.array(sorted(int(k) for k in node.children), dtype=np.float64)
    table = np.stack([rule_by_year(scenario, f"{DIVISOR}.{int(a)}", years) for a in ages], axis=1)
    return ages, table  # (n,), (T, n)


def pension_indexation(scenario: Scenario, years: npt.NDArray[np.int64]) -> Array:
    """Yearly increase of pensions in payment: the rules' rate (``benefits.pension.indexation_rate``, set
    by the yearly notices) where the rules have one, else the scenario's ASSUMPTION
    ``pension.indexation_beyond_rules`` (a year series) - the rules hold no value for years not decided."""
    try:
        enacted = scenario.params.leaf(INDEXATION).at(_dates(years))
    except ParameterError as exc:
        raise InputError(f"rule parameter missing ({exc})", file=scenario.file, field=f"rules.{INDEXATION}") from None
    undecided = np.isnan(enacted)
    if not undecided.any():
        return enacted
    pen = scenario.root.section("pension")
    if not pen.has(INDEXATION_ASSUMPTION):
        year = int(years[np.flatnonzero(undecided)[0]])
        raise pen.error(
            INDEXATION_ASSUMPTION,
            f"rule parameter {INDEXATION} has no value in {year}: an assumption is needed (required)",
        )
    assumed = pen.series(INDEXATION_ASSUMPTION, years, low=-0.5, high=1.0)
    result: Array = np.where(undecided, assumed, enacted)
    return result


def retirement_ages(scenario: Scenario, years: npt.NDArray[np.int64]) -> Array:
    """Statutory retirement age in years by (year, sex, age): the rules' formula for each of the 12 birth
    months of the cohort born in ``year - age``, evaluated on 1 July of ``year``, averaged."""
    t, s, a, m = np.meshgrid(np.arange(len(years)), np.arange(2), np.arange(AGES), np.arange(12), indexing="ij")
    cohort = years[t] - a
    birth = (np.datetime64("1970-01", "M") + (cohort - 1970) * 12 + m).astype("datetime64[D]")
    on = _dates(years)[t]
    sex = np.where(s == 0, "M", "F")
    try:
        months = compute(
            "statutory_retirement_age_months",
            on=on.ravel(),
            params=scenario.params,
            birth_date=birth.ravel(),
            sex=sex.ravel(),
        ).astype(np.float64)
    except (ParameterError, ValueError) as exc:
        raise InputError(f"retirement age: {exc}", file=scenario.file, field="rules.retirement") from None
    out: Array = months.reshape(t.shape).mean(axis=3) / 12.0
    return out
