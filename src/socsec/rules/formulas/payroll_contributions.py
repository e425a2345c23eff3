"""What an employer owes for an employee with a labour relation, per scheme, and what it withholds from the
employee's wage: the contribution base (last year's average monthly wage, or a new employee's first wage,
kept within 60%-300% of the regional average wage by the same bounds as a flexible worker's base) x each
scheme's rate (:mod:`.payroll_rates`), rounded to the cent once per amount. The set-based assessment of a
whole month (:mod:`socsec.batch.employer_assessment`) gives the same figures."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..context import Context
from ..coverage import LAW_SI
from ..registry import Array, RuleViolation, formula
from ..rounding import Rounding
from .common import Inputs
from .payroll_rates import CARE_REF, INJURY_REF, MATERNITY_REF, MEDICAL_REF, PENSION_REF, REGION, RISK, UNEMPLOYMENT_REF

WAGES: Inputs = {
    **REGION,
    "wage": ("cents", "the employee's wage this month, in cents"),
    "base_wage": ("cents", "last year's average monthly wage in cents; 0 for a new employee (this month's wage)"),
}
PILOT: Inputs = {"ltc_pilot": ("bool", "insured in a long-term care pilot city")}


@formula(
    name="employer_contribution_base",
    label="Employee's contribution base: last year's average monthly wage (a new employee's wage this month) "
    "kept within 60%-300% of the regional average monthly wage",
    reference=f"{LAW_SI} Art. 12; Guo Ban Fa [2019] No. 13 Art. 2",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=WAGES,
)
def employer_contribution_base(ctx: Context, on: Array, region: Array, wage: Array, base_wage: Array) -> Array:
    this_month = np.asarray(wage, dtype=np.int64)
    last_year = np.asarray(base_wage, dtype=np.int64)
    if (this_month < 0).any() or (last_year < 0).any():
        raise RuleViolation("a wage cannot be negative")
    chosen = np.where(last_year > 0, last_year, this_month)
    return ctx.formula("contribution_base", on, region=region, declared_base=chosen)


def _base(ctx: Context, on: Array, region: Array, wage: Array, base_wage: Array) -> Array:
    return ctx.formula("employer_contribution_base", on, region=region, wage=wage, base_wage=base_wage)


def _contribution(name: str, label: str, reference: str, rate: str, *, regional: bool = True) -> Callable[..., Array]:
    """A contribution of the base x a rate; ``regional`` when the rate is the region's (not a national one)."""

    @formula(name=name, label=label, reference=reference, unit="cents", rounding=Rounding.HALF_UP_CENT, inputs=WAGES)
    def contribution(ctx: Context, on: Array, region: Array, wage: Array, base_wage: Array) -> Array:
        inputs = {"region": region} if regional else {}
        result: Array = _base(ctx, on, region, wage, base_wage) * ctx.formula(rate, on, **inputs)
        return result

    return contribution


employer_pension_contribution = _contribution(
    "employer_pension_contribution",
    "Employer's employee-pension contribution: 16% of the base",
    PENSION_REF,
    "employer_pension_rate",
    regional=False,
)
employee_pension_contribution = _contribution(
    "employee_pension_contribution",
    "Employee's employee-pension contribution withheld from the wage: 8% of the base, to the individual account",
    PENSION_REF,
    "employee_pension_rate",
    regional=False,
)
employer_medical_contribution = _contribution(
    "employer_medical_contribution",
    "Employer's medical insurance contribution: the region's rate x the base",
    MEDICAL_REF,
    "employer_medical_rate",
)
employee_medical_contribution = _contribution(
    "employee_medical_contribution",
    "Employee's medical insurance contribution withheld from the wage: the region's rate x the base",
    MEDICAL_REF,
    "employee_medical_rate",
)
employer_maternity_contribution = _contribution(
    "employer_maternity_contribution",
    "Employer's maternity insurance contribution: the region's rate x the base",
    MATERNITY_REF,
    "employer_maternity_rate",
)
employee_maternity_contribution = _contribution(
    "employee_maternity_contribution",
    "Employee's maternity insurance contribution: none (the employer pays it)",
    MATERNITY_REF,
    "employee_maternity_rate",
)
employer_unemployment_contribution = _contribution(
    "employer_unemployment_contribution",
    "Employer's unemployment insurance contribution: the region's rate in force x the base",
    UNEMPLOYMENT_REF,
    "employer_unemployment_rate",
)
employee_unemployment_contribution = _contribution(
    "employee_unemployment_contribution",
    "Employee's unemployment insurance contribution withheld from the wage: the region's rate in force x the base",
    UNEMPLOYMENT_REF,
    "employee_unemployment_rate",
)


@formula(
    name="employer_work_injury_contribution",
    label="Employer's work-injury contribution: its class's base rate x its floating step x the base",
    reference=INJURY_REF,
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**WAGES, **RISK},
)
def employer_work_injury_contribution(
    ctx: Context,
    on: Array,
    region: Array,
    wage: Array,
    base_wage: Array,
    industry_class: Array,
    injury_float_step: Array,
) -> Array:
    rate = ctx.formula(
        "employer_work_injury_rate", on, industry_class=industry_class, injury_float_step=injury_float_step
    )
    result: Array = _base(ctx, on, region, wage, base_wage) * rate
    return result


@formula(
    name="employee_work_injury_contribution",
    label="Employee's work-injury contribution: none - the employer alone pays work-injury insurance",
    reference=f"{LAW_SI} Art. 33",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=WAGES,
)
def employee_work_injury_contribution(ctx: Context, on: Array, region: Array, wage: Array, base_wage: Array) -> Array:
    return np.zeros(np.asarray(_base(ctx, on, region, wage, base_wage)).shape)


def _care(name: str, label: str, rate: str) -> Callable[..., Array]:
    @formula(
        name=name,
        label=label,
        reference=CARE_REF,
        unit="cents",
        rounding=Rounding.HALF_UP_CENT,
        inputs={**WAGES, **PILOT},
    )
    def contribution(ctx: Context, on: Array, region: Array, wage: Array, base_wage: Array, ltc_pilot: Array) -> Array:
        amount = _base(ctx, on, region, wage, base_wage) * ctx.formula(rate, on, region=region)
        result: Array = np.where(np.asarray(ltc_pilot, dtype=bool), amount, 0.0)
        return result

    return contribution


employer_long_term_care_contribution = _care(
    "employer_long_term_care_contribution",
    "Employer's long-term care contribution in a pilot city: the city's rate x the base (none elsewhere)",
    "employer_long_term_care_rate",
)
employee_long_term_care_contribution = _care(
    "employee_long_term_care_contribution",
    "Employee's long-term care contribution in a pilot city, withheld from the wage (none elsewhere)",
    "employee_long_term_care_rate",
)
