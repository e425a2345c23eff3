"""Work-related injury insurance benefits (Regulations on Work-Related Injury Insurance, State Council Order
No. 375, revised 2010, Art. 33-39 and Art. 64): the own wage they are measured by, disability grants and
allowances (the fund's and the employer's), care allowance, funeral grant, dependants' pensions, the lump sum
on death, the top-up after retirement and the months of wage continuation. Who is covered is in
:mod:`socsec.rules.formulas.work_injury`."""

from __future__ import annotations

import numpy as np

from ..context import Context
from ..formulas.common import Inputs
from ..registry import Array, formula
from ..rounding import Rounding
from .common import REGION, WII, row_of, valid_care_level, valid_grade, whole
from .injury import (
    CARE,
    CONTINUATION,
    DEPENDANTS,
    GRADE,
    ONE_DEPENDANT,
    WAGE_CONTINUATION_CODES,
    death_lump_sum,
    dependants_total,
    one_dependant,
    wage_continuation,
)

_OWN_WAGE: Inputs = {
    **REGION,
    "average_wage_12m": ("cents", "average monthly contribution wage of the 12 months before the injury, in cents"),
}


@formula(
    name="work_injury_own_wage",
    label="Own wage for work-injury benefits: the average monthly contribution wage of the 12 months before "
    "the injury, kept within 60%-300% of the local average monthly wage",
    reference=f"{WII} Art. 64",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=_OWN_WAGE,
)
def work_injury_own_wage(ctx: Context, on: Array, region: Array, average_wage_12m: Array) -> Array:
    wage = ctx.formula("regional_average_monthly_wage", on, region=region)
    floor = wage * ctx.at("benefits.work_injury.own_wage_floor_ratio", on)
    ceiling = wage * ctx.at("benefits.work_injury.own_wage_ceiling_ratio", on)
    result: Array = np.clip(np.asarray(average_wage_12m, dtype=np.float64), floor, ceiling)
    return result


def _own_wage(ctx: Context, on: Array, region: Array, average_wage_12m: Array) -> Array:
    return ctx.formula("work_injury_own_wage", on, region=region, average_wage_12m=average_wage_12m)


@formula(
    name="work_injury_disability_grant",
    label="Lump-sum disability grant: the own wage x 27, 25, 23, 21, 18, 16, 13, 11, 9 or 7 months by grade",
    reference=f"{WII} Art. 35-37",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**_OWN_WAGE, **GRADE},
)
def work_injury_disability_grant(
    ctx: Context, on: Array, region: Array, average_wage_12m: Array, grade: Array
) -> Array:
    months = row_of(ctx, "benefits.work_injury.disability_grant_months", valid_grade(grade), on)
    result: Array = _own_wage(ctx, on, region, average_wage_12m) * months
    return result


@formula(
    name="work_injury_disability_allowance_monthly",
    label="Monthly disability allowance from the fund, grades 1-4: the own wage x 90, 85, 80 or 75%, topped up "
    "to the local minimum wage (other grades none)",
    reference=f"{WII} Art. 35",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**_OWN_WAGE, **GRADE},
)
def work_injury_disability_allowance_monthly(
    ctx: Context, on: Array, region: Array, average_wage_12m: Array, grade: Array
) -> Array:
    ratio = row_of(ctx, "benefits.work_injury.disability_allowance_ratio", valid_grade(grade), on)
    allowance = _own_wage(ctx, on, region, average_wage_12m) * ratio
    due = ratio > 0
    if not due.any():
        return allowance
    minimum = np.zeros(allowance.shape, dtype=np.float64)
    minimum[due] = ctx.formula("regional_minimum_monthly_wage", on[due], region=np.asarray(region)[due])
    result: Array = np.where(due, np.maximum(allowance, minimum), 0.0)
    return result


@formula(
    name="work_injury_employer_allowance_monthly",
    label="Monthly disability allowance the employer pays, grades 5-6 without an arranged job: the own wage x "
    "70 or 60%, topped up to the local minimum wage where the top-up parameter says so (other grades none)",
    reference=f"{WII} Art. 36",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**_OWN_WAGE, **GRADE},
)
def work_injury_employer_allowance_monthly(
    ctx: Context, on: Array, region: Array, average_wage_12m: Array, grade: Array
) -> Array:
    ratio = row_of(ctx, "benefits.work_injury.employer_allowance_ratio", valid_grade(grade), on)
    allowance = _own_wage(ctx, on, region, average_wage_12m) * ratio
    due = (ratio > 0) & (ctx.at("benefits.work_injury.employer_allowance_minimum_wage_top_up", on) > 0)
    if not due.any():
        return allowance
    minimum = np.zeros(allowance.shape, dtype=np.float64)
    minimum[due] = ctx.formula("regional_minimum_monthly_wage", on[due], region=np.asarray(region)[due])
    result: Array = np.where(due, np.maximum(allowance, minimum), allowance)
    return result


