"""Residents' basic pension: who may join (Social Insurance Law Art. 20-22; Guo Fa [2014] No. 8), the yearly
tier a resident chooses, the government's subsidy to it (Guo Fa [2014] No. 8 Art. 4(1), 4(3)), and what local
government pays on behalf of people in hardship (Art. 4(3); Ren She Bu Fa [2017] No. 71)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..context import Context
from ..coverage import LAW_SI, CoverageReason, Scheme, reason_codes
from ..registry import Array, RuleViolation, formula, one_row
from ..rounding import Rounding
from ..scalar import OneContext
from .ages import under_minimum_age, under_minimum_age_one
from .common import BIRTH, LABOUR, ReliefGroup

RESIDENT_HARDSHIP_GROUPS = (ReliefGroup.SEVERE_DISABILITY, ReliefGroup.MINIMUM_LIVING, ReliefGroup.EXTREME_POVERTY)


@formula(
    name="coverage_resident_pension",
    label="Residents' basic pension: residents aged 16+ outside the employee pension",
    reference=f"{LAW_SI} Art. 20-22; Guo Fa [2014] No. 8",
    unit="code",
    inputs={**BIRTH, **LABOUR},
    codes=reason_codes(Scheme.RESIDENT_PENSION),
)
def coverage_resident_pension(ctx: Context, on: Array, birth_date: Array, labour_relation: Array) -> Array:
    under_age = under_minimum_age(ctx, on, birth_date)
    reason = CoverageReason
    return np.select(
        [under_age, np.asarray(labour_relation, dtype=bool)],
        [reason.RESIDENT_PENSION_UNDER_AGE, reason.RESIDENT_PENSION_IN_EMPLOYEE_PENSION],
        default=reason.RESIDENT_PENSION_MAY_JOIN,
    )


@one_row("coverage_resident_pension")
def coverage_resident_pension_one(ctx: OneContext, on: dt.date, birth_date: dt.date, labour_relation: bool) -> int:
    reason = CoverageReason
    if under_minimum_age_one(ctx, on, birth_date):
        return int(reason.RESIDENT_PENSION_UNDER_AGE)
    return int(reason.RESIDENT_PENSION_IN_EMPLOYEE_PENSION if labour_relation else reason.RESIDENT_PENSION_MAY_JOIN)


@formula(
    name="resident_pension_paid_for_hardship",
    label="Residents' pension: what local government pays on behalf of a person in a hardship group - a share "
    "of the lowest tier, never more than the tier chosen",
    reference="Guo Fa [2014] No. 8 Art. 4(3); Ren She Bu Fa [2017] No. 71",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "tier": ("str", "the chosen yearly tier in yuan"),
        "group": ("str", "SEVERE_DISABILITY, MINIMUM_LIVING, EXTREME_POVERTY or empty"),
    },
)
def resident_pension_paid_for_hardship(ctx: Context, on: Array, tier: Array, group: Array) -> Array:
    groups = np.asarray(group).astype(str)
    unknown = (groups != "") & ~np.isin(groups, RESIDENT_HARDSHIP_GROUPS)
    if unknown.any():
        raise RuleViolation(f"{groups[unknown][0]!r} is not a hardship group ({', '.join(RESIDENT_HARDSHIP_GROUPS)})")
    chosen = _tier_yuan(ctx, on, tier)
    tiers = ctx.params.node("resident_pension.tiers").children
    keys = np.array(list(tiers))
    day = np.asarray(on, dtype="datetime64[D]")
    in_force = np.array([ctx.params.vector("resident_pension.tiers", np.full(day.shape, k), day) for k in keys])
    lowest_key = keys[np.nanargmin(in_force, axis=0)]
    lowest = ctx.by_key("resident_pension.tiers", lowest_key, on)
    share = ctx.by_key("resident_pension.paid_for_hardship", np.where(groups == "", "-", groups), on, default=0.0)
    result: Array = np.minimum(chosen, lowest) * share * 100
    return result


def _tier_yuan(ctx: Context, on: Array, tier: Array) -> Array:
    yuan = ctx.by_key("resident_pension.tiers", np.asarray(tier).astype(str), on)
    if np.isnan(yuan).any():
        bad = str(np.asarray(tier)[np.isnan(yuan)][0])
        raise RuleViolation(f"{bad!r} is not a residents' pension tier on {np.asarray(on)[0]}")
    return yuan


@formula(
    name="resident_pension_contribution",
    label="Residents' pension: the yearly tier the resident chose",
    reference="Guo Fa [2014] No. 8 Art. 4(1)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"tier": ("str", "the chosen yearly tier in yuan, e.g. 500")},
)
def resident_pension_contribution(ctx: Context, on: Array, tier: Array) -> Array:
    result: Array = _tier_yuan(ctx, on, tier) * 100
    return result


@formula(
    name="resident_pension_subsidy",
    label="Residents' pension: the government's yearly subsidy to the resident's own contribution",
    reference="Guo Fa [2014] No. 8 Art. 4(3)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"tier": ("str", "the chosen yearly tier in yuan")},
)
def resident_pension_subsidy(ctx: Context, on: Array, tier: Array) -> Array:
    yuan = _tier_yuan(ctx, on, tier)
    higher = ctx.at("resident_pension.government_subsidy.from_500", on)
    basic = ctx.at("resident_pension.government_subsidy.basic", on)
    higher_from = ctx.at("resident_pension.government_subsidy.higher_from_tier", on)
    result: Array = np.where(yuan >= higher_from, higher, basic) * 100
    return result
