"""The contribution rates on employees' wages, employer's and employee's parts, per scheme: pension (national,
Guo Ban Fa [2019] No. 13), medical and maternity (per province), unemployment (per province, with its phased
reductions), work injury (the class's base rate x the employer's floating step, Ren She Bu Fa [2015] No. 71)
and long-term care (pilot cities). Each rate is a formula in its own right, so that an explanation of a
contribution shows the rate with the parameter it came from; the contributions are in
:mod:`.payroll_contributions`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..context import Context
from ..coverage import LAW_SI
from ..registry import Array, RuleViolation, formula
from .common import Inputs, province_of

NATIONAL = "000000"
"""The key of a regional rate's national framework value, used where neither the city nor its province has one."""

REGION: Inputs = {"region": ("str", "6-digit region code where the employee is insured")}
RISK: Inputs = {
    "industry_class": ("int", "the employer's industry risk class, 1 (least hazardous) to 8"),
    "injury_float_step": ("int", "the employer's floating step: 0 the base rate, -2 to 2"),
}


def regional_rate(ctx: Context, path: str, region: Array, on: Array) -> Array:
    """Child ``region`` of node ``path`` on ``on``: the city's own value, else its province's, else the
    national framework value (``000000``); a ``RuleViolation`` where none has a value that day."""
    codes = np.asarray(region).astype(str)
    days = np.broadcast_to(np.asarray(on, dtype="datetime64[D]"), codes.shape)
    rate = ctx.by_key(path, codes, days)
    for fallback in (province_of, lambda c: np.full(c.shape, NATIONAL)):
        missing = np.isnan(rate)
        if not missing.any():
            break
        rate[missing] = ctx.by_key(path, fallback(codes[missing]), days[missing])
    if np.isnan(rate).any():
        row = int(np.flatnonzero(np.isnan(rate))[0])
        raise RuleViolation(f"{path}: no rate for region {codes[row]} on {days[row]}")
    return rate


def _national_rate(name: str, label: str, reference: str, path: str) -> Callable[..., Array]:
    @formula(name=name, label=label, reference=reference, unit="ratio", inputs={})
    def rate(ctx: Context, on: Array) -> Array:
        return ctx.at(path, on)

    return rate


def _regional_rate(name: str, label: str, reference: str, path: str) -> Callable[..., Array]:
    @formula(name=name, label=label, reference=reference, unit="ratio", inputs=REGION)
    def rate(ctx: Context, on: Array, region: Array) -> Array:
        return regional_rate(ctx, path, region, on)

    return rate


PENSION_REF = f"Guo Ban Fa [2019] No. 13; Guo Fa [2005] No. 38; {LAW_SI} Art. 12"
MEDICAL_REF = f"{LAW_SI} Art. 23(1); Guo Fa [1998] No. 44"
MATERNITY_REF = f"{LAW_SI} Art. 53; Guo Ban Fa [2019] No. 10"
UNEMPLOYMENT_REF = (
    "Unemployment Insurance Regulations (1999) Art. 6; Ren She Bu Fa [2016] No. 36; Guo Ban Fa [2019] No. 13"
)
CARE_REF = "Ren She Ting Fa [2016] No. 80; Yi Bao Fa [2020] No. 37"
INJURY_REF = f"Ren She Bu Fa [2015] No. 71; {LAW_SI} Art. 34"

employer_pension_rate = _national_rate(
    "employer_pension_rate", "Employer's employee-pension rate (16%)", PENSION_REF, "pension.employer_rate"
)
employee_pension_rate = _national_rate(
    "employee_pension_rate", "Employee's employee-pension rate (8%)", PENSION_REF, "pension.employee_rate"
)
employer_medical_rate = _regional_rate(
    "employer_medical_rate",
    "Employer's medical insurance rate of the region",
    MEDICAL_REF,
    "payroll.medical.employer_rate",
)
employee_medical_rate = _regional_rate(
    "employee_medical_rate",
    "Employee's medical insurance rate of the region",
    MEDICAL_REF,
    "payroll.medical.employee_rate",
)
employer_maternity_rate = _regional_rate(
    "employer_maternity_rate",
    "Employer's maternity insurance rate of the region",
    MATERNITY_REF,
    "payroll.maternity.employer_rate",
)
employee_maternity_rate = _regional_rate(
    "employee_maternity_rate",
    "Employee's maternity insurance rate of the region (none)",
    MATERNITY_REF,
    "payroll.maternity.employee_rate",
)
employer_unemployment_rate = _regional_rate(
    "employer_unemployment_rate",
    "Employer's unemployment insurance rate of the region, after the phased reductions",
    UNEMPLOYMENT_REF,
    "payroll.unemployment.employer_rate",
)
employee_unemployment_rate = _regional_rate(
    "employee_unemployment_rate",
    "Employee's unemployment insurance rate of the region, after the phased reductions",
    UNEMPLOYMENT_REF,
    "payroll.unemployment.employee_rate",
)
employer_long_term_care_rate = _regional_rate(
    "employer_long_term_care_rate",
    "Employer's long-term care insurance rate of the pilot city",
    CARE_REF,
    "payroll.long_term_care.employer_rate",
)
employee_long_term_care_rate = _regional_rate(
    "employee_long_term_care_rate",
    "Employee's long-term care insurance rate of the pilot city",
    CARE_REF,
    "payroll.long_term_care.employee_rate",
)


@formula(
    name="employer_work_injury_rate",
    label="Employer's work-injury rate: its industry risk class's base rate x the factor of its floating step",
    reference=INJURY_REF,
    unit="ratio",
    inputs=RISK,
)
def employer_work_injury_rate(ctx: Context, on: Array, industry_class: Array, injury_float_step: Array) -> Array:
    risk = np.asarray(industry_class, dtype=np.int64)
    step = np.asarray(injury_float_step, dtype=np.int64)
    base_rate = ctx.by_key("payroll.work_injury.base_rate", risk.astype(str), on)
    if np.isnan(base_rate).any():
        bad = int(risk[np.isnan(base_rate)][0])
        raise RuleViolation(f"unknown industry risk class {bad}: classes are 1 to 8")
    lowest = ctx.by_key("payroll.work_injury.lowest_float_step", risk.astype(str), on)
    highest = ctx.at("payroll.work_injury.highest_float_step", on)
    outside = (step < lowest) | (step > highest)
    if outside.any():
        row = int(np.flatnonzero(outside)[0])
        raise RuleViolation(f"floating step {int(step[row])} is not allowed to industry risk class {int(risk[row])}")
    factor = ctx.by_key("payroll.work_injury.float_factor", step.astype(str), on)
    result: Array = base_rate * factor
    return result