@formula(
    name="work_injury_care_allowance",
    label="Monthly care allowance: 50, 40 or 30% of last year's local average monthly wage by care level "
    "(the regional average wage in force on the date)",
    reference=f"{WII} Art. 34",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**REGION, **CARE},
)
def work_injury_care_allowance(ctx: Context, on: Array, region: Array, care_level: Array) -> Array:
    ratio = row_of(ctx, "benefits.work_injury.care_allowance_ratio", valid_care_level(care_level), on)
    result: Array = ctx.formula("regional_average_monthly_wage", on, region=region) * ratio
    return result


@formula(
    name="work_injury_funeral_grant",
    label="Funeral grant: 6 months of last year's local average monthly wage (the regional average wage in force "
    "on the date of death)",
    reference=f"{WII} Art. 39(1)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=REGION,
)
def work_injury_funeral_grant(ctx: Context, on: Array, region: Array) -> Array:
    wage = ctx.formula("regional_average_monthly_wage", on, region=region)
    result: Array = wage * ctx.at("benefits.work_injury.funeral_grant_months", on)
    return result


@formula(
    name="work_injury_dependants_pension_total",
    label="Dependants' pensions together a month: the deceased's own wage x (40% a spouse + 30% each other "
    "dependant + 10% each orphan or lone elderly person), at most the own wage",
    reference=f"{WII} Art. 39(2), Art. 64",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**_OWN_WAGE, **DEPENDANTS},
)
def work_injury_dependants_pension_total(
    ctx: Context,
    on: Array,
    region: Array,
    average_wage_12m: Array,
    spouses: Array,
    other_dependants: Array,
    supplemented: Array,
) -> Array:
    base = _own_wage(ctx, on, region, average_wage_12m)
    return dependants_total(ctx, on, "work_injury", base, spouses, other_dependants, supplemented)


@formula(
    name="work_injury_dependant_pension",
    label="One dependant's pension a month: the own wage x their share, all shares scaled down in proportion "
    "when together above the cap; rounded down so that they never add up to more than the total",
    reference=f"{WII} Art. 39(2), Art. 64",
    unit="cents",
    rounding=Rounding.DOWN_CENT,
    inputs={**_OWN_WAGE, **DEPENDANTS, **ONE_DEPENDANT},
)
def work_injury_dependant_pension(
    ctx: Context,
    on: Array,
    region: Array,
    average_wage_12m: Array,
    spouses: Array,
    other_dependants: Array,
    supplemented: Array,
    kind: Array,
    supplement: Array,
) -> Array:
    base = _own_wage(ctx, on, region, average_wage_12m)
    return one_dependant(ctx, on, "work_injury", base, spouses, other_dependants, supplemented, kind, supplement)


@formula(
    name="work_injury_death_lump_sum",
    label="Lump sum on a work-injury death: 20 x last year's national urban per-capita disposable income "
    "(the date is the date of death)",
    reference=f"{WII} Art. 39(3)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={},
)
def work_injury_death_lump_sum(ctx: Context, on: Array) -> Array:
    return death_lump_sum(ctx, on, "work_injury")


@formula(
    name="work_injury_pension_top_up",
    label="At retirement the disability allowance (grades 1-4) stops and the pension is paid; where the pension "
    "is lower, the fund pays the difference each month",
    reference=f"{WII} Art. 35 para. 2",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "monthly_pension": ("cents", "basic pension a month, in cents"),
        "disability_allowance": ("cents", "the disability allowance a month it replaces, in cents"),
    },
)
def work_injury_pension_top_up(ctx: Context, on: Array, monthly_pension: Array, disability_allowance: Array) -> Array:
    pension = whole(monthly_pension, "monthly pension", 0)
    allowance = whole(disability_allowance, "disability allowance", 0)
    result: Array = np.maximum(allowance - pension, 0)
    return result


@formula(
    name="work_injury_wage_continuation_check",
    label="Whether the employer still owes wage continuation for a month of treatment: 12 months, +12 once "
    "confirmed by the labour-capacity appraisal committee",
    reference=f"{WII} Art. 33",
    unit="code",
    inputs=CONTINUATION,
    codes=WAGE_CONTINUATION_CODES,
)
def work_injury_wage_continuation_check(
    ctx: Context, on: Array, months_off_work: Array, extension_confirmed: Array
) -> Array:
    return wage_continuation(ctx, on, "work_injury", months_off_work, extension_confirmed)
