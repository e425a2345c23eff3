"""Individual pension (third pillar): who may open an account - basic pension participants where it is
available (Guo Ban Fa [2022] No. 7)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..context import Context
from ..coverage import CoverageReason, Scheme, reason_codes
from ..registry import Array, formula, one_row
from ..scalar import OneContext
from .ages import under_minimum_age, under_minimum_age_one
from .common import BIRTH


@formula(
    name="coverage_individual_pension",
    label="Individual pension: open to basic pension participants where it is available",
    reference="Guo Ban Fa [2022] No. 7",
    unit="code",
    inputs={**BIRTH, "city": ("str", "city code of residence")},
    codes=reason_codes(Scheme.INDIVIDUAL_PENSION),
)
def coverage_individual_pension(ctx: Context, on: Array, birth_date: Array, city: Array) -> Array:
    nationwide = np.nan_to_num(ctx.at("individual_pension.nationwide", on)) > 0
    pilot = ctx.by_key("individual_pension.pilot_city", city, on, default=0) > 0
    reason = CoverageReason
    return np.select(
        [~(nationwide | pilot), under_minimum_age(ctx, on, birth_date)],
        [reason.INDIVIDUAL_PENSION_NOT_OPEN_HERE, reason.INDIVIDUAL_PENSION_NOT_IN_BASIC_PENSION],
        default=reason.INDIVIDUAL_PENSION_MAY_JOIN,
    )


@one_row("coverage_individual_pension")
def coverage_individual_pension_one(ctx: OneContext, on: dt.date, birth_date: dt.date, city: str) -> int:
    nationwide = ctx.at("individual_pension.nationwide", on) > 0  # NaN (none): not nationwide
    pilot = ctx.by_key("individual_pension.pilot_city", city, on, default=0) > 0
    under_age = under_minimum_age_one(ctx, on, birth_date)
    reason = CoverageReason
    if not (nationwide or pilot):
        return int(reason.INDIVIDUAL_PENSION_NOT_OPEN_HERE)
    return int(reason.INDIVIDUAL_PENSION_NOT_IN_BASIC_PENSION if under_age else reason.INDIVIDUAL_PENSION_MAY_JOIN)
