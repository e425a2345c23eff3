"""Ages: the age in completed months (Civil Code of the PRC Art. 1259), the statutory retirement age after the
2025 reform (NPC Standing Committee decision of 2024-09-13, Annex tables 1-2), and the minimum working age the
coverage formulas test (Labour Law of the PRC Art. 15)."""

from __future__ import annotations

import numpy as np

from ..context import Context
from ..months import days_into_month, months_since_epoch
from ..registry import Array, formula
from .common import Sex


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


@formula(
    name="statutory_retirement_age_months",
    label="Statutory retirement age in months, by sex and birth month, after the 2025 reform",
    reference="NPC Standing Committee decision on gradually raising the statutory retirement age "
    "(2024-09-13, in force 2025-01-01), Annex tables 1-2",
    unit="months",
    inputs={"birth_date": ("date", "date of birth"), "sex": ("str", "M or F")},
)
def statutory_retirement_age_months(ctx: Context, on: Array, birth_date: Array, sex: Array) -> Array:
    male = np.asarray(sex).astype(str) == Sex.MALE
    base = np.where(male, ctx.at("retirement.men.base_age_months", on), ctx.at("retirement.women.base_age_months", on))
    first = np.where(
        male,
        ctx.at("retirement.men.first_birth_month_index", on),
        ctx.at("retirement.women.first_birth_month_index", on),
    )
    step = np.where(
        male,
        ctx.at("retirement.men.birth_months_per_step", on),
        ctx.at("retirement.women.birth_months_per_step", on),
    )
    cap = np.where(male, ctx.at("retirement.men.max_delay_months", on), ctx.at("retirement.women.max_delay_months", on))
    born = months_since_epoch(birth_date).astype(np.float64)
    elapsed = born - first
    delay = np.where(elapsed >= 0, np.minimum(cap, np.floor(elapsed / step) + 1), 0)
    result: Array = base + delay  # float; the engine refuses a missing parameter, then makes it whole months
    return result


def under_minimum_age(ctx: Context, on: Array, birth_date: Array) -> Array:
    """Under the minimum working age on the date."""
    age = ctx.formula("age_months", on, birth_date=birth_date)
    under: Array = age < ctx.at("work.minimum_age_months", on)
    return under


def age_flags(ctx: Context, on: Array, birth_date: Array, sex: Array) -> tuple[Array, Array]:
    """(under the minimum working age, at or past the statutory retirement age)."""
    age = ctx.formula("age_months", on, birth_date=birth_date)
    retirement = ctx.formula("statutory_retirement_age_months", on, birth_date=birth_date, sex=sex)
    return under_minimum_age(ctx, on, birth_date), age >= retirement
