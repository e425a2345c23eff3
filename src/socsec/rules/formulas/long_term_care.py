"""Long-term care insurance: who is covered - it follows the employee medical insurance in pilot cities
(Yi Bao Fa [2020] No. 37; Ren She Ting Fa [2016] No. 80). Its benefits are in
:mod:`socsec.rules.benefits.long_term_care`."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..context import Context
from ..coverage import CoverageReason, Scheme, reason_codes
from ..registry import Array, formula, one_row
from ..scalar import OneContext
from .common import LABOUR, OTHER


@formula(
    name="coverage_long_term_care",
    label="Long-term care insurance: follows the employee medical insurance in pilot cities",
    reference="Yi Bao Fa [2020] No. 37; Ren She Ting Fa [2016] No. 80",
    unit="code",
    inputs={**LABOUR, **OTHER, "city": ("str", "city code where medical insurance is held")},
    codes=reason_codes(Scheme.LONG_TERM_CARE),
)
def coverage_long_term_care(ctx: Context, on: Array, labour_relation: Array, other_work: Array, city: Array) -> Array:
    pilot = ctx.by_key("long_term_care.pilot_city", city, on, default=0) > 0
    labour = np.asarray(labour_relation, dtype=bool)
    other = np.asarray(other_work, dtype=bool)
    reason = CoverageReason
    return np.select(
        [~pilot, labour, other],
        [
            reason.LONG_TERM_CARE_NOT_A_PILOT_CITY,
            reason.LONG_TERM_CARE_IN_EMPLOYEE_MEDICAL,
            reason.LONG_TERM_CARE_MAY_JOIN,
        ],
        default=reason.LONG_TERM_CARE_NOT_IN_EMPLOYEE_MEDICAL,
    )


@one_row("coverage_long_term_care")
def coverage_long_term_care_one(
    ctx: OneContext, on: dt.date, labour_relation: bool, other_work: bool, city: str
) -> int:
    reason = CoverageReason
    if not ctx.by_key("long_term_care.pilot_city", city, on, default=0) > 0:
        return int(reason.LONG_TERM_CARE_NOT_A_PILOT_CITY)
    if labour_relation:
        return int(reason.LONG_TERM_CARE_IN_EMPLOYEE_MEDICAL)
    return int(reason.LONG_TERM_CARE_MAY_JOIN if other_work else reason.LONG_TERM_CARE_NOT_IN_EMPLOYEE_MEDICAL)
