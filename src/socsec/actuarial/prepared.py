"""A scenario prepared for projection: :class:`Prepared` holds, as arrays by year, everything that does
not vary between stochastic runs, including every value read from the rule parameters (``prepare.py``
builds it; ``projection.py`` runs the years). Shapes: runs R, years T, sexes 2 (male, female), ages
A = 111 (0-110, 110 open).

Per cohort (sex x age) the model keeps, per living member: pensioners K and pension in payment M; per
active (not yet retired) member: contribution years Y, sum of yearly base/average-wage ratios V,
ever-insured share H, individual account A and funded-tier account F. Mortality does not depend on
these, so per-member values survive unchanged and only shift one age a year. See the package docstring
for the simplifications this implies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .inputs import AGES, Array

AGE = np.arange(AGES, dtype=np.float64)


@dataclass
class Prepared:
    """A scenario as arrays by year; nothing here varies between stochastic runs."""

    name: str
    years: npt.NDArray[np.int64]
    pop0: Array  # (2, A) persons
    q_base: Array  # (2, A)
    improvement: Array  # (T,)
    fertility: Array  # (T, A) births per woman
    male_birth_share: Array  # (T,)
    migration: Array  # (T, 2, A) net migrants
    wage0: float
    wage_growth: Array  # (T,)
    returns: Array  # (T,)
    account_interest_spread: Array  # (T,) account interest minus return
    indexation: Array  # (T,) rules: benefits.pension.indexation_rate, else pension.indexation_beyond_rules
    retired: Array  # (T, 2, A) share of the cohort's person-years in retirement
    retirement_age: Array  # (T, 2, A) years
    divisor: Array  # (T, 2, A) months (rules: benefits.pension.account_divisor at the retirement age)
    new_pensioners: Array  # (T, 2, A) per cohort member
    nonentitled_retirees: Array  # (T, 2, A) insured retirees short of the minimum years, per member
    retiring: Array  # (T, 2, A) share of the cohort retiring this year, per member
    pensioners: Array  # (T, 2, A) per cohort member (K)
    basic_rel: Array  # (T, 2, A) basic pension of a new pensioner / average wage
    inv_insured: Array  # (T, 2, A) 1 / H (0 where H = 0)
    per_active: Array  # (T, k, 2, A) flows per active member, relative to the wage where money (see ROWS)
    initial_account: Array  # (2, A) account per active member / base-year average wage
    initial_pension: Array  # (2, A) pension per cohort member / base-year average wage
    tier_rate: Array  # (T,)
    ltc_prevalence: Array = field(default_factory=lambda: np.zeros((2, AGES)))  # (2, A)
    has_migration: bool = False
    initial_state: dict[str, Array] = field(default_factory=dict)  # per member at the start (see records_state)
    weights: Array | None = None  # cache of the projection's weights (projection.py)
    scalars: dict[str, Array] = field(default_factory=dict)  # (T,) per-year fund assumptions
    reserves0: dict[str, float] = field(default_factory=dict)
    stochastic: dict[str, Array] = field(default_factory=dict)  # sd, persistence (4,), correlation (4, 4)
    seed: int = 0


# rows of Prepared.per_active: per active member-year (multiply by P x (1 - retired))
ROWS = (
    "contributors",  # persons contributing to the pension
    "insurable",  # pension contribution base / W
    "pension_contrib",  # pension contributions / W
    "account_credit",  # individual account credits / W
    "std_contributors",  # covered standard employees (unemployment, LTC)
    "std_insurable",  # their base / W
    "platform_workers",  # persons in platform work
    "employed",
)
