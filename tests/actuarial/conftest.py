"""Small scenarios written into a temporary folder, on top of the shipped baseline."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from socsec.actuarial.scenario import SCENARIO_DIR

Q = 0.01  # constant probability of dying, ages 0-109 (q(110) = 1 closes the table)
BIRTHS = 1_000_000.0  # births a year, half boys (sex ratio at birth 1)


def survivors() -> np.ndarray:
    q = np.full(111, Q)
    q[110] = 1.0
    return np.concatenate([[1.0], np.cumprod(1 - q[:-1])])


def write_age_csv(path: Path, male: np.ndarray, female: np.ndarray) -> Path:
    lines = ["age,male,female", *(f"{a},{float(male[a])!r},{float(female[a])!r}" for a in range(111))]
    path.write_text("\n".join(lines) + "\n")
    return path


STATIONARY = """
extends: {baseline}
name: Stationary
start_year: 2025
horizon_years: 40
population:
  base: population.csv
  mortality: mortality.csv
  mortality_improvement: 0
  fertility: fertility.csv
  fertility_after_data: hold_last_year
  fertility_scale: 1.0
  sex_ratio_at_birth: 1.0
  net_migration: 0
economy:
  average_wage: 100000
  wage_growth: 0
  return: 0
  account_interest_spread: 0
labour:
  employment_rate: {{0: 0, 20: 1}}
  wage_age_profile: 1
  female_relative_wage: 1
  forms:
    standard: {{share: 1, coverage: {coverage}, density: 1, relative_wage: 1, base: wage}}
    platform: {{share: 0, coverage: 0, density: 0, relative_wage: 1, base: floor}}
    self_employed: {{share: 0, coverage: 0, density: 0, relative_wage: 1, base: floor}}
initial:
  history: steady_state
  pensioner_share_of_retired: {pensioner_share}
  average_pension_ratio: 0.4
pension:
  initial_reserve: 0
  subsidy_share_of_expenditure: 0
  indexation_beyond_rules: 0
rules:
  retirement.men.max_delay_months: {{2025-01-01: 0}}
  retirement.women_55.max_delay_months: {{2025-01-01: 0}}
  retirement.women_55.base_age_months: {{1978-06-02: 720}}
  pension.individual_account_rate: {{2006-01-01: 0}}
  benefits.pension.indexation_rate: {{2025-01-01: 0}}
"""


@pytest.fixture
def stationary(tmp_path: Path) -> Callable[..., Path]:
    """A stationary population (constant births, q = 1% a year, NRR = 1), everyone employed as a
    standard employee from 20 to the retirement age 60, constant rules, no individual account, no
    growth, no return: the PAYG cost rate has a closed form."""

    def make(
        *, coverage: float = 1.0, pensioner_share: float = 1.0, mortality: np.ndarray | None = None, extra: str = ""
    ) -> Path:
        lx = survivors()
        pop = BIRTHS / 2 * lx
        write_age_csv(tmp_path / "population.csv", pop, pop)
        q = np.full(111, Q)
        q[110] = 1.0
        if mortality is not None:
            q = mortality
        write_age_csv(tmp_path / "mortality.csv", q, q)
        rate = 2.0 / lx[20:40].sum()  # births = sum f x women = 1,000,000 exactly in exact arithmetic
        rows = ["age,2025", *(f"{a},{float(rate) if 20 <= a < 40 else 0.0!r}" for a in range(111))]
        (tmp_path / "fertility.csv").write_text("\n".join(rows) + "\n")
        text = STATIONARY.format(
            baseline=SCENARIO_DIR / "baseline.yaml", coverage=coverage, pensioner_share=pensioner_share
        )
        path = tmp_path / "stationary.yaml"
        path.write_text(text + extra)
        return path

    return make
