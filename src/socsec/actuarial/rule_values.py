"""The rule parameters the projection reads, by year: any parameter's value on 1 July, pension indexation
(the rules' enacted rates, then the scenario's assumption), and the statutory retirement age of every cohort
with the account divisor at that age (the rules' own formulas)."""

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


INDEXATION = "benefits.pension.indexation_rate"
INDEXATION_ASSUMPTION = "indexation_beyond_rules"  # in the scenario's ``pension:`` section


def account_divisor(scenario: Scenario, year: int, age_months: int) -> float:
    """The rules' account divisor (``pension_account_divisor``) for a retirement at ``age_months`` in
    ``year``, under the scenario's rule parameters."""
    try:
        found = compute(
            "pension_account_divisor",
            on=_dates(np.array([year])),
            params=scenario.params,
            retirement_age_months=np.array([age_months]),
        )
    except (ParameterError, ValueError) as exc:
        raise InputError(f"account divisor: {exc}", file=scenario.file, field="rules.benefits.pension") from None
    return float(found[0])


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
    """Statutory retirement age in years by (year, sex, age): see :func:`retirement_ages_and_divisors`."""
    return retirement_ages_and_divisors(scenario, years)[0]


def retirement_ages_and_divisors(scenario: Scenario, years: npt.NDArray[np.int64]) -> tuple[Array, Array]:
    """Statutory retirement age in years and the account divisor at that age, by (year, sex, age): the
    rules' formulas (``statutory_retirement_age_months``, ``pension_account_divisor``) for each of the 12
    birth months of the cohort born in ``year - age``, evaluated on 1 July of ``year``; the ages averaged,
    the divisors by their harmonic mean (so that the cohort's account pension is the mean of its months').
    Women are of the 55 group: the model has no split of women by their original retirement group."""
    t, s, a, m = np.meshgrid(np.arange(len(years)), np.arange(2), np.arange(AGES), np.arange(12), indexing="ij")
    cohort = years[t] - a
    birth = (np.datetime64("1970-01", "M") + (cohort - 1970) * 12 + m).astype("datetime64[D]")
    on = _dates(years)[t].ravel()
    sex = np.where(s == 0, "M", "F").ravel()
    group = np.where(s == 0, "MEN_60", "WOMEN_55").ravel()
    try:
        months = compute(
            "statutory_retirement_age_months",
            on=on,
            params=scenario.params,
            birth_date=birth.ravel(),
            sex=sex,
            retirement_group=group,
        )
        divisors = compute("pension_account_divisor", on=on, params=scenario.params, retirement_age_months=months)
    except (ParameterError, ValueError) as exc:
        raise InputError(f"retirement age: {exc}", file=scenario.file, field="rules.retirement") from None
    ages: Array = months.astype(np.float64).reshape(t.shape).mean(axis=3) / 12.0
    harmonic: Array = 1.0 / (1.0 / divisors.astype(np.float64).reshape(t.shape)).mean(axis=3)
    return ages, harmonic
