"""Occupational injury protection for platform workers (OIP): the benefits the fund pays - the benefit base,
disability grants and allowances, care allowance, funeral grant, dependants' pensions and the lump sum on
death - and the months the platform continues the worker's income (Ren She Ting Han [2025] No. 79, the OIP
operating rules; Ren She Bu Fa [2021] No. 110; Ren She Bu Fa [2025] No. 24). Who is covered and the platforms'
contributions are in :mod:`socsec.rules.formulas.oip`."""

from __future__ import annotations

from ..context import Context
from ..registry import Array, formula
from ..rounding import Rounding
from .common import OIP_RULES, REGION, WII, regional, row_of, valid_care_level, valid_grade
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


@formula(
    name="oip_benefit_base",
    label="OIP benefit base: 60% of last year's local urban private-sector average monthly wage",
    reference=f"{OIP_RULES}; policy-facts.md section 1",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=REGION,
)
def oip_benefit_base(ctx: Context, on: Array, region: Array) -> Array:
    wage = regional(ctx, "benefits.oip.private_sector_average_monthly_wage", region, on)
    result: Array = wage * 100 * ctx.at("benefits.oip.benefit_base_ratio", on)
    return result


def _oip_base(ctx: Context, on: Array, region: Array) -> Array:
    return ctx.formula("oip_benefit_base", on, region=region)


@formula(
    name="oip_disability_grant",
    label="OIP lump-sum disability grant: the benefit base x 27, 25, 23, 21, 18, 16, 13, 11, 9 or 7 months by grade",
    reference=OIP_RULES,
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**REGION, **GRADE},
)
def oip_disability_grant(ctx: Context, on: Array, region: Array, grade: Array) -> Array:
    months = row_of(ctx, "benefits.oip.disability_grant_months", valid_grade(grade), on)
    result: Array = _oip_base(ctx, on, region) * months
    return result


@formula(
    name="oip_disability_allowance_monthly",
    label="OIP monthly disability allowance, grades 1-4: the benefit base x 90, 85, 80 or 75% (other grades none)",
    reference=OIP_RULES,
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**REGION, **GRADE},
)
def oip_disability_allowance_monthly(ctx: Context, on: Array, region: Array, grade: Array) -> Array:
    ratio = row_of(ctx, "benefits.oip.disability_allowance_ratio", valid_grade(grade), on)
    result: Array = _oip_base(ctx, on, region) * ratio
    return result


@formula(
    name="oip_one_off_allowance",
    label="OIP one-off disability allowance, grades 5-6: the benefit base x 30 or 25 months (other grades none)",
    reference=OIP_RULES,
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**REGION, **GRADE},
)
def oip_one_off_allowance(ctx: Context, on: Array, region: Array, grade: Array) -> Array:
    months = row_of(ctx, "benefits.oip.one_off_allowance_months", valid_grade(grade), on)
    result: Array = _oip_base(ctx, on, region) * months
    return result


@formula(
    name="oip_care_allowance",
    label="OIP monthly care allowance: 50, 40 or 30% of last year's local private-sector average monthly wage "
    "by care level (unverified for OIP: the work-injury ratios)",
    reference=f"{OIP_RULES} (unverified for this item); {WII} Art. 34",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**REGION, **CARE},
)
def oip_care_allowance(ctx: Context, on: Array, region: Array, care_level: Array) -> Array:
    ratio = row_of(ctx, "benefits.oip.care_allowance_ratio", valid_care_level(care_level), on)
    wage = regional(ctx, "benefits.oip.private_sector_average_monthly_wage", region, on)
    result: Array = wage * 100 * ratio
    return result


@formula(
    name="oip_funeral_grant",
    label="OIP funeral grant: 6 months x the benefit base (60% of the private-sector average monthly wage)",
    reference=OIP_RULES,
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=REGION,
)
def oip_funeral_grant(ctx: Context, on: Array, region: Array) -> Array:
    result: Array = _oip_base(ctx, on, region) * ctx.at("benefits.oip.funeral_grant_months", on)
    return result


@formula(
    name="oip_dependants_pension_total",
    label="OIP dependants' pensions together a month: the benefit base x (40% a spouse + 30% each other "
    "dependant + 10% each orphan or lone elderly person), at most the benefit base",
    reference=OIP_RULES,
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**REGION, **DEPENDANTS},
)
def oip_dependants_pension_total(
    ctx: Context, on: Array, region: Array, spouses: Array, other_dependants: Array, supplemented: Array
) -> Array:
    base = _oip_base(ctx, on, region)
    return dependants_total(ctx, on, "oip", base, spouses, other_dependants, supplemented)


@formula(
    name="oip_dependant_pension",
    label="One OIP dependant's pension a month: the benefit base x their share, all shares scaled down in "
    "proportion when together above the cap; rounded down so that they never add up to more than the total",
    reference=OIP_RULES,
    unit="cents",
    rounding=Rounding.DOWN_CENT,
    inputs={**REGION, **DEPENDANTS, **ONE_DEPENDANT},
)
def oip_dependant_pension(
    ctx: Context,
    on: Array,
    region: Array,
    spouses: Array,
    other_dependants: Array,
    supplemented: Array,
    kind: Array,
    supplement: Array,
) -> Array:
    base = _oip_base(ctx, on, region)
    return one_dependant(ctx, on, "oip", base, spouses, other_dependants, supplemented, kind, supplement)


@formula(
    name="oip_death_lump_sum",
    label="OIP lump sum on death: 20 x last year's national urban per-capita disposable income "
    "(the date is the date of death)",
    reference=OIP_RULES,
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={},
)
def oip_death_lump_sum(ctx: Context, on: Array) -> Array:
    return death_lump_sum(ctx, on, "oip")


@formula(
    name="oip_wage_continuation_check",
    label="Whether the platform still owes income continuation for a month of treatment: 12 months, +12 once "
    "confirmed (unverified for OIP: the work-injury rule)",
    reference=f"{OIP_RULES} (unverified for this item); {WII} Art. 33",
    unit="code",
    inputs=CONTINUATION,
    codes=WAGE_CONTINUATION_CODES,
)
def oip_wage_continuation_check(ctx: Context, on: Array, months_off_work: Array, extension_confirmed: Array) -> Array:
    return wage_continuation(ctx, on, "oip", months_off_work, extension_confirmed)
