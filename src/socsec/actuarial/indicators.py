"""Indicators of a projection (ILO practice, policy-facts.md section 7) and the one-career calculator.

* PAYG cost rate = expenditure / insurable earnings (the pension contribution bases of the year).
* Reserve ratio = reserve at the end of the year / the year's expenditure.
* System dependency ratio = pensioners / contributors; old-age dependency ratio = persons 65+ / 15-64.
* General average premium (GAP) over the horizon = the level contribution rate at which the present value
  of contributions plus the initial reserve (plus the present value of subsidies) equals the present value
  of expenditure, discounted with the projected returns: flows of year t are discounted over t + 1 years
  (they reach the reserve at the end of the year, as in the projection).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from .funds import FUNDS
from .projection import Projection
from .rule_values import account_divisor, pension_indexation, retirement_ages, rule_by_year
from .scenario import Scenario

Array = npt.NDArray[np.float64]
C102_OLD_AGE_MINIMUM = "benefits.ilo_c102.minimum_replacement_rate.OLD_AGE"  # the rules' level (40%)
C102_YEARS = "benefits.ilo_c102.old_age_contribution_years"  # the rules' standard career (30 years)


def c102_years(scenario: Scenario, year: int) -> int:
    """The standard beneficiary's years of contributions in the rules, for a career ending in ``year``."""
    return int(rule_by_year(scenario, C102_YEARS, np.array([year]))[0])


