"""Employee basic pension: who must and who may join (Social Insurance Law Art. 10, Art. 12), the flexible
worker's own contribution and its individual-account part (Art. 12(3), Art. 14; Guo Ban Fa [2019] No. 13;
Guo Fa [2005] No. 38), the interest credited to individual accounts (Guo Fa [2005] No. 38; Ren She Bu Fa
[2017] No. 31) and an account projected to retirement from both, for the pension estimate."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..context import Context
from ..coverage import LAW_SI, CoverageReason, Scheme, reason_codes
from ..registry import Array, RuleViolation, formula, one_row
from ..rounding import Rounding
from ..scalar import OneContext
from .ages import age_flags, age_flags_one
from .common import BIRTH, LABOUR, OTHER, PERIOD, SEX


@formula(
    name="coverage_employee_pension",
    label="Employee basic pension: who must, who may join",
    reference=f"{LAW_SI} Art. 10, Art. 12",
    unit="code",
    inputs={**BIRTH, **SEX, **LABOUR, **OTHER},
    codes=reason_codes(Scheme.EMPLOYEE_PENSION),
)
def coverage_employee_pension(
    ctx: Context,
    on: Array,
    birth_date: Array,
    sex: Array,
    retirement_group: Array,
    labour_relation: Array,
    other_work: Array,
) -> Array:
    under_age, retired = age_flags(ctx, on, birth_date, sex, retirement_group)
    labour = np.asarray(labour_relation, dtype=bool)
    other = np.asarray(other_work, dtype=bool)
    reason = CoverageReason
    return np.select(
        [under_age, retired, labour, other],
        [
            reason.EMPLOYEE_PENSION_UNDER_AGE,
            reason.EMPLOYEE_PENSION_RETIREMENT_AGE,
            reason.EMPLOYEE_PENSION_LABOUR_RELATION,
            reason.EMPLOYEE_PENSION_FLEXIBLE,
        ],
        default=reason.EMPLOYEE_PENSION_NO_WORK,
    )


@one_row("coverage_employee_pension")
def coverage_employee_pension_one(
    ctx: OneContext,
    on: dt.date,
    birth_date: dt.date,
    sex: str,
    retirement_group: str,
    labour_relation: bool,
    other_work: bool,
) -> int:
    under_age, retired = age_flags_one(ctx, on, birth_date, sex, retirement_group)
    reason = CoverageReason
    if under_age:
        return int(reason.EMPLOYEE_PENSION_UNDER_AGE)
    if retired:
        return int(reason.EMPLOYEE_PENSION_RETIREMENT_AGE)
    if labour_relation:
        return int(reason.EMPLOYEE_PENSION_LABOUR_RELATION)
    return int(reason.EMPLOYEE_PENSION_FLEXIBLE if other_work else reason.EMPLOYEE_PENSION_NO_WORK)


@formula(
    name="individual_account_interest",
    label="Interest credited to an employee-pension individual account for a year: the balance on 1 January x "
    "the year's credited rate, plus each contribution of the year x the rate x the months left in the year "
    "(the month credited counted: January 12 ... December 1) / 12",
    reference="Guo Fa [2005] No. 38; MOHRSS/MOF notices on the unified credited interest rate of the individual "
    "account (Ren She Bu Fa [2017] No. 31, and one Ren She Ting Fa notice of the rate each year)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "opening_balance": ("cents", "balance of the individual account on 1 January, in cents"),
        "contribution_months": (
            "int",
            "the year's contributions weighted by months left in the year: the sum of each amount in cents x "
            "(13 - the month it was credited), in cent-months",
        ),
    },
)
def individual_account_interest(ctx: Context, on: Array, opening_balance: Array, contribution_months: Array) -> Array:
    """``on`` is any day of the year credited (the rate is dated by the year it applies to). The
    monthly accumulation method: a contribution credited in month m earns (13 - m) / 12 of the year's
    rate; over twelve equal monthly contributions that is the 1.083 / 2 factor of the official formula."""
    rate = ctx.at("employee_pension.individual_account_interest_rate", on)
    weighted = np.asarray(contribution_months, dtype=np.float64) / 12
    result: Array = (np.asarray(opening_balance, dtype=np.float64) + weighted) * rate
    return result


@formula(
    name="pension_account_projected",
    label="Individual account at retirement, projected month by month: the balance credited 1/12 of the yearly "
    "interest rate each month, plus the individual-account part of the base (8%) in each month paid, so many "
    "months paid a year",
    reference="Guo Fa [2005] No. 38 (individual account 8% of the base, credited interest); MOHRSS/MOF notices on "
    "the credited interest rate (Ren She Bu Fa [2017] No. 31)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "account_balance": ("cents", "individual account balance now, in cents"),
        "contribution_base": ("cents", "the monthly contribution base of the months to come, in cents"),
        "months_ahead": ("int", "months from the next one to the month before retirement"),
        "months_per_year": ("int", "months paid a year, 0 to 12"),
        "interest_rate": ("float", "the yearly credited interest rate assumed for every year to come"),
    },
)
def pension_account_projected(
    ctx: Context,
    on: Array,
    account_balance: Array,
    contribution_base: Array,
    months_ahead: Array,
    months_per_year: Array,
    interest_rate: Array,
) -> Array:
    """``on`` is today: the individual-account share in force then holds for every month to come (today's
    money). Month i (from 0) is paid when the months paid by its end, (i + 1) x months a year // 12, pass
    those paid before it; each month first earns its interest, then takes that month's payment. The months
    are stepped one by one, all rows at once, so that the sums are made in the same order as the months."""
    ahead = np.asarray(months_ahead, dtype=np.int64)
    rhythm = np.asarray(months_per_year, dtype=np.int64)
    if (ahead < 0).any() or ((rhythm < 0) | (rhythm > 12)).any():
        raise RuleViolation("months ahead must be 0 or more, and months paid a year from 0 to 12")
    growth = 1 + np.asarray(interest_rate, dtype=np.float64) / 12
    payment = np.asarray(contribution_base, dtype=np.int64) * ctx.at("flexible.individual_account_rate", on)
    grown = np.asarray(account_balance, dtype=np.float64) * np.ones(ahead.shape)
    for month in range(int(ahead.max(initial=0))):
        running = month < ahead
        grown = np.where(running, grown * growth, grown)
        paid = running & ((month + 1) * rhythm // 12 > month * rhythm // 12)
        grown = np.where(paid, grown + payment, grown)
    return grown


@formula(
    name="flexible_pension_contribution",
    label="Flexible worker's employee-pension contribution: 20% of the base (kept within 60%-300%) x months, "
    "less any temporary reduction of the pooled part",
    reference=f"{LAW_SI} Art. 12(3); Guo Ban Fa [2019] No. 13",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=PERIOD,
)
def flexible_pension_contribution(ctx: Context, on: Array, region: Array, declared_base: Array, months: Array) -> Array:
    base = ctx.formula("contribution_base", on, region=region, declared_base=declared_base)
    rate = ctx.at("flexible.pension_rate", on)
    reduction = ctx.at("flexible.temporary_reduction.pension_pooled", on)
    pooled_rate = rate - ctx.at("flexible.individual_account_rate", on)
    effective = np.where(reduction > 0, rate - pooled_rate * reduction, rate)  # exactly 20% when none applies
    result: Array = base * effective * np.asarray(months, dtype=np.float64)
    return result


@formula(
    name="flexible_pension_individual_account",
    label="Part of the flexible worker's pension contribution credited to the individual account (8% of the base)",
    reference="Guo Fa [2005] No. 38; Social Insurance Law of the PRC Art. 14",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=PERIOD,
)
def flexible_pension_individual_account(
    ctx: Context, on: Array, region: Array, declared_base: Array, months: Array
) -> Array:
    base = ctx.formula("contribution_base", on, region=region, declared_base=declared_base)
    result: Array = base * ctx.at("flexible.individual_account_rate", on) * np.asarray(months, dtype=np.float64)
    return result
