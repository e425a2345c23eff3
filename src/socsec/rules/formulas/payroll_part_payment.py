"""A part-paid month of employee basic pension contributions, divided between the employee's individual
account and the pooled fund (``payroll.pension.part_payment_account_first``: the law is silent on the
order; SocSec credits the individual account first, up to the employee's part)."""

from __future__ import annotations

import numpy as np

from ..context import Context
from ..coverage import LAW_SI
from ..registry import Array, RuleViolation, formula
from ..rounding import Rounding

ACCOUNT_FIRST = "payroll.pension.part_payment_account_first"


@formula(
    name="employee_pension_paid_to_account",
    label="Of a pension month paid (in full or in part), what goes to the employee's individual account: "
    "the individual account first, up to the employee's part (or the employee's share of the payment)",
    reference=f"{LAW_SI} Art. 12, Art. 60; {ACCOUNT_FIRST} (the order of a part payment: SocSec's rule)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "paid_cents": ("cents", "what the tax authority collected of the month's pension line, in cents"),
        "employer_cents": ("cents", "the employer's part due (16% of the base), in cents"),
        "employee_cents": ("cents", "the employee's part due (8% of the base), in cents"),
    },
)
def employee_pension_paid_to_account(
    ctx: Context, on: Array, paid_cents: Array, employer_cents: Array, employee_cents: Array
) -> Array:
    paid = np.asarray(paid_cents, dtype=np.int64)
    employer = np.asarray(employer_cents, dtype=np.int64)
    employee = np.asarray(employee_cents, dtype=np.int64)
    if (paid < 0).any() or (employer < 0).any() or (employee < 0).any():
        raise RuleViolation("an amount paid or due cannot be negative")
    due = employer + employee
    first = np.minimum(paid, employee)
    shared = np.where(due > 0, np.minimum(paid, due) * employee / np.maximum(due, 1), 0.0)
    result: Array = np.where(ctx.at(ACCOUNT_FIRST, on) == 1, first, shared).astype(np.float64)
    return result
