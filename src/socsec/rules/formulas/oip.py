"""Occupational injury protection for platform workers (OIP): the pilot's scope and who is covered per
engagement (Ren She Bu Fa [2021] No. 110; Ren She Bu Fa [2025] No. 24), the platform's per-order contribution
and the bounds on adjusting it (Shanxi draft measures 2025-10; Chongqing HRSS Q&A 2025-07-15). Its benefits
are in :mod:`socsec.rules.benefits.oip`."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

import numpy as np

from ..context import Context
from ..coverage import OIP_BASIS, Category, CoverageReason, Scheme, reason_codes
from ..registry import Array, RuleViolation, formula, one_row
from ..rounding import Rounding
from ..scalar import OneContext
from .common import province_of, province_of_one


@formula(
    name="oip_pilot_scope",
    label="Whether a work province and sector are inside the national OIP pilot on the date",
    reference=OIP_BASIS,
    unit="code",
    inputs={"region": ("str", "work region code"), "sector": ("str", "sector code")},
    codes={
        CoverageReason.OIP_IN_PILOT: "inside the pilot",
        CoverageReason.OIP_PROVINCE_NOT_IN_PILOT: "province not in the pilot",
        CoverageReason.OIP_SECTOR_NOT_IN_PILOT: "sector not a pilot sector",
    },
)
def oip_pilot_scope(ctx: Context, on: Array, region: Array, sector: Array) -> Array:
    everywhere = np.nan_to_num(ctx.at("oip.pilot.all_provinces", on)) > 0
    province = ctx.by_key("oip.pilot.province", province_of(region), on, default=0) > 0
    pilot_sector = ctx.by_key("oip.pilot.sector", sector, on, default=0) > 0
    reason = CoverageReason
    return np.select(
        [~(everywhere | province), ~pilot_sector],
        [reason.OIP_PROVINCE_NOT_IN_PILOT, reason.OIP_SECTOR_NOT_IN_PILOT],
        default=reason.OIP_IN_PILOT,
    )


@one_row("oip_pilot_scope")
def oip_pilot_scope_one(ctx: OneContext, on: dt.date, region: str, sector: str) -> int:
    everywhere = ctx.at("oip.pilot.all_provinces", on) > 0  # NaN (none): not everywhere
    province = ctx.by_key("oip.pilot.province", province_of_one(region), on, default=0) > 0
    pilot_sector = ctx.by_key("oip.pilot.sector", sector, on, default=0) > 0
    reason = CoverageReason
    if not (everywhere or province):
        return int(reason.OIP_PROVINCE_NOT_IN_PILOT)
    return int(reason.OIP_IN_PILOT if pilot_sector else reason.OIP_SECTOR_NOT_IN_PILOT)


@formula(
    name="coverage_oip",
    label="Occupational injury protection for one engagement",
    reference=OIP_BASIS,
    unit="code",
    inputs={
        "region": ("str", "work region code of the engagement"),
        "sector": ("str", "sector code of the engagement"),
        "category": ("str", "engagement category"),
        "platform": ("bool", "the organisation is a platform enterprise"),
        "activated": ("bool", "the agency switched OIP on for this platform, region and sector"),
        "labour_relation": ("bool", "the person has an active labour relation anywhere"),
    },
    codes=reason_codes(Scheme.OIP),
)
def coverage_oip(
    ctx: Context,
    on: Array,
    region: Array,
    sector: Array,
    category: Array,
    platform: Array,
    activated: Array,
    labour_relation: Array,
) -> Array:
    scope = ctx.formula("oip_pilot_scope", on, region=region, sector=sector)
    reason = CoverageReason
    labour = np.asarray(labour_relation, dtype=bool) | (
        np.asarray(category).astype(str) == Category.LABOUR_RELATION.value
    )
    return np.select(
        [~np.asarray(platform, dtype=bool), labour, scope != reason.OIP_IN_PILOT, ~np.asarray(activated, dtype=bool)],
        [reason.OIP_NOT_A_PLATFORM, reason.OIP_LABOUR_RELATION, scope, reason.OIP_NOT_SWITCHED_ON],
        default=reason.OIP_IN_PILOT,
    )


@one_row("coverage_oip")
def coverage_oip_one(
    ctx: OneContext,
    on: dt.date,
    region: str,
    sector: str,
    category: str,
    platform: bool,
    activated: bool,
    labour_relation: bool,
) -> int:
    scope: int = ctx.formula("oip_pilot_scope", on, region=region, sector=sector)
    reason = CoverageReason
    if not platform:
        return int(reason.OIP_NOT_A_PLATFORM)
    if labour_relation or category == Category.LABOUR_RELATION.value:
        return int(reason.OIP_LABOUR_RELATION)
    if scope != reason.OIP_IN_PILOT:
        return scope
    return int(reason.OIP_IN_PILOT if activated else reason.OIP_NOT_SWITCHED_ON)


_ADJUSTMENT = "oip.platform_adjustment"


@formula(
    name="oip_per_order_amount",
    label="OIP contribution per order: the sector baseline moved by the platform's adjustment steps",
    reference=f"{OIP_BASIS}; Shanxi draft measures 2025-10; Chongqing HRSS Q&A 2025-07-15",
    unit="cents_per_order",
    inputs={
        "sector": ("str", "pilot sector code"),
        "adjustment_steps": ("int", "the platform's adjustment in 10% steps (-5..5; 0 = baseline)"),
    },
)
def oip_per_order_amount(ctx: Context, on: Array, sector: Array, adjustment_steps: Array) -> Array:
    baseline_yuan = ctx.by_key("oip.per_order_amount", sector, on)
    if np.isnan(baseline_yuan).any():
        bad = str(np.asarray(sector)[np.isnan(baseline_yuan)][0])
        raise RuleViolation(f"sector {bad!r} has no OIP per-order amount on {np.asarray(on)[0]}")
    step = ctx.at(f"{_ADJUSTMENT}.step", on)
    limit = ctx.at(f"{_ADJUSTMENT}.max_steps", on)
    steps = np.asarray(adjustment_steps, dtype=np.float64)
    outside = np.abs(steps) > limit
    if outside.any():
        raise RuleViolation(
            f"an adjustment of {int(steps[outside][0])} steps is outside +/-{int(limit[outside][0])} steps "
            f"(+/-{limit[outside][0] * step[outside][0]:.0%} of the sector baseline)"
        )
    # cents per order, to a millionth of a cent so that binary noise (21.599999...) does not show
    result: Array = np.round(baseline_yuan * 100 * (1 + step * steps), 6)
    return result


@formula(
    name="oip_contribution",
    label="OIP contribution of one assessment line: orders x the per-order amount, to the cent",
    reference=OIP_BASIS,
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "order_count": ("int", "orders in the month"),
        "sector": ("str", "pilot sector code"),
        "adjustment_steps": ("int", "the platform's adjustment in 10% steps"),
    },
)
def oip_contribution(ctx: Context, on: Array, order_count: Array, sector: Array, adjustment_steps: Array) -> Array:
    per_order = ctx.formula("oip_per_order_amount", on, sector=sector, adjustment_steps=adjustment_steps)
    result: Array = np.asarray(order_count, dtype=np.float64) * per_order
    return result


class AdjustmentCheck(IntEnum):
    """What ``oip_adjustment_check`` answers."""

    ALLOWED = 0
    FIRST_YEAR = 1
    CHANGED_WITHIN_A_YEAR = 2
    TOO_MANY_STEPS = 3
    OUTSIDE_BOUNDS = 4


ADJUSTMENT_CODES: dict[int, str] = {
    AdjustmentCheck.ALLOWED: "allowed",
    AdjustmentCheck.FIRST_YEAR: "first year in the scheme: the amount stays at the baseline",
    AdjustmentCheck.CHANGED_WITHIN_A_YEAR: "adjusted less than a year ago: once a year at most",
    AdjustmentCheck.TOO_MANY_STEPS: "moves more steps at once than one adjustment may",
    AdjustmentCheck.OUTSIDE_BOUNDS: "outside the +/-50% bounds of the sector baseline",
}


@formula(
    name="oip_adjustment_check",
    label="Whether a proposed change of a platform's per-order amount is allowed",
    reference="Shanxi draft measures 2025-10; Chongqing HRSS Q&A 2025-07-15",
    unit="code",
    inputs={
        "current_steps": ("int", "the platform's adjustment now, in steps"),
        "proposed_steps": ("int", "the adjustment asked for, in steps"),
        "months_in_scheme": ("int", "months since the platform joined the scheme in the province"),
        "months_since_last_change": ("int", "months since its amount last changed"),
    },
    codes=ADJUSTMENT_CODES,
)
def oip_adjustment_check(
    ctx: Context,
    on: Array,
    current_steps: Array,
    proposed_steps: Array,
    months_in_scheme: Array,
    months_since_last_change: Array,
) -> Array:
    wait = ctx.at(f"{_ADJUSTMENT}.months_between_changes", on)
    move = np.abs(np.asarray(proposed_steps) - np.asarray(current_steps))
    return np.select(
        [
            np.abs(np.asarray(proposed_steps)) > ctx.at(f"{_ADJUSTMENT}.max_steps", on),
            np.asarray(months_in_scheme) < wait,
            np.asarray(months_since_last_change) < wait,
            move > ctx.at(f"{_ADJUSTMENT}.max_steps_per_change", on),
        ],
        [
            AdjustmentCheck.OUTSIDE_BOUNDS,
            AdjustmentCheck.FIRST_YEAR,
            AdjustmentCheck.CHANGED_WITHIN_A_YEAR,
            AdjustmentCheck.TOO_MANY_STEPS,
        ],
        default=AdjustmentCheck.ALLOWED,
    )
