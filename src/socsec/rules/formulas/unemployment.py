"""Unemployment insurance: who is covered - employees with a labour relation, of working age (Social
Insurance Law Art. 44; Unemployment Insurance Regulations (1999) Art. 2). Its benefits are in
:mod:`socsec.rules.benefits.unemployment`."""

from __future__ import annotations

import numpy as np

from ..context import Context
from ..coverage import LAW_SI, CoverageReason, Scheme, reason_codes
from ..registry import Array, formula
from .ages import age_flags
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
