"""Work-related injury insurance: who is covered - employees with a labour relation (Social Insurance Law
Art. 33; Regulations on Work-Related Injury Insurance Art. 2). Its benefits are in
:mod:`socsec.rules.benefits.work_injury`."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..context import Context
from ..coverage import LAW_SI, CoverageReason, Scheme, reason_codes
from ..registry import Array, formula, one_row
from ..scalar import OneContext
from .common import LABOUR


@formula(
    name="coverage_work_injury",
    label="Work-related injury insurance: employees with a labour relation",
    reference=f"{LAW_SI} Art. 33; Regulations on Work-Related Injury Insurance Art. 2",
    unit="code",
    inputs=LABOUR,
    codes=reason_codes(Scheme.WORK_INJURY),
)
def coverage_work_injury(ctx: Context, on: Array, labour_relation: Array) -> Array:
    return np.where(
        np.asarray(labour_relation, dtype=bool),
        CoverageReason.WORK_INJURY_LABOUR_RELATION,
        CoverageReason.WORK_INJURY_NO_LABOUR_RELATION,
    )


@one_row("coverage_work_injury")
def coverage_work_injury_one(ctx: OneContext, on: dt.date, labour_relation: bool) -> int:
    reason = CoverageReason
    return int(reason.WORK_INJURY_LABOUR_RELATION if labour_relation else reason.WORK_INJURY_NO_LABOUR_RELATION)
