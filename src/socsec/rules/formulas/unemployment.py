"""Unemployment insurance: who is covered - employees with a labour relation, of working age (Social
Insurance Law Art. 44; Unemployment Insurance Regulations (1999) Art. 2). Its benefits are in
:mod:`socsec.rules.benefits.unemployment`."""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..context import Context
from ..coverage import LAW_SI, CoverageReason, Scheme, reason_codes
from ..registry import Array, formula, one_row
from ..scalar import OneContext
from .ages import age_flags, age_flags_one
from .common import BIRTH, LABOUR, SEX


@formula(
    name="coverage_unemployment",
    label="Unemployment insurance: employees with a labour relation, of working age",
    reference=f"{LAW_SI} Art. 44; Unemployment Insurance Regulations (1999) Art. 2",
    unit="code",
    inputs={**BIRTH, **SEX, **LABOUR},
    codes=reason_codes(Scheme.UNEMPLOYMENT),
)
def coverage_unemployment(
    ctx: Context, on: Array, birth_date: Array, sex: Array, retirement_group: Array, labour_relation: Array
) -> Array:
    under_age, retired = age_flags(ctx, on, birth_date, sex, retirement_group)
    covered = np.asarray(labour_relation, dtype=bool) & ~under_age & ~retired
    return np.where(
        covered, CoverageReason.UNEMPLOYMENT_LABOUR_RELATION, CoverageReason.UNEMPLOYMENT_NO_LABOUR_RELATION
    )


@one_row("coverage_unemployment")
def coverage_unemployment_one(
    ctx: OneContext, on: dt.date, birth_date: dt.date, sex: str, retirement_group: str, labour_relation: bool
) -> int:
    under_age, retired = age_flags_one(ctx, on, birth_date, sex, retirement_group)
    covered = labour_relation and not under_age and not retired
    reason = CoverageReason
    return int(reason.UNEMPLOYMENT_LABOUR_RELATION if covered else reason.UNEMPLOYMENT_NO_LABOUR_RELATION)
