"""Employee basic pension benefits: the minimum contribution period (Social Insurance Law Art. 16), the
basic and individual-account pensions (Guo Fa [2005] No. 38 Art. 6 and annex), flexible retirement around the
statutory age (NPC Standing Committee decision of 2024-09-13, Measures Art. 2) and the yearly increase
(MOHRSS/MOF notices). The account divisor of an age between rows of the table is interpolated by months
(:func:`pension_account_divisor`; the rule and why are in its docstring); the actuarial model reads the same
formula. Who is covered and the contributions are in
:mod:`socsec.rules.formulas.employee_pension`."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from ..context import Context
from ..coverage import LAW_SI
from ..formulas.common import BIRTH, GROUP_PARAMETERS, SEX, Inputs, retirement_groups
from ..registry import Array, RuleViolation, formula
from ..rounding import Rounding
from .common import CONTRIBUTION_MONTHS, REGION, RETIREMENT_DECISION, whole

_RETIREMENT_AGE: Inputs = {"retirement_age_months": ("int", "age at retirement in completed months")}


@formula(
    name="pension_minimum_contribution_months",
    label="Minimum contribution months for a monthly pension, by retirement date: 180; from 2030 +6 a year to 240",
    reference=f"{LAW_SI} Art. 16; {RETIREMENT_DECISION}",
    unit="months",
    inputs={},
)
def pension_minimum_contribution_months(ctx: Context, on: Array) -> Array:
    """``on`` is the retirement date."""
    return ctx.at("benefits.pension.minimum_contribution_months", on)


class ContributionYearsCheck(IntEnum):
    """What ``pension_contribution_years_check`` answers."""

    REACHED = 0
    SHORT = 1


CONTRIBUTION_YEARS_CODES: dict[int, str] = {
    ContributionYearsCheck.REACHED: "the minimum contribution period is reached",
    ContributionYearsCheck.SHORT: "short of the minimum contribution period",
}


@formula(
    name="pension_contribution_years_check",
    label="Whether the contribution period reaches the minimum for a monthly pension on the retirement date",
    reference=f"{LAW_SI} Art. 16; {RETIREMENT_DECISION}",
    unit="code",
    inputs=CONTRIBUTION_MONTHS,
    codes=CONTRIBUTION_YEARS_CODES,
)
def pension_contribution_years_check(ctx: Context, on: Array, contribution_months: Array) -> Array:
    minimum = ctx.formula("pension_minimum_contribution_months", on)
    reached = whole(contribution_months, "contribution months", 0) >= minimum
    return np.where(reached, ContributionYearsCheck.REACHED, ContributionYearsCheck.SHORT)


@formula(
    name="pension_basic_monthly",
    label="Basic pension a month: local average monthly wage x (1 + own average indexed wage ratio) / 2 x "
    "years of contributions (months / 12) x 1%",
    reference="Guo Fa [2005] No. 38 Art. 6",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        **REGION,
        "average_indexed_wage_ratio": ("float", "own average indexed wage ratio (1.0 = the average wage)"),
        **CONTRIBUTION_MONTHS,
    },
)
def pension_basic_monthly(
    ctx: Context, on: Array, region: Array, average_indexed_wage_ratio: Array, contribution_months: Array
) -> Array:
    """``on`` is the retirement date: the regional average wage in force then is last year's."""
    ratio = np.asarray(average_indexed_wage_ratio, dtype=np.float64)
    if (ratio < 0).any() or not np.isfinite(ratio).all():
        raise RuleViolation(f"average indexed wage ratio {ratio[~(ratio >= 0)][0]} is not a ratio of 0 or more")
    years = whole(contribution_months, "contribution months", 0) / 12
    wage = ctx.formula("regional_average_monthly_wage", on, region=region)
    result: Array = wage * (1 + ratio) / 2 * years * ctx.at("benefits.pension.basic_pension_rate_per_year", on)
    return result


@formula(
    name="pension_account_divisor",
    label="Months divisor of the individual account pension at the age of retirement: the annex's row of the "
    "completed years, moved towards the next row by the completed months (twelfths of the gap); row 70 from 70",
    reference="Guo Fa [2005] No. 38 Art. 6 and annex (rule between rows: see the parameter's description)",
    unit="months_exact",
    inputs=_RETIREMENT_AGE,
)
def pension_account_divisor(ctx: Context, on: Array, retirement_age_months: Array) -> Array:
    """Art. 6 sets the divisor by the urban life expectancy at retirement, the worker's own age of
    retirement and interest; the annex tabulates it at whole ages 40-70 only, because ages of retirement
    were whole years when it was written. The 2025 reform moves the ages by single months, so the divisor
    of 61 years 5 months is read 5/12 of the way from row 61 to row 62: the reading that keeps Art. 6's
    dependence on the actual age (the completed-years row would give 61 years 0 months and 61 years 11
    months the same divisor, and one month's later retirement a whole row's jump). The result is exact in
    twelfths of a month (no rounding); the account pension is rounded once, to the cent."""
    months = whole(retirement_age_months, "retirement age in months", 40 * 12, 70 * 12 + 11)
    path = "benefits.pension.account_divisor"
    last = max(int(k) for k in ctx.params.node(path).children)
    years, extra = months // 12, months % 12
    row = ctx.by_key(path, years.astype(str), on)
    following = ctx.by_key(path, np.minimum(years + 1, last).astype(str), on)
    result: Array = (12 * row + (following - row) * extra) / 12
    return result


