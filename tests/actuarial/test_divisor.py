"""The account divisor between the annex's whole ages: the actuarial model reads the rules' own formula
(``pension_account_divisor``: interpolated by months), for one career and for every cohort."""

from __future__ import annotations

import numpy as np

from socsec.actuarial.indicators import Career, career_pension
from socsec.actuarial.rule_values import retirement_ages_and_divisors
from socsec.actuarial.scenario import load_scenario
from socsec.rules.engine import compute


def test_a_career_ending_at_61_years_5_months_takes_the_rules_divisor():
    baseline = load_scenario("baseline.yaml")
    result = career_pension(
        baseline,
        Career(
            retirement_year=2055, career_years=30, retirement_age=61 + 5 / 12, wage_growth=0.0, account_interest=0.0
        ),
    )
    assert result.divisor == 1549 / 12  # 132 + (125 - 132) x 5/12, not row 61's 132
    rules = compute("pension_account_divisor", "2055-07-01", retirement_age_months=np.array([737]))
    assert result.divisor == float(rules[0])


def test_each_cohort_takes_the_harmonic_mean_of_its_birth_months_divisors():
    baseline = load_scenario("baseline.yaml")
    ages, divisors = retirement_ages_and_divisors(baseline, np.array([2026]))
    # men aged 61 in 2026 were born in 1965: 60 years and 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 months
    months = np.array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
    assert ages[0, 0, 61] == (720 + months).mean() / 12
    assert divisors[0, 0, 61] == 1.0 / (1.0 / ((12 * 139 + (132 - 139) * months) / 12)).mean()
