"""The funds (pension, occupational injury, unemployment, long-term care, funded tier): their
assumptions by year, read when a scenario is prepared, and the reserves year by year once the
projection has its income and expenditure."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .inputs import Array
from .prepared import Prepared
from .rule_values import rule_by_year
from .scenario import Scenario

FUNDS = ("pension", "injury", "unemployment", "long_term_care", "funded_tier")


def fund_assumptions(
    scenario: Scenario, years: npt.NDArray[np.int64], wage_growth: Array
) -> tuple[dict[str, Array], dict[str, float], Array, Array]:
    """The funds' assumptions by year, read from the scenario's fund sections and the rules: the per-year
    scalars (subsidy shares, contribution income and cost per person), the initial reserves, the
    long-term care incapacity prevalence by age and the funded tier's contribution rate."""
    root = scenario.root
    T = len(years)
    base = scenario.base_dir
    scalars: dict[str, Array] = {}
    reserves0: dict[str, float] = {}
    pen = root.section("pension")
    reserves0["pension"] = pen.number("initial_reserve", low=None)
    scalars["pension_subsidy"] = pen.series("subsidy_share_of_expenditure", years, high=10.0)

    inj = root.section("occupational_injury")
    reserves0["injury"] = inj.number("initial_reserve", low=None)
    scalars["injury_subsidy"] = inj.series("subsidy_share_of_expenditure", years, high=10.0)
    rollout = rule_by_year(scenario, "oip.pilot.all_provinces", years) > 0
    scalars["injury_share"] = np.where(
        rollout, inj.series("share_after_rollout", years, high=1.0), inj.series("share_in_pilot", years, high=1.0)
    )
    mix = inj.section("sector_mix")
    per_order = np.zeros(T)
    for sector in mix.data:
        weight = mix.number(sector, high=1.0)
        per_order += weight * rule_by_year(scenario, f"oip.per_order_amount.{sector}", years)
    if inj.text("per_order_indexed_to_wages", ("yes", "no")) == "yes":
        per_order = per_order * _wage_index(wage_growth)
    scalars["injury_income_per_worker"] = per_order * inj.series("orders_per_worker", years)
    grades = inj.section("grade_distribution")
    base_ratio_oip = rule_by_year(scenario, "benefits.oip.benefit_base_ratio", years)
    allowance_years = inj.number("allowance_years", high=100.0)
    months = np.full(T, inj.number("other_cost_months", high=1000.0))
    for grade in grades.data:
        p = grades.number(grade, high=1.0)
        lump = rule_by_year(scenario, f"benefits.oip.disability_grant_months.{grade}", years)
        allowance = np.zeros(T)
        if grade in scenario.params.node("benefits.oip.disability_allowance_ratio").children:
            allowance = rule_by_year(scenario, f"benefits.oip.disability_allowance_ratio.{grade}", years)
        months += p * (lump + 12.0 * allowance * allowance_years)
    scalars["injury_incidence"] = inj.series("incidence", years, high=1.0)
    scalars["injury_cost_rel"] = scalars["injury_incidence"] * months * base_ratio_oip / 12.0

    un = root.section("unemployment")
    reserves0["unemployment"] = un.number("initial_reserve", low=None)
    scalars["unemployment_subsidy"] = un.series("subsidy_share_of_expenditure", years, high=10.0)
    scalars["unemployment_rate"] = rule_by_year(scenario, "unemployment.contribution_rate", years)
    duration = np.minimum(
        un.series("duration_months", years, high=1000.0),
        rule_by_year(scenario, "benefits.unemployment.max_duration_months", years),
    )
    scalars["unemployment_incidence"] = un.series("incidence", years, high=1.0)
    scalars["unemployment_cost_rel"] = (
        un.series("incidence", years, high=1.0) * duration * un.series("benefit_ratio", years, high=10.0) / 12.0
    )

    ltc = root.section("long_term_care")
    reserves0["long_term_care"] = ltc.number("initial_reserve", low=None)
    scalars["long_term_care_subsidy"] = ltc.series("subsidy_share_of_expenditure", years, high=10.0)
    scalars["long_term_care_rate"] = ltc.series("contribution_rate", years, high=1.0)
    scalars["long_term_care_coverage"] = ltc.series("coverage_share", years, high=1.0)
    scalars["long_term_care_benefit"] = ltc.series("benefit_ratio", years, high=10.0)
    prevalence = ltc.by_age("incapacity_prevalence", base, high=1.0)

    tier = root.section("funded_tier")
    reserves0["funded_tier"] = tier.number("initial_reserve", low=None)
    tier_rate = tier.series("contribution_rate", years, high=1.0)
    return scalars, reserves0, prevalence, tier_rate


def _wage_index(growth: Array) -> Array:
    index = np.ones_like(growth)
    index[1:] = np.cumprod(1.0 + growth[1:])
    return index


def fund_reserves(p: Prepared, out: dict[str, Array]) -> None:
    """Subsidies, investment income and reserves, year by year: reserve(t + 1) = reserve(t) + income -
    expenditure, exactly as written (one floating-point expression)."""
    returns = out["return"]
    T = returns.shape[1]
    for f in FUNDS:
        share = p.scalars.get(f"{f}_subsidy")
        expenditure = out[f"{f}_expenditure"]
        subsidy = expenditure * share[None, :] if share is not None else np.zeros_like(expenditure)
        out[f"{f}_subsidy"] = subsidy
        reserve, contributions = out[f"{f}_reserve"], out[f"{f}_contributions"]
        investment, income = out[f"{f}_investment"], out[f"{f}_income"]
        for t in range(T):
            investment[:, t] = reserve[:, t] * returns[:, t]
            income[:, t] = contributions[:, t] + subsidy[:, t] + investment[:, t]
            reserve[:, t + 1] = reserve[:, t] + income[:, t] - expenditure[:, t]