@formula(
    name="pension_account_monthly",
    label="Individual account pension a month: the account balance at retirement / the months divisor of the "
    "retirement age",
    reference="Guo Fa [2005] No. 38 Art. 6",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"account_balance": ("cents", "individual account balance at retirement, in cents"), **_RETIREMENT_AGE},
)
def pension_account_monthly(ctx: Context, on: Array, account_balance: Array, retirement_age_months: Array) -> Array:
    divisor = ctx.formula("pension_account_divisor", on, retirement_age_months=retirement_age_months)
    result: Array = whole(account_balance, "account balance", 0) / divisor
    return result


@formula(
    name="pension_monthly",
    label="Employee basic pension a month: the basic pension + the individual account pension (each to the cent)",
    reference="Guo Fa [2005] No. 38 Art. 6",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        **REGION,
        "average_indexed_wage_ratio": ("float", "own average indexed wage ratio (1.0 = the average wage)"),
        **CONTRIBUTION_MONTHS,
        "account_balance": ("cents", "individual account balance at retirement, in cents"),
        **_RETIREMENT_AGE,
    },
)
def pension_monthly(
    ctx: Context,
    on: Array,
    region: Array,
    average_indexed_wage_ratio: Array,
    contribution_months: Array,
    account_balance: Array,
    retirement_age_months: Array,
) -> Array:
    basic = ctx.formula(
        "pension_basic_monthly",
        on,
        region=region,
        average_indexed_wage_ratio=average_indexed_wage_ratio,
        contribution_months=contribution_months,
    )
    account = ctx.formula(
        "pension_account_monthly", on, account_balance=account_balance, retirement_age_months=retirement_age_months
    )
    result: Array = basic + account
    return result


class RetirementTiming(IntEnum):
    """What ``pension_retirement_timing_check`` answers."""

    STATUTORY_AGE = 0
    EARLY = 1
    DEFERRED = 2
    TOO_EARLY = 3
    BELOW_PRE_REFORM_AGE = 4
    EARLY_WITHOUT_MINIMUM_PERIOD = 5
    TOO_LATE = 6


RETIREMENT_TIMING_CODES: dict[int, str] = {
    RetirementTiming.STATUTORY_AGE: "at the statutory retirement age",
    RetirementTiming.EARLY: "early retirement within 3 years of the statutory age: allowed",
    RetirementTiming.DEFERRED: (
        "deferred retirement within 3 years of the statutory age: allowed (by agreement with the employer)"
    ),
    RetirementTiming.TOO_EARLY: "more than 3 years before the statutory age: refused",
    RetirementTiming.BELOW_PRE_REFORM_AGE: "below the pre-reform statutory age: refused",
    RetirementTiming.EARLY_WITHOUT_MINIMUM_PERIOD: "early retirement needs the minimum contribution period: refused",
    RetirementTiming.TOO_LATE: "more than 3 years after the statutory age: refused",
}


@formula(
    name="pension_retirement_timing_check",
    label="Whether retiring on the date is allowed: the statutory age, or up to 3 years earlier (not below the "
    "pre-reform age, with the minimum contribution period) or up to 3 years later",
    reference=f"{RETIREMENT_DECISION}, Measures Art. 2",
    unit="code",
    inputs={**BIRTH, **SEX, **CONTRIBUTION_MONTHS},
    codes=RETIREMENT_TIMING_CODES,
)
def pension_retirement_timing_check(
    ctx: Context, on: Array, birth_date: Array, sex: Array, retirement_group: Array, contribution_months: Array
) -> Array:
    """``on`` is the retirement date asked for; ages in completed months."""
    groups = retirement_groups(sex, retirement_group)
    age = ctx.formula("age_months", on, birth_date=birth_date)
    statutory = ctx.formula(
        "statutory_retirement_age_months", on, birth_date=birth_date, sex=sex, retirement_group=retirement_group
    )
    pre_reform = np.full(age.shape, np.nan)
    for group, path in GROUP_PARAMETERS.items():  # only the rows' own parameter shows in an explanation
        rows = groups == group
        if rows.any():
            pre_reform[rows] = ctx.at(f"{path}.base_age_months", on[rows])
    earliest = statutory - ctx.at("benefits.pension.flexible_retirement.max_early_months", on)
    latest = statutory + ctx.at("benefits.pension.flexible_retirement.max_deferral_months", on)
    years = ctx.formula("pension_contribution_years_check", on, contribution_months=contribution_months)
    enough = years == ContributionYearsCheck.REACHED
    return np.select(
        [age == statutory, age > latest, age > statutory, age < earliest, age < pre_reform, ~enough],
        [
            RetirementTiming.STATUTORY_AGE,
            RetirementTiming.TOO_LATE,
            RetirementTiming.DEFERRED,
            RetirementTiming.TOO_EARLY,
            RetirementTiming.BELOW_PRE_REFORM_AGE,
            RetirementTiming.EARLY_WITHOUT_MINIMUM_PERIOD,
        ],
        default=RetirementTiming.EARLY,
    )


@formula(
    name="pension_indexed_monthly",
    label="Pension a month after the year's increase: the pension x (1 + the year's overall increase rate)",
    reference="MOHRSS/MOF yearly notices on adjusting basic pensions (policy-facts.md section 3)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"monthly_pension": ("cents", "monthly pension before the year's increase, in cents")},
)
def pension_indexed_monthly(ctx: Context, on: Array, monthly_pension: Array) -> Array:
    """``on`` is a day of the year of the increase. The overall rate is applied in proportion to each
    pension: the provinces' split into flat, years-linked and proportional parts is not modelled."""
    rate = ctx.at("benefits.pension.indexation_rate", on)
    result: Array = whole(monthly_pension, "monthly pension", 0) * (1 + rate)
    return result