def _ratio(a: Array, b: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Array = np.where(b != 0, a / np.where(b != 0, b, 1.0), np.nan)
    return out


def derived(series: dict[str, Array]) -> dict[str, Array]:
    """Per-year indicators, each (R, T)."""
    s = series
    out = {
        "old_age_dependency_ratio": _ratio(s["pop_65_plus"], s["pop_15_64"]),
        "system_dependency_ratio": _ratio(s["pensioners"], s["contributors"]),
        "pension_cost_rate": _ratio(s["pension_expenditure"], s["insurable_earnings"]),
        "pension_contribution_rate": _ratio(s["pension_contributions"], s["insurable_earnings"]),
    }
    for f in FUNDS:
        out[f"{f}_reserve_ratio"] = _ratio(s[f"{f}_reserve"][:, 1:], s[f"{f}_expenditure"])
        out[f"{f}_balance"] = s[f"{f}_income"] - s[f"{f}_expenditure"]
    return out


def discount_factors(returns: Array) -> Array:
    """(R, T): 1 / prod_(k <= t) (1 + r_k)."""
    out: Array = np.asarray(1.0 / np.cumprod(1.0 + returns, axis=1), dtype=np.float64)
    return out


def general_average_premium(series: dict[str, Array], fund: str = "pension") -> Array:
    """(R,) the level rate on the pension's insurable earnings that finances the fund over the horizon."""
    v = discount_factors(series["return"])
    pv_exp = (series[f"{fund}_expenditure"] * v).sum(axis=1)
    pv_sub = (series[f"{fund}_subsidy"] * v).sum(axis=1)
    pv_earn = (series["insurable_earnings"] * v).sum(axis=1)
    result: Array = (pv_exp - pv_sub - series[f"{fund}_reserve"][:, 0]) / pv_earn
    return result


def exhaustion_year(series: dict[str, Array], years: npt.NDArray[np.int64], fund: str = "pension") -> list[int | None]:
    """First year whose closing reserve is negative, per run (None: never within the horizon)."""
    closing = series[f"{fund}_reserve"][:, 1:]
    out: list[int | None] = []
    for row in closing < 0:
        hit = np.flatnonzero(row)
        out.append(int(years[hit[0]]) if hit.size else None)
    return out


def replacement_rates(projection: Projection) -> list[dict[str, object]]:
    """Average replacement rate (new pension / average wage of the year) of those who retire, by birth
    cohort (decade) and sex, and the gender gap (1 - women's rate / men's rate)."""
    count, amount = projection.new_pensioners, projection.new_pension_rel
    if count is None or amount is None:
        return []
    years = projection.years
    T, _, A = count.shape
    cohort = years[:, None] - np.arange(A)[None, :]  # (T, A)
    decade = (cohort // 10) * 10
    rows = []
    for d in np.unique(decade[count.sum(axis=1) > 0]):
        mask = decade == d
        rates = []
        for sex in (0, 1):
            c = count[:, sex, :][mask].sum()
            a = amount[:, sex, :][mask].sum()
            rates.append(float(a / c) if c > 0 else float("nan"))
        gap = 1.0 - rates[1] / rates[0] if rates[0] and np.isfinite(rates[0]) else float("nan")
        rows.append({"birth_cohort": f"{int(d)}-{int(d) + 9}", "men": rates[0], "women": rates[1], "gender_gap": gap})
    return rows


@dataclass(frozen=True)
class Career:
    """One career, every assumption configurable. Wages are relative to the average wage."""

    retirement_year: int = 2050
    sex: str = "male"
    entry_age: float = 25.0
    career_years: int = 30  # years of contributions, the last one just before retirement
    relative_wage: float = 1.0  # own wage / average wage, held over the career
    wage_growth: float = 0.04  # average wage growth a year
    account_interest: float = 0.04  # credited to the individual account
    indexation: float | None = None  # pension increase a year in payment; None: the rules' or the scenario's
    divisor: float | None = None  # months; None: the rules' table at the retirement age
    retirement_age: float | None = None  # None: entry age + career years
    years_in_payment: int = 0  # replacement rate after this many years of payment


@dataclass(frozen=True)
class CareerResult:
    retirement_age: float
    contribution_years: int
    average_index: float  # average of base / average wage over the career
    basic_pension: float  # a year, as a share of the average wage at retirement
    account_pension: float  # a year, as a share of the average wage at retirement
    funded_tier_pension: float  # a year, from the scenario's funded tier (0 without one)
    divisor: float
    replacement_rate: float  # (basic + account + funded tier) / own wage at retirement
    replacement_rate_without_funded_tier: float  # (basic + account) / own wage at retirement
    replacement_rate_average_wage: float  # (basic + account) / average wage at retirement
    replacement_rate_later: float  # after years_in_payment, / own wage then

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in asdict(self).items()}


def career_pension(scenario: Scenario, career: Career) -> CareerResult:
    """The pension of one career under the scenario's rule parameters (rates, base bounds, accrual,
    individual account rate, divisor table, indexation) and its funded tier (``funded_tier.contribution_rate``
    on the same base, credited with the account interest, paid by the same divisor), in units of the average
    wage at retirement."""
    params_years = np.arange(career.retirement_year - career.career_years, career.retirement_year + 1)
    floor = rule_by_year(scenario, "contribution.base_floor_ratio", params_years)
    ceiling = rule_by_year(scenario, "contribution.base_ceiling_ratio", params_years)
    ia_rate = rule_by_year(scenario, "pension.individual_account_rate", params_years)
    accrual = float(rule_by_year(scenario, "benefits.pension.basic_pension_rate_per_year", params_years[-1:])[0])
    n = career.career_years
    ratio = np.clip(career.relative_wage, floor[:-1], ceiling[:-1])  # contribution years
    k = np.arange(n)  # years before retirement: n - k
    wage = (1.0 + career.wage_growth) ** (-(n - k))  # average wage in each contribution year / at retirement
    growth = ratio * wage * (1.0 + career.account_interest) ** (n - 1 - k)  # a unit rate's credit at retirement
    account = float((ia_rate[:-1] * growth).sum())
    tier_rate = scenario.root.section("funded_tier").series("contribution_rate", params_years[:-1], high=1.0)
    tier_account = float((tier_rate * growth).sum())
    age = career.retirement_age if career.retirement_age is not None else career.entry_age + n
    if career.divisor is not None:
        divisor = career.divisor
    else:  # the rules' formula at the age in whole months
        divisor = account_divisor(scenario, career.retirement_year, int(round(age * 12)))
    index = float(ratio.mean())
    basic = (1.0 + index) / 2.0 * n * accrual
    account_pension = 12.0 * account / divisor
    tier_pension = 12.0 * tier_account / divisor
    total = basic + account_pension + tier_pension
    if career.indexation is not None:
        idx = np.full(career.years_in_payment, career.indexation)
    else:
        later = np.arange(career.retirement_year + 1, career.retirement_year + 1 + career.years_in_payment)
        idx = pension_indexation(scenario, later) if later.size else np.zeros(0)
    later_rate = (
        total
        * float(np.prod(1.0 + idx))
        / (career.relative_wage * (1.0 + career.wage_growth) ** career.years_in_payment)
    )
    return CareerResult(
        retirement_age=float(age),
        contribution_years=n,
        average_index=index,
        basic_pension=basic,
        account_pension=account_pension,
        funded_tier_pension=tier_pension,
        divisor=divisor,
        replacement_rate=total / career.relative_wage,
        replacement_rate_without_funded_tier=(basic + account_pension) / career.relative_wage,
        replacement_rate_average_wage=total,
        replacement_rate_later=later_rate,
    )


def c102_check(scenario: Scenario, year: int, *, wage_growth: float, account_interest: float) -> dict[str, object]:
    """ILO C102 old-age benefit for the standard beneficiary: a man on the average wage with 30 years of
    contributions, retiring at the statutory age in ``year``, must get at least 40% of his wage. The rate is
    given with the scenario's funded tier (what he gets) and without it (the statutory pension alone)."""
    ages = retirement_ages(scenario, np.array([year]))[0, 0]  # men, by age in that year
    retiring = np.flatnonzero(np.arange(ages.size) + 1.0 >= ages)
    age = float(ages[retiring[0]])  # the cohort that reaches its retirement age in that year
    career = c102_years(scenario, year)
    result = career_pension(
        scenario,
        Career(
            retirement_year=year,
            entry_age=age - career,
            career_years=career,
            relative_wage=1.0,
            wage_growth=wage_growth,
            account_interest=account_interest,
            retirement_age=age,
        ),
    )
    minimum = float(rule_by_year(scenario, C102_OLD_AGE_MINIMUM, np.array([year]))[0])
    return {
        "year": year,
        "retirement_age": age,
        "replacement_rate": result.replacement_rate,
        "replacement_rate_without_funded_tier": result.replacement_rate_without_funded_tier,
        "minimum": minimum,
        "meets_c102": bool(result.replacement_rate >= minimum),
    }
