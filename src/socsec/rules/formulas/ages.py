"""Ages: the age in completed months (Civil Code of the PRC Art. 1259), the statutory retirement age after the
2025 reform (NPC Standing Committee decision of 2024-09-13, Annex tables 1-2), and the minimum working age the
coverage formulas test (Labour Law of the PRC Art. 15)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from ..context import Context
from ..months import days_into_month, months_since_epoch
from ..registry import Array, formula, one_row
from ..scalar import OneContext
from .common import BIRTH, GROUP_PARAMETERS, SEX, retirement_group_one, retirement_groups

NAN = float("nan")


@formula(
    name="age_months",
    label="Age in completed months on the date",
    reference="Civil Code of the PRC Art. 1259 (reckoning of periods)",
    unit="months",
    inputs={"birth_date": ("date", "date of birth")},
)
def age_months(ctx: Context, on: Array, birth_date: Array) -> Array:
    birth = np.asarray(birth_date, dtype="datetime64[D]")
    months = months_since_epoch(on) - months_since_epoch(birth)
    result: Array = (months - (days_into_month(on) < days_into_month(birth))).astype(np.int64)
    return result


@one_row("age_months")
def age_months_one(ctx: OneContext, on: dt.date, birth_date: dt.date) -> int:
    return (on.year * 12 + on.month) - (birth_date.year * 12 + birth_date.month) - (on.day < birth_date.day)


@formula(
    name="statutory_retirement_age_months",
    label="Statutory retirement age in months, by original retirement group (men 60, women 55 or 50) and birth "
    "month, after the 2025 reform",
    reference="NPC Standing Committee decision on gradually raising the statutory retirement age "
    "(2024-09-13, in force 2025-01-01), Art. 1 and Annex tables 1-3; Guo Fa [1978] No. 104",
    unit="months",
    inputs={**BIRTH, **SEX},
)
def statutory_retirement_age_months(
    ctx: Context, on: Array, birth_date: Array, sex: Array, retirement_group: Array
) -> Array:
    groups = retirement_groups(sex, retirement_group)
    born = months_since_epoch(birth_date).astype(np.float64)
    result = np.full(groups.shape, np.nan)
    for group, path in GROUP_PARAMETERS.items():  # only the rows' own parameters show in an explanation
        rows = groups == group
        if not rows.any():
            continue
        day = on[rows] if np.size(on) == groups.size else on
        elapsed = born[rows] - ctx.at(f"{path}.first_birth_month_index", day)
        steps = np.floor(elapsed / ctx.at(f"{path}.birth_months_per_step", day)) + 1
        delay = np.where(elapsed >= 0, np.minimum(ctx.at(f"{path}.max_delay_months", day), steps), 0)
        result[rows] = ctx.at(f"{path}.base_age_months", day) + delay
    return result  # float; the engine refuses a missing parameter, then makes it whole months


@one_row("statutory_retirement_age_months")
def statutory_retirement_age_months_one(
    ctx: OneContext, on: dt.date, birth_date: dt.date, sex: str, retirement_group: str
) -> float:
    path = GROUP_PARAMETERS[retirement_group_one(sex, retirement_group)]
    born = float((birth_date.year - 1970) * 12 + birth_date.month - 1)
    elapsed = born - ctx.at(f"{path}.first_birth_month_index", on)
    per_step = ctx.at(f"{path}.birth_months_per_step", on)
    with np.errstate(divide="ignore", invalid="ignore"):  # as the vectorised division: inf or NaN, no error
        steps = float(np.floor(np.float64(elapsed) / per_step)) + 1
    most = ctx.at(f"{path}.max_delay_months", on)
    delay = (NAN if math.isnan(most) or math.isnan(steps) else min(most, steps)) if elapsed >= 0 else 0.0
    return ctx.at(f"{path}.base_age_months", on) + delay


def under_minimum_age(ctx: Context, on: Array, birth_date: Array) -> Array:
    """Under the minimum working age on the date."""
    age = ctx.formula("age_months", on, birth_date=birth_date)
    under: Array = age < ctx.at("work.minimum_age_months", on)
    return under


def age_flags(ctx: Context, on: Array, birth_date: Array, sex: Array, retirement_group: Array) -> tuple[Array, Array]:
    """(under the minimum working age, at or past the statutory retirement age)."""
    age = ctx.formula("age_months", on, birth_date=birth_date)
    retirement = ctx.formula(
        "statutory_retirement_age_months", on, birth_date=birth_date, sex=sex, retirement_group=retirement_group
    )
    return under_minimum_age(ctx, on, birth_date), age >= retirement


def under_minimum_age_one(ctx: OneContext, on: dt.date, birth_date: dt.date) -> bool:
    """:func:`under_minimum_age` for one case."""
    age: int = ctx.formula("age_months", on, birth_date=birth_date)
    return age < ctx.at("work.minimum_age_months", on)


def age_flags_one(
    ctx: OneContext, on: dt.date, birth_date: dt.date, sex: str, retirement_group: str
) -> tuple[bool, bool]:
    """:func:`age_flags` for one case."""
    age: int = ctx.formula("age_months", on, birth_date=birth_date)
    retirement: int = ctx.formula(
        "statutory_retirement_age_months", on, birth_date=birth_date, sex=sex, retirement_group=retirement_group
    )
    return under_minimum_age_one(ctx, on, birth_date), age >= retirement
