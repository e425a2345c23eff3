"""Individual pension (third pillar): who may open an account - basic pension participants where it is
available (Guo Ban Fa [2022] No. 7)."""

from __future__ import annotations

import numpy as np

from ..context import Context
from ..coverage import CoverageReason, Scheme, reason_codes
from ..registry import Array, formula
from .ages import under_minimum_age
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
