"""Employee basic pension: who must and who may join (Social Insurance Law Art. 10, Art. 12), the flexible
worker's own contribution and its individual-account part (Art. 12(3), Art. 14; Guo Ban Fa [2019] No. 13;
Guo Fa [2005] No. 38), and the interest credited to individual accounts (Guo Fa [2005] No. 38; Ren She Bu Fa
[2017] No. 31)."""

from __future__ import annotations

import numpy as np

from ..coverage import LAW_SI, CoverageReason, Scheme, reason_codes
from ..engine import Array, Context, Rounding, formula
from .ages import age_flags
from .common import BIRTH, LABOUR, OTHER, PERIOD, SEX


@formula(
    name="coverage_employee_pension",
    label="Employee basic pension: who must, who may join",
    reference=f"{LAW_SI} Art. 10, Art. 12",
    unit="code",
    inputs={**BIRTH, **SEX, **LABOUR, **OTHER},
    codes=reason_codes(Scheme.EMPLOYEE_PENSION),
)
def coverage_employee_pension(
    ctx: Context, on: Array, birth_date: Array, sex: Array, labour_relation: Array, other_work: Array
) -> Array:
    under_age, retired = age_flags(ctx, on, birth_date, sex)
    labour = np.asarray(labour_relation, dtype=bool)
    other = np.asarray(other_work, dtype=bool)
    reason = CoverageReason
    return np.select(
        [under_age, retired, labour, other],
        [
            reason.EMPLOYEE_PENSION_UNDER_AGE,
            reason.EMPLOYEE_PENSION_RETIREMENT_AGE,
            reason.EMPLOYEE_PENSION_LABOUR_RELATION,
            reason.EMPLOYEE_PENSION_FLEXIBLE,
        ],
        default=reason.EMPLOYEE_PENSION_NO_WORK,
    )


@formula(
    name="individual_account_interest",
    label="Interest credited to an employee-pension individual account for a year: the balance on 1 January x "
    "the year's credited rate, plus each contribution of the year x the rate x the months left in the year "
    "(the month credited counted: January 12 ... December 1) / 12",
    reference="Guo Fa [2005] No. 38; MOHRSS/MOF notices on the unified credited interest rate of the individual "
    "account (Ren She Bu Fa [2017] No. 31, and one Ren She Ting Fa notice of the rate each year)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "opening_balance": ("cents", "balance of the individual account on 1 January, in cents"),
        "contribution_months": (
            "int",
            "the year's contributions weighted by months left in the year: the sum of each amount in cents x "
            "(13 - the month it was credited), in cent-months",
        ),
    },
)
def individual_account_interest(ctx: Context, on: Array, opening_balance: Array, contribution_months: Array) -> Array:
    """``on`` is any day of the year credited (the rate is dated by the year it applies to). The
    monthly accumulation method: a contribution credited in month m earns (13 - m) / 12 of the year's
    rate; over twelve equal monthly contributions that is the 1.083 / 2 factor of the official formula."""
    rate = ctx.at("employee_pension.individual_account_interest_rate", on)
    weighted = np.asarray(contribution_months, dtype=np.float64) / 12
    result: Array = (np.asarray(opening_balance, dtype=np.float64) + weighted) * rate
    return result


@formula(
    name="flexible_pension_contribution",
    label="Flexible worker's employee-pension contribution: 20% of the base (kept within 60%-300%) x months, "
    "less any temporary reduction of the pooled part",
    reference=f"{LAW_SI} Art. 12(3); Guo Ban Fa [2019] No. 13",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=PERIOD,
)
def flexible_pension_contribution(ctx: Context, on: Array, region: Array, declared_base: Array, months: Array) -> Array:
    base = ctx.formula("contribution_base", on, region=region, declared_base=declared_base)
    rate = ctx.at("flexible.pension_rate", on)
    reduction = ctx.at("flexible.temporary_reduction.pension_pooled", on)
    pooled_rate = rate - ctx.at("flexible.individual_account_rate", on)
    effective = np.where(reduction > 0, rate - pooled_rate * reduction, rate)  # exactly 20% when none applies
    result: Array = base * effective * np.asarray(months, dtype=np.float64)
    return result


@formula(
    name="flexible_pension_individual_account",
    label="Part of the flexible worker's pension contribution credited to the individual account (8% of the base)",
    reference="Guo Fa [2005] No. 38; Social Insurance Law of the PRC Art. 14",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=PERIOD,
)
def flexible_pension_individual_account(
    ctx: Context, on: Array, region: Array, declared_base: Array, months: Array
) -> Array:
    base = ctx.formula("contribution_base", on, region=region, declared_base=declared_base)
    result: Array = base * ctx.at("flexible.individual_account_rate", on) * np.asarray(months, dtype=np.float64)
    return result
