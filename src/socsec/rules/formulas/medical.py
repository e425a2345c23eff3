"""Basic medical insurance: employees must join, others may (Social Insurance Law Art. 23, Art. 25), and the
flexible worker's own contribution to the employee medical insurance (Art. 23(2); Guo Fa [1998] No. 44)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..context import Context
from ..coverage import LAW_SI, CoverageReason, Scheme, reason_codes
from ..registry import Array, RuleViolation, formula, one_row
from ..rounding import Rounding
from ..scalar import OneContext
from .common import LABOUR, OTHER, PERIOD, province_of


@formula(
    name="coverage_medical",
    label="Basic medical insurance: employees must join; others may",
    reference=f"{LAW_SI} Art. 23, Art. 25",
    unit="code",
    inputs={**LABOUR, **OTHER},
    codes=reason_codes(Scheme.MEDICAL),
)
def coverage_medical(ctx: Context, on: Array, labour_relation: Array, other_work: Array) -> Array:
    labour = np.asarray(labour_relation, dtype=bool)
    reason = CoverageReason
    return np.select(
        [labour, np.asarray(other_work, dtype=bool)],
        [reason.MEDICAL_LABOUR_RELATION, reason.MEDICAL_FLEXIBLE],
        default=reason.MEDICAL_NO_WORK,
    )


@one_row("coverage_medical")
def coverage_medical_one(ctx: OneContext, on: dt.date, labour_relation: bool, other_work: bool) -> int:
    reason = CoverageReason
    if labour_relation:
        return int(reason.MEDICAL_LABOUR_RELATION)
    return int(reason.MEDICAL_FLEXIBLE if other_work else reason.MEDICAL_NO_WORK)


@formula(
    name="flexible_medical_contribution",
    label="Flexible worker's employee medical insurance contribution: the province's rate x the base "
    "(kept within 60%-300%) x months, less any temporary reduction",
    reference=f"{LAW_SI} Art. 23(2); Guo Fa [1998] No. 44",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=PERIOD,
)
def flexible_medical_contribution(ctx: Context, on: Array, region: Array, declared_base: Array, months: Array) -> Array:
    base = ctx.formula("contribution_base", on, region=region, declared_base=declared_base)
    rate = ctx.by_key("flexible.medical_rate", province_of(region), on)
    if np.isnan(rate).any():
        bad = str(np.asarray(region)[np.isnan(rate)][0])
        raise RuleViolation(f"no flexible workers' medical insurance rate for the province of {bad} on {on[0]}")
    reduction = ctx.at("flexible.temporary_reduction.medical", on)
    effective = np.where(reduction > 0, rate * (1 - reduction), rate)
    result: Array = base * effective * np.asarray(months, dtype=np.float64)
    return result


MEDICAL_TRANSFER_2021 = (
    "Yi Bao Ban Fa [2021] No. 43, Interim Measures for the Transfer and Continuation of Basic Medical Insurance "
    "Relations"
)


@formula(
    name="medical_transfer_waiting_months",
    label="Waiting period before medical insurance benefits start at the new place: none after a break of 3 "
    "months or less, else the pooling area's own period, at most 6 months",
    reference=MEDICAL_TRANSFER_2021,
    unit="months",
    inputs={
        "region": ("str", "6-digit region code of the new place"),
        "gap_months": (
            "int",
            "months without contributions between the last month at the old place and the "
            "first month paid at the new place",
        ),
    },
)
def medical_transfer_waiting_months(ctx: Context, on: Array, region: Array, gap_months: Array) -> Array:
    gap = np.asarray(gap_months, dtype=np.int64)
    if (gap < 0).any():
        raise RuleViolation("a break in contributions is not negative")
    allowed = ctx.at("transfers.medical_gap_months", on)
    if np.isnan(allowed).any():
        raise RuleViolation(f"no rule on medical insurance relations moved before 2022-01-01 (asked for {on[0]})")
    short = gap <= allowed
    local = ctx.by_key("transfers.medical_waiting_months", province_of(region), on)
    unset = np.isnan(local) & ~short  # a short break needs no local figure: the national rule says none
    if unset.any():
        bad = str(np.asarray(region)[unset][0])
        raise RuleViolation(f"no medical insurance waiting period for the province of {bad} on {on[0]}")
    cap = ctx.at("transfers.medical_waiting_cap", on)
    if (local[~short] > cap[~short]).any():
        raise RuleViolation(f"a pooling area's waiting period is at most {int(cap[0])} months")
    result: Array = np.where(short, 0, np.nan_to_num(local))
    return result
