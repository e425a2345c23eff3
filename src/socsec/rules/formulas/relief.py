"""Relief for flexible workers who pay their own contributions: the flexible-employment subsidy for people
with employment difficulties and graduates (Cai She [2017] No. 164), and which months they may pay on a date -
back months and deferral windows (Guo Ban Fa [2020] No. 27 Art. 3; Ren She Bu Fa [2022] No. 31 Art. 2). What
government pays for residents in hardship is in :mod:`.resident_pension`."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from ..context import Context
from ..months import as_yyyymmdd, months_since_epoch
from ..registry import Array, RuleViolation, formula
from ..rounding import Rounding
from .common import PERIOD, Inputs, ReliefGroup

FLEXIBLE_SUBSIDY_GROUPS = (ReliefGroup.EMPLOYMENT_HARDSHIP, ReliefGroup.GRADUATE)
_SUBSIDY = "flexible.subsidy"
_GROUP: Inputs = {
    "group": ("str", "the person's relief group (EMPLOYMENT_HARDSHIP, GRADUATE) or empty"),
    "months_subsidised": ("int", "months of this group's subsidy the person has already had"),
}


def _group_values(ctx: Context, on: Array, group: Array, leaf: str) -> Array:
    groups = np.asarray(group).astype(str)
    values = np.zeros(groups.shape, dtype=np.float64)
    for name in FLEXIBLE_SUBSIDY_GROUPS:
        chosen = groups == name
        if chosen.any():
            values = np.where(chosen, ctx.at(f"{_SUBSIDY}.{name}.{leaf}", on), values)
    unknown = (groups != "") & ~np.isin(groups, FLEXIBLE_SUBSIDY_GROUPS)
    if unknown.any():
        raise RuleViolation(f"{groups[unknown][0]!r} is not a subsidy group ({', '.join(FLEXIBLE_SUBSIDY_GROUPS)})")
    return values


@formula(
    name="flexible_subsidy_months",
    label="Months of this payment the flexible-employment subsidy covers: what is left of the group's maximum",
    reference="Cai She [2017] No. 164",
    unit="months",
    inputs={"months": ("int", "months paid at once"), **_GROUP},
)
def flexible_subsidy_months(ctx: Context, on: Array, months: Array, group: Array, months_subsidised: Array) -> Array:
    left = _group_values(ctx, on, group, "max_months") - np.asarray(months_subsidised, dtype=np.float64)
    result: Array = np.where(np.asarray(group).astype(str) == "", 0, np.clip(left, 0, np.asarray(months)))
    return result


def _subsidy(ctx: Context, on: Array, contribution: Array, months: Array, group: Array, used: Array) -> Array:
    covered = ctx.formula("flexible_subsidy_months", on, months=months, group=group, months_subsidised=used)
    share = _group_values(ctx, on, group, "share")
    result: Array = contribution / np.asarray(months, dtype=np.float64) * covered * share
    return result


@formula(
    name="flexible_pension_subsidy",
    label="Subsidy to a flexible worker's pension contribution: share x contribution per month x months covered",
    reference="Cai She [2017] No. 164",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**PERIOD, **_GROUP},
)
def flexible_pension_subsidy(
    ctx: Context, on: Array, region: Array, declared_base: Array, months: Array, group: Array, months_subsidised: Array
) -> Array:
    paid = ctx.formula("flexible_pension_contribution", on, region=region, declared_base=declared_base, months=months)
    return _subsidy(ctx, on, paid, months, group, months_subsidised)


@formula(
    name="flexible_medical_subsidy",
    label="Subsidy to a flexible worker's medical contribution: share x contribution per month x months covered",
    reference="Cai She [2017] No. 164",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**PERIOD, **_GROUP},
)
def flexible_medical_subsidy(
    ctx: Context, on: Array, region: Array, declared_base: Array, months: Array, group: Array, months_subsidised: Array
) -> Array:
    paid = ctx.formula("flexible_medical_contribution", on, region=region, declared_base=declared_base, months=months)
    return _subsidy(ctx, on, paid, months, group, months_subsidised)


class PeriodCheck(IntEnum):
    """What ``own_contribution_period_check`` answers."""

    PAYABLE = 0
    IN_DEFERRAL_WINDOW = 1
    BACK_PAYMENT_NOT_OPEN = 2
    DEFERRAL_WINDOW_CLOSED = 3


PERIOD_CODES: dict[int, str] = {
    PeriodCheck.PAYABLE: "the current month or a later one",
    PeriodCheck.IN_DEFERRAL_WINDOW: "a past month in a deferral window, paid before its deadline",
    PeriodCheck.BACK_PAYMENT_NOT_OPEN: "a past month: paying back is not open",
    PeriodCheck.DEFERRAL_WINDOW_CLOSED: "a past month whose deferral window closed",
}


@formula(
    name="own_contribution_period_check",
    label="Whether a flexible worker may pay for a month on this date: current or later months, back months "
    "as far as the agency allows, months in a deferral window until its deadline",
    reference="Guo Ban Fa [2020] No. 27 Art. 3; Ren She Bu Fa [2022] No. 31 Art. 2",
    unit="code",
    inputs={"period_start": ("date", "first day of the month paid for")},
    codes=PERIOD_CODES,
)
def own_contribution_period_check(ctx: Context, on: Array, period_start: Array) -> Array:
    period = np.asarray(period_start, dtype="datetime64[D]")
    behind = months_since_epoch(on) - months_since_epoch(period)
    open_back = behind <= ctx.at("flexible.back_payment_months", on)
    pay_by = ctx.at("flexible.deferral_pay_by", period)
    today = as_yyyymmdd(on)
    return np.select(
        [behind <= 0, open_back, (pay_by > 0) & (today <= pay_by), pay_by > 0],
        [
            PeriodCheck.PAYABLE,
            PeriodCheck.PAYABLE,
            PeriodCheck.IN_DEFERRAL_WINDOW,
            PeriodCheck.DEFERRAL_WINDOW_CLOSED,
        ],
        default=PeriodCheck.BACK_PAYMENT_NOT_OPEN,
    )
