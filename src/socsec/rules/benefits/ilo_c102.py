"""The ILO Convention 102 benchmark: whether a periodic benefit reaches the minimum share of the reference wage
for its branch (ILO Social Security (Minimum Standards) Convention, 1952 (No. 102), schedule to Part XI; a
benchmark: China has not ratified C102)."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from ..context import Context
from ..registry import Array, RuleViolation, formula
from .common import whole


class C102Check(IntEnum):
    """What ``ilo_c102_benchmark_check`` answers."""

    AT_OR_ABOVE_MINIMUM = 0
    BELOW_MINIMUM = 1


C102_CODES: dict[int, str] = {
    C102Check.AT_OR_ABOVE_MINIMUM: "at or above the ILO C102 minimum level",
    C102Check.BELOW_MINIMUM: "below the ILO C102 minimum level",
}


@formula(
    name="ilo_c102_benchmark_check",
    label="Whether a periodic benefit reaches the ILO C102 minimum share of the standard beneficiary's reference "
    "wage for its branch (a benchmark: China has not ratified C102)",
    reference="ILO Social Security (Minimum Standards) Convention, 1952 (No. 102), schedule to Part XI",
    unit="code",
    inputs={
        "benefit": ("cents", "the periodic benefit, in cents a month"),
        "reference_wage": ("cents", "the reference wage, in cents a month"),
        "branch": ("str", "OLD_AGE, INVALIDITY, SURVIVORS, EMPLOYMENT_INJURY_INCAPACITY, ... (see the parameter)"),
    },
    codes=C102_CODES,
)
def ilo_c102_benchmark_check(ctx: Context, on: Array, benefit: Array, reference_wage: Array, branch: Array) -> Array:
    level = ctx.by_key("benefits.ilo_c102.minimum_replacement_rate", branch, on)
    if np.isnan(level).any():
        raise RuleViolation(f"{np.asarray(branch)[np.isnan(level)][0]!r} is not a C102 branch")
    wage = whole(reference_wage, "reference wage", 1)
    reached = whole(benefit, "benefit", 0) >= wage * level - 1e-6
    return np.where(reached, C102Check.AT_OR_ABOVE_MINIMUM, C102Check.BELOW_MINIMUM)
