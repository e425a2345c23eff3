"""A scenario turned into arrays by year (:func:`prepare`): population, economy, the rules' rates and
ages, labour by employment form (coverage, density, contribution base), the deterministic cohort
recursion (contribution years, wage ratios, insured share, pensioners) and the funds' assumptions."""

from __future__ import annotations

import numpy as np

from .funds import fund_assumptions
from .inputs import AGES, Array, read_age_table, read_year_table, resolve
from .prepared import AGE, ROWS, Prepared
from .records import records_state
from .rule_values import pension_indexation, retirement_ages_and_divisors, rule_by_year
from .scenario import FORMS, Scenario
from .stochastic import read_stochastic


def prepare(scenario: Scenario) -> Prepared:
    root = scenario.root
    years = scenario.years()
    T = len(years)
    base = scenario.base_dir

    # --- population -------------------------------------------------------------------------------
    popsec = root.section("population")
    pop0 = read_age_table(resolve(base, str(popsec.raw("base"))))
    q_base = read_age_table(resolve(base, str(popsec.raw("mortality"))), high=1.0)
    improvement = popsec.series("mortality_improvement", years, low=-0.1, high=0.2)
    hold = (
        popsec.has("fertility_after_data")
        and popsec.text("fertility_after_data", ("hold_last_year", "error")) == "hold_last_year"
    )
    fert_file = resolve(base, str(popsec.raw("fertility")))
    fertility = read_year_table(fert_file, years, hold_after=hold, field="population.fertility", high=1.0)
    fertility = fertility * popsec.series("fertility_scale", years)[:, None]
    srb = popsec.series("sex_ratio_at_birth", years, low=0.5, high=2.0)
    migration = np.zeros((T, 2, AGES))
    if popsec.has("net_migration") and popsec.raw("net_migration") != 0:
        table = read_age_table(resolve(base, str(popsec.raw("net_migration"))), low=-1e12)
        migration = table[None] * popsec.series("net_migration_scale", years, low=None)[:, None, None]

    # --- economy ----------------------------------------------------------------------------------
    eco = root.section("economy")
    wage0 = eco.number("average_wage", low=0.0)
    wage_growth = eco.series("wage_growth", years, low=-0.5, high=1.0)
    returns = eco.series("return", years, low=-0.9, high=1.0)
    spread = (
        eco.series("account_interest_spread", years, low=-0.5, high=0.5)
        if eco.has("account_interest_spread")
        else np.zeros(T)
    )

    # --- rules ------------------------------------------------------------------------------------
    rate_std = rule_by_year(scenario, "pension.employer_rate", years) + rule_by_year(
        scenario, "pension.employee_rate", years
    )
    ia_std = rule_by_year(scenario, "pension.individual_account_rate", years)
    rate_flex = rule_by_year(scenario, "flexible.pension_rate", years)
    ia_flex = rule_by_year(scenario, "flexible.individual_account_rate", years)
    floor = rule_by_year(scenario, "contribution.base_floor_ratio", years)
    ceiling = rule_by_year(scenario, "contribution.base_ceiling_ratio", years)
    accrual = rule_by_year(scenario, "benefits.pension.basic_pension_rate_per_year", years)
    min_years = rule_by_year(scenario, "benefits.pension.minimum_contribution_months", years) / 12.0
    indexation = pension_indexation(scenario, years)

    prev_years = np.concatenate([[years[0] - 1], years])
    ages_all, divisors_all = retirement_ages_and_divisors(scenario, prev_years)  # (T + 1, 2, A) each
    retired_all = np.clip(AGE + 1.0 - ages_all, 0.0, 1.0)
    retired = np.empty((T, 2, AGES))
    retired_before = np.zeros((T, 2, AGES))  # the cohort's share a year earlier (age - 1)
    for t in range(T):
        retired_before[t, :, 1:] = retired_all[t, :, :-1] if t == 0 else retired[t - 1, :, :-1]
        retired[t] = np.maximum(retired_all[t + 1], retired_before[t])  # once retired, stays retired
    retiring = retired - retired_before
    retirement_age = ages_all[1:]
    divisor = divisors_all[1:]  # the rules' pension_account_divisor at each cohort's retirement age

    # --- labour -----------------------------------------------------------------------------------
    lab = root.section("labour")
    employment = lab.by_age("employment_rate", base, high=1.0)
    profile = lab.by_age("wage_age_profile", base, high=50.0)
    female_wage = lab.number("female_relative_wage", high=10.0)
    profile = profile * np.array([1.0, female_wage])[:, None]
    forms = lab.section("forms")
    per_active = np.zeros((T, len(ROWS), 2, AGES))
    share_total = np.zeros(T)
    cov_share = np.zeros((T, 2, AGES))
    years_per = np.zeros((T, 2, AGES))
    ratio_years = np.zeros((T, 2, AGES))
    for f in FORMS:
        sec = forms.section(f)
        share = sec.series("share", years, high=1.0)
        share_total += share
        cov = sec.series("coverage", years, high=1.0)
        dens = sec.series("density", years, high=1.0)
        rel = sec.number("relative_wage", high=50.0)
        how = sec.text("base", ("wage", "floor"))
        wage_ratio = rel * profile[None] * np.ones((T, 1, 1))
        base_ratio = (
            np.clip(wage_ratio, floor[:, None, None], ceiling[:, None, None])
            if how == "wage"
            else np.broadcast_to(floor[:, None, None], (T, 2, AGES)).copy()
        )
        rate = rate_std if f == "standard" else rate_flex
        ia = ia_std if f == "standard" else ia_flex
        persons = employment[None] * share[:, None, None]
        contributors = persons * cov[:, None, None]
        cy = contributors * dens[:, None, None]
        per_active[:, 0] += contributors
        per_active[:, 1] += cy * base_ratio
        per_active[:, 2] += cy * base_ratio * rate[:, None, None]
        per_active[:, 3] += cy * base_ratio * ia[:, None, None]
        per_active[:, 7] += persons
        cov_share += contributors
        years_per += cy
        ratio_years += cy * base_ratio
        if f == "standard":
            per_active[:, 4] += contributors
            per_active[:, 5] += cy * base_ratio
        if f == "platform":
            per_active[:, 6] += persons
    if (share_total > 1.0 + 1e-12).any():
        year = int(years[np.flatnonzero(share_total > 1.0 + 1e-12)[0]])
        raise forms.error("standard", f"the shares of the employment forms add up to more than 1 in {year}")

    # --- deterministic cohort recursion: years, wage ratios, insured share, pensioners ------------
    init = root.section("initial")
    history = init.text("history", ("steady_state", "records", "none"))
    Y = np.zeros((2, AGES))
    V = np.zeros((2, AGES))
    H = np.zeros((2, AGES))
    acc0 = np.zeros((2, AGES))
    if history == "records":  # the insured persons themselves (registry and contribution records)
        state = records_state(init, base, pop0, retired_before[0], wage0)
        Y, V, H, acc0, K, pension0 = (
            state[k] for k in ("years", "index_years", "insured", "account", "pensioners", "pension")
        )
    else:
        pension_share0 = init.number("pensioner_share_of_retired", high=1.0)
        pension_ratio0 = init.number("average_pension_ratio", high=10.0)
        K = retired_before[0] * pension_share0
        pension0 = K * pension_ratio0
    if history == "steady_state":  # careers so far under the base year's labour market and rules
        r0, g0 = returns[0] + spread[0], wage_growth[0]
        for a in range(1, AGES):
            Y[:, a] = Y[:, a - 1] + years_per[0, :, a - 1]
            V[:, a] = V[:, a - 1] + ratio_years[0, :, a - 1]
            H[:, a] = np.maximum(H[:, a - 1], cov_share[0, :, a - 1])
            acc0[:, a] = (acc0[:, a - 1] * (1 + r0) + per_active[0, 3, :, a - 1]) / (1 + g0)
    initial_state = {"years": Y.copy(), "index_years": V.copy(), "insured": H.copy(), "pensioners": K.copy()}
    new_pensioners = np.zeros((T, 2, AGES))
    nonentitled = np.zeros((T, 2, AGES))
    pensioners = np.zeros((T, 2, AGES))
    basic_rel = np.zeros((T, 2, AGES))
    inv_insured = np.zeros((T, 2, AGES))
    for t in range(T):
        with np.errstate(divide="ignore", invalid="ignore"):
            insured_years = np.where(H > 0, Y / np.where(H > 0, H, 1.0), 0.0)
            entitled = H * np.minimum(1.0, insured_years / min_years[t])
            index = np.where(Y > 0, V / np.where(Y > 0, Y, 1.0), 0.0)
        new_pensioners[t] = retiring[t] * entitled
        nonentitled[t] = retiring[t] * (H - entitled)
        basic_rel[t] = (1.0 + index) / 2.0 * insured_years * accrual[t]
        inv_insured[t] = np.where(H > 0, 1.0 / np.where(H > 0, H, 1.0), 0.0)
        K = K + new_pensioners[t]
        pensioners[t] = K
        Y = Y + years_per[t]
        V = V + ratio_years[t]
        H = np.maximum(H, cov_share[t])
        K, Y, V, H = (_shift_plain(x) for x in (K, Y, V, H))

    # --- funds --------------------------------------------------------------------------------------
    scalars, reserves0, prevalence, tier_rate = fund_assumptions(scenario, years, wage_growth)

    prepared = Prepared(
        name=scenario.name,
        years=years,
        pop0=pop0,
        q_base=q_base,
        improvement=improvement,
        fertility=fertility,
        male_birth_share=srb / (1.0 + srb),
        migration=migration,
        wage0=wage0,
        wage_growth=wage_growth,
        returns=returns,
        account_interest_spread=spread,
        indexation=indexation,
        retired=retired,
        retirement_age=retirement_age,
        divisor=divisor,
        new_pensioners=new_pensioners,
        nonentitled_retirees=nonentitled,
        retiring=retiring,
        pensioners=pensioners,
        basic_rel=basic_rel,
        inv_insured=inv_insured,
        per_active=per_active,
        initial_account=acc0,
        initial_pension=pension0,
        tier_rate=tier_rate,
        scalars=scalars,
        reserves0=reserves0,
    )
    prepared.ltc_prevalence = prevalence
    prepared.has_migration = bool((migration != 0).any())
    prepared.initial_state = initial_state
    read_stochastic(root, prepared)
    return prepared


def _shift_plain(x: Array) -> Array:
    """One age on: age a moves to a + 1; the open group 110 keeps the value of age 109 arriving."""
    out = np.empty_like(x)
    out[..., 1:] = x[..., :-1]
    out[..., 0] = 0.0
    return out
