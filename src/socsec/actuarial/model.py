"""The cohort-component projection and the four funds, vectorised over (runs, sex, age).

``prepare(scenario)`` turns a scenario into arrays by year (everything that does not vary between
stochastic runs, including every value read from the rule parameters); ``project(prepared, shocks)``
runs the years. Shapes: runs R, years T, sexes 2 (male, female), ages A = 111 (0-110, 110 open).

Per cohort (sex x age) the model keeps, per living member: pensioners K and pension in payment M; per
active (not yet retired) member: contribution years Y, sum of yearly base/average-wage ratios V,
ever-insured share H, individual account A and funded-tier account F. Mortality does not depend on
these, so per-member values survive unchanged and only shift one age a year. See the package docstring
for the simplifications this implies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from socsec.rules.engine import compute
from socsec.rules.parameters import ParameterError

from .inputs import AGES, InputError, Section, cell, csv_rows, read_age_table, read_year_table, resolve
from .scenario import FORMS, STOCHASTIC_VARIABLES, Scenario

Array = npt.NDArray[np.float64]
FUNDS = ("pension", "injury", "unemployment", "long_term_care", "funded_tier")
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
    weights: Array | None = None  # cache of _weights()
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


def _dates(years: npt.NDArray[np.int64]) -> npt.NDArray[np.datetime64]:
    return np.array([np.datetime64(f"{y}-07-01", "D") for y in years])


def rule_by_year(scenario: Scenario, path: str, years: npt.NDArray[np.int64]) -> Array:
    """A rule parameter's value on 1 July of each year; missing values are refused."""
    try:
        values = scenario.params.leaf(path).at(_dates(years))
    except ParameterError as exc:
        raise InputError(f"rule parameter missing ({exc})", file=scenario.file, field=f"rules.{path}") from None
    if np.isnan(values).any():
        year = int(years[np.flatnonzero(np.isnan(values))[0]])
        raise InputError(f"rule parameter {path} has no value in {year}", file=scenario.file, field=f"rules.{path}")
    return values


DIVISOR = "benefits.pension.account_divisor"
INDEXATION = "benefits.pension.indexation_rate"
INDEXATION_ASSUMPTION = "indexation_beyond_rules"  # in the scenario's ``pension:`` section


def _divisor_table(scenario: Scenario, years: npt.NDArray[np.int64]) -> tuple[Array, Array]:
    try:
        node = scenario.params.node(DIVISOR)
    except ParameterError as exc:
        raise InputError(f"rule parameter missing ({exc})", file=scenario.file, field=f"rules.{DIVISOR}") from None
    ages = np.array(sorted(int(k) for k in node.children), dtype=np.float64)
    table = np.stack([rule_by_year(scenario, f"{DIVISOR}.{int(a)}", years) for a in ages], axis=1)
    return ages, table  # (n,), (T, n)


def pension_indexation(scenario: Scenario, years: npt.NDArray[np.int64]) -> Array:
    """Yearly increase of pensions in payment: the rules' rate (``benefits.pension.indexation_rate``, set
    by the yearly notices) where the rules have one, else the scenario's ASSUMPTION
    ``pension.indexation_beyond_rules`` (a year series) - the rules hold no value for years not decided."""
    try:
        enacted = scenario.params.leaf(INDEXATION).at(_dates(years))
    except ParameterError as exc:
        raise InputError(f"rule parameter missing ({exc})", file=scenario.file, field=f"rules.{INDEXATION}") from None
    undecided = np.isnan(enacted)
    if not undecided.any():
        return enacted
    pen = scenario.root.section("pension")
    if not pen.has(INDEXATION_ASSUMPTION):
        year = int(years[np.flatnonzero(undecided)[0]])
        raise pen.error(
            INDEXATION_ASSUMPTION,
            f"rule parameter {INDEXATION} has no value in {year}: an assumption is needed (required)",
        )
    assumed = pen.series(INDEXATION_ASSUMPTION, years, low=-0.5, high=1.0)
    result: Array = np.where(undecided, assumed, enacted)
    return result


def retirement_ages(scenario: Scenario, years: npt.NDArray[np.int64]) -> Array:
    """Statutory retirement age in years by (year, sex, age): the rules' formula for each of the 12 birth
    months of the cohort born in ``year - age``, evaluated on 1 July of ``year``, averaged."""
    t, s, a, m = np.meshgrid(np.arange(len(years)), np.arange(2), np.arange(AGES), np.arange(12), indexing="ij")
    cohort = years[t] - a
    birth = (np.datetime64("1970-01", "M") + (cohort - 1970) * 12 + m).astype("datetime64[D]")
    on = _dates(years)[t]
    sex = np.where(s == 0, "M", "F")
    try:
        months = compute(
            "statutory_retirement_age_months",
            on=on.ravel(),
            params=scenario.params,
            birth_date=birth.ravel(),
            sex=sex.ravel(),
        ).astype(np.float64)
    except (ParameterError, ValueError) as exc:
        raise InputError(f"retirement age: {exc}", file=scenario.file, field="rules.retirement") from None
    out: Array = months.reshape(t.shape).mean(axis=3) / 12.0
    return out


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
    ages_all = retirement_ages(scenario, prev_years)  # (T + 1, 2, A)
    retired_all = np.clip(AGE + 1.0 - ages_all, 0.0, 1.0)
    retired = np.empty((T, 2, AGES))
    retired_before = np.zeros((T, 2, AGES))  # the cohort's share a year earlier (age - 1)
    for t in range(T):
        retired_before[t, :, 1:] = retired_all[t, :, :-1] if t == 0 else retired[t - 1, :, :-1]
        retired[t] = np.maximum(retired_all[t + 1], retired_before[t])  # once retired, stays retired
    retiring = retired - retired_before
    retirement_age = ages_all[1:]
    div_ages, div_table = _divisor_table(scenario, years)
    divisor = np.stack([np.interp(retirement_age[t], div_ages, div_table[t]) for t in range(T)])

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
    scalars: dict[str, Array] = {}
    reserves0: dict[str, float] = {}
    pen = root.section("pension")
    reserves0["pension"] = pen.number("initial_reserve", low=None)
    scalars["pension_subsidy"] = pen.series("subsidy_share_of_expenditure", years, high=10.0)

    inj = root.section("occupational_injury")
    reserves0["injury"] = inj.number("initial_reserve", low=None)
    scalars["injury_subsidy"] = inj.series("subsidy_share_of_expenditure", years, high=10.0)
    rollout = rule_by_year(scenario, "oip.pilot.all_provinces", years) > 0
    scalars["injury_share"] = np.where(
        rollout, inj.series("share_after_rollout", years, high=1.0), inj.series("share_in_pilot", years, high=1.0)
    )
    mix = inj.section("sector_mix")
    per_order = np.zeros(T)
    for sector in mix.data:
        weight = mix.number(sector, high=1.0)
        per_order += weight * rule_by_year(scenario, f"oip.per_order_amount.{sector}", years)
    if inj.text("per_order_indexed_to_wages", ("yes", "no")) == "yes":
        per_order = per_order * _wage_index(wage_growth)
    scalars["injury_income_per_worker"] = per_order * inj.series("orders_per_worker", years)
    grades = inj.section("grade_distribution")
    base_ratio_oip = rule_by_year(scenario, "benefits.oip.benefit_base_ratio", years)
    allowance_years = inj.number("allowance_years", high=100.0)
    months = np.full(T, inj.number("other_cost_months", high=1000.0))
    for grade in grades.data:
        p = grades.number(grade, high=1.0)
        lump = rule_by_year(scenario, f"benefits.oip.disability_grant_months.{grade}", years)
        allowance = np.zeros(T)
        if grade in scenario.params.node("benefits.oip.disability_allowance_ratio").children:
            allowance = rule_by_year(scenario, f"benefits.oip.disability_allowance_ratio.{grade}", years)
        months += p * (lump + 12.0 * allowance * allowance_years)
    scalars["injury_incidence"] = inj.series("incidence", years, high=1.0)
    scalars["injury_cost_rel"] = scalars["injury_incidence"] * months * base_ratio_oip / 12.0

    un = root.section("unemployment")
    reserves0["unemployment"] = un.number("initial_reserve", low=None)
    scalars["unemployment_subsidy"] = un.series("subsidy_share_of_expenditure", years, high=10.0)
    scalars["unemployment_rate"] = rule_by_year(scenario, "unemployment.contribution_rate", years)
    duration = np.minimum(
        un.series("duration_months", years, high=1000.0),
        rule_by_year(scenario, "benefits.unemployment.max_duration_months", years),
    )
    scalars["unemployment_incidence"] = un.series("incidence", years, high=1.0)
    scalars["unemployment_cost_rel"] = (
        un.series("incidence", years, high=1.0) * duration * un.series("benefit_ratio", years, high=10.0) / 12.0
    )

    ltc = root.section("long_term_care")
    reserves0["long_term_care"] = ltc.number("initial_reserve", low=None)
    scalars["long_term_care_subsidy"] = ltc.series("subsidy_share_of_expenditure", years, high=10.0)
    scalars["long_term_care_rate"] = ltc.series("contribution_rate", years, high=1.0)
    scalars["long_term_care_coverage"] = ltc.series("coverage_share", years, high=1.0)
    scalars["long_term_care_benefit"] = ltc.series("benefit_ratio", years, high=10.0)
    prevalence = ltc.by_age("incapacity_prevalence", base, high=1.0)

    tier = root.section("funded_tier")
    reserves0["funded_tier"] = tier.number("initial_reserve", low=None)
    tier_rate = tier.series("contribution_rate", years, high=1.0)

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
    _stochastic(root, prepared)
    return prepared


RECORD_COLUMNS = ("sex", "age", "status", "contribution_years", "average_index", "account_balance", "pension")


def records_state(init: Section, base: Path, pop0: Array, retired0: Array, wage0: float) -> dict[str, Array]:
    """The starting state from the insured persons' records instead of a modelled history.

    ``initial.records`` is a CSV with one row per insured person (or per group: ``initial.records_weight``
    persons a row), as exported from the registry and the contribution records: ``sex`` (male/female),
    ``age`` in the start year, ``status`` (active or pensioner), ``contribution_years``, ``average_index``
    (average of contribution base / average wage), ``account_balance`` (yuan) and ``pension`` (yuan a year,
    pensioners). Per cohort they become the model's per-member averages: active members' years, index-years,
    insured share and account (over the cohort's persons not retired at the start), pensioners and pension
    in payment (over all its persons). A cohort with more insured persons than people is refused."""
    path = resolve(base, str(init.raw("records")))
    weight = init.number("records_weight") if init.has("records_weight") else 1.0
    header, rows = csv_rows(path)
    missing = [c for c in RECORD_COLUMNS if c not in header]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=path, line=1, field=missing[0])
    col = {c: header.index(c) for c in RECORD_COLUMNS}
    sums = {k: np.zeros((2, AGES)) for k in ("active", "years", "index_years", "account", "pensioners", "pension")}
    for line, row in rows:
        if len(row) != len(header):
            raise InputError(f"{len(row)} columns, the header has {len(header)}", file=path, line=line)
        sex = row[col["sex"]].strip()
        if sex not in ("male", "female"):
            raise InputError(f"{sex!r} is not male or female", file=path, line=line, field="sex")
        age = cell(path, line, "age", row[col["age"]], 0.0, AGES - 1.0)
        if age != int(age):
            raise InputError(f"{age} is not a whole age", file=path, line=line, field="age")
        status = row[col["status"]].strip()
        if status not in ("active", "pensioner"):
            raise InputError(f"{status!r} is not active or pensioner", file=path, line=line, field="status")
        s, a = (0 if sex == "male" else 1), int(age)
        if status == "active":
            years_ = cell(path, line, "contribution_years", row[col["contribution_years"]], 0.0, float(AGES))
            index = cell(path, line, "average_index", row[col["average_index"]], 0.0, 50.0)
            sums["active"][s, a] += weight
            sums["years"][s, a] += weight * years_
            sums["index_years"][s, a] += weight * years_ * index
            sums["account"][s, a] += weight * cell(
                path, line, "account_balance", row[col["account_balance"]], 0.0, None
            )
        else:
            sums["pensioners"][s, a] += weight
            sums["pension"][s, a] += weight * cell(path, line, "pension", row[col["pension"]], 0.0, None)
    active_people = pop0 * (1.0 - retired0)
    for key, people in (("active", active_people), ("pensioners", pop0)):
        over = sums[key] > people * (1.0 + 1e-9)
        if over.any():
            s, a = (int(i[0]) for i in np.nonzero(over))
            raise InputError(
                f"{sums[key][s, a]:,.0f} {key} {('men', 'women')[s]} aged {a} in the records, more than the "
                f"{people[s, a]:,.0f} people of that age and sex in the base population",
                file=path,
                field="initial.records",
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        per_active = {
            k: np.where(active_people > 0, sums[k] / active_people, 0.0)
            for k in ("active", "years", "index_years", "account")
        }
        per_person = {k: np.where(pop0 > 0, sums[k] / pop0, 0.0) for k in ("pensioners", "pension")}
    return {
        "years": per_active["years"],
        "index_years": per_active["index_years"],
        "insured": per_active["active"],
        "account": per_active["account"] / wage0,
        "pensioners": per_person["pensioners"],
        "pension": per_person["pension"] / wage0,
    }


def _wage_index(growth: Array) -> Array:
    index = np.ones_like(growth)
    index[1:] = np.cumprod(1.0 + growth[1:])
    return index


def _stochastic(root: Section, prepared: Prepared) -> None:
    if not root.has("stochastic"):
        prepared.stochastic = {"sd": np.zeros(4), "persistence": np.zeros(4), "correlation": np.eye(4)}
        return
    sto = root.section("stochastic")
    sds, phis = np.zeros(4), np.zeros(4)
    variables = sto.section("variables")
    for i, name in enumerate(STOCHASTIC_VARIABLES):
        var = variables.section(name)
        sds[i] = var.number("sd", high=1.0)
        phis[i] = var.number("persistence", high=0.999)
    corr = np.asarray(sto.raw("correlation"), dtype=np.float64)
    if corr.shape != (4, 4) or not np.allclose(corr, corr.T) or not np.allclose(np.diag(corr), 1.0):
        raise sto.error(
            "correlation",
            "expected a symmetric 4 x 4 matrix with ones on the diagonal, in the order "
            + ", ".join(STOCHASTIC_VARIABLES),
        )
    if (np.abs(corr) > 1).any():
        raise sto.error("correlation", "a correlation above 1 in absolute value")
    try:
        np.linalg.cholesky(corr)
    except np.linalg.LinAlgError:
        raise sto.error("correlation", "not positive definite (no Cholesky factor)") from None
    prepared.stochastic = {"sd": sds, "persistence": phis, "correlation": corr}
    prepared.seed = int(sto.number("seed")) if sto.has("seed") else 0


def _shift_plain(x: Array) -> Array:
    """One age on: age a moves to a + 1; the open group 110 keeps the value of age 109 arriving."""
    out = np.empty_like(x)
    out[..., 1:] = x[..., :-1]
    out[..., 0] = 0.0
    return out


def shocks(prepared: Prepared, runs: int) -> Array:
    """Correlated AR(1) deviations (runs, T, 4) in the order of STOCHASTIC_VARIABLES: standard normal
    draws correlated by the Cholesky factor of the correlation matrix, then x_t = phi x_(t-1) +
    sqrt(1 - phi^2) sd z_t (stationary standard deviation sd). Zero for ``runs == 0``."""
    T = len(prepared.years)
    if runs <= 0:
        return np.zeros((1, T, 4))
    sto = prepared.stochastic
    rng = np.random.default_rng(prepared.seed)
    z = rng.standard_normal((runs, T, 4)) @ np.linalg.cholesky(sto["correlation"]).T
    phi, sd = sto["persistence"], sto["sd"]
    x = np.empty_like(z)
    x[:, 0] = sd * z[:, 0]
    scale = np.sqrt(1.0 - phi**2) * sd
    for t in range(1, T):
        x[:, t] = phi * x[:, t - 1] + scale * z[:, t]
    return x


@dataclass
class Projection:
    """Results by year; each array is (R, T) (one row per run; R = 1 when deterministic), reserves (R, T + 1)."""

    name: str
    years: npt.NDArray[np.int64]
    series: dict[str, Array]
    new_pensioners: Array | None = None  # (T, 2, A) persons, first run only
    new_pension_rel: Array | None = None  # (T, 2, A) their pensions / average wage, summed
    population: Array | None = None  # (T + 1, 2, A) first run


def _weights(p: Prepared) -> Array:
    """(T, len(WEIGHTS), 2 x A): deterministic weights multiplied into the population (or the population
    x account) once a year by one matrix product, computed once per prepared scenario."""
    if p.weights is not None:
        return p.weights
    T = len(p.years)
    active = 1.0 - p.retired  # (T, 2, A)
    ones = np.ones((T, 2, AGES))
    mask_15_64 = ones * ((AGE >= 15) & (AGE < 65))
    mask_65 = ones * (AGE >= 65)
    fertility = np.zeros((T, 2, AGES))
    fertility[:, 1] = p.fertility
    q_open = np.broadcast_to(p.q_base, (T, 2, AGES)).copy()
    q_open[:, :, -1] = 0.0
    q_closing = np.zeros((T, 2, AGES))
    q_closing[:, :, -1] = p.q_base[:, -1]
    rows = [p.per_active[:, i] * active for i in range(len(ROWS))]
    rows += [
        p.pensioners,
        p.pensioners * p.ltc_prevalence,
        p.per_active[:, 4] * active * p.ltc_prevalence,
        ones,
        mask_15_64,
        mask_65,
        fertility,
        q_open,
        q_closing,
        p.nonentitled_retirees * p.inv_insured,
        active,
        q_open * active,
    ]
    p.weights = np.stack(rows, axis=1).reshape(T, len(rows), 2 * AGES)
    return p.weights


# rows of _weights() after ROWS
W_PENSIONERS, W_PENS_DEPENDENT, W_EMPL_DEPENDENT, W_ONES, W_15_64, W_65, W_FERT, W_Q_OPEN, W_Q_CLOSING = range(
    len(ROWS), len(ROWS) + 9
)
W_REFUND, W_ACTIVE, W_Q_ACTIVE = range(len(ROWS) + 9, len(ROWS) + 12)
N_POP_ROWS = W_Q_CLOSING + 1


def project(prepared: Prepared, x: Array | None = None, *, keep_detail: bool = True) -> Projection:
    """Run the projection. ``x`` (runs, T, 4) are deviations from shocks(); None is deterministic."""
    p = prepared
    T = len(p.years)
    if x is None:
        x = np.zeros((1, T, 4))
    R = x.shape[0]
    weights = _weights(p)
    improvement = p.improvement[None, :] + x[:, :, 0]  # (R, T)
    fert_mult = np.exp(x[:, :, 1])
    growth = p.wage_growth[None, :] + x[:, :, 2]
    returns = p.returns[None, :] + x[:, :, 3]
    wage = p.wage0 * np.concatenate([np.ones((R, 1)), np.cumprod(1.0 + growth[:, 1:], axis=1)], axis=1)
    interest = returns + p.account_interest_spread[None, :]
    mortality = np.concatenate([np.ones((R, 1)), np.cumprod(1.0 - improvement[:, :-1], axis=1)], axis=1)
    new_basic = p.new_pensioners * p.basic_rel  # (T, 2, A) per member / average wage
    new_account = p.new_pensioners * 12.0 * p.inv_insured / p.divisor  # x account per active member
    tier_credit = p.per_active[:, 1] * p.tier_rate[:, None, None]

    P = np.broadcast_to(p.pop0, (R, 2, AGES)).copy()
    acc = np.broadcast_to(p.initial_account * p.wage0, (R, 2, AGES)).copy()
    tier = np.zeros((R, 2, AGES))
    pension = np.broadcast_to(p.initial_pension * p.wage0, (R, 2, AGES)).copy()
    tier_pension = np.zeros((R, 2, AGES))
    closing = p.q_base[:, -1:]
    tier_on = bool((p.tier_rate > 0).any())
    s = p.scalars
    flat = (R, 2 * AGES)

    names = (
        "population", "pop_15_64", "pop_65_plus", "births", "deaths", "employed", "contributors", "pensioners",
        "insurable_earnings", "average_wage", "platform_workers", "pension_benefits", "pension_refunds",
        "pension_account_balance", "injury_beneficiaries", "unemployment_beneficiaries",
        "long_term_care_beneficiaries",
    )  # fmt: skip
    out = {k: np.zeros((R, T)) for k in names}
    for f in FUNDS:
        for k in ("contributions", "subsidy", "investment", "income", "expenditure"):
            out[f"{f}_{k}"] = np.zeros((R, T))
        out[f"{f}_reserve"] = np.zeros((R, T + 1))
        out[f"{f}_reserve"][:, 0] = p.reserves0[f]
    out["return"] = returns.copy()
    out["average_wage"] = wage
    new_count = np.zeros((T, 2, AGES)) if keep_detail else None
    new_amount = np.zeros((T, 2, AGES)) if keep_detail else None
    population = np.zeros((T + 1, 2, AGES)) if keep_detail else None

    for t in range(T):
        W = wage[:, t]
        Wc = W[:, None, None]
        if population is not None:
            population[t] = P[0]
        per = P.reshape(flat) @ weights[t, :N_POP_ROWS].T  # (R, rows): every flow that is linear in P
        # pensions: new pensioners this year (basic + account / divisor), indexation of those in payment
        refunds_retire = (P * acc).reshape(flat) @ weights[t, W_REFUND]
        if new_count is not None and new_amount is not None:
            new_count[t] = P[0] * p.new_pensioners[t]
            new_amount[t] = P[0] * (new_basic[t] + acc[0] * new_account[t] / W[0])
        pension *= 1.0 + p.indexation[t]
        pension += Wc * new_basic[t]
        pension += acc * new_account[t]
        benefits = np.einsum("ij,ij->i", P.reshape(flat), pension.reshape(flat))
        # accounts: interest on the opening balance, this year's credits at the end
        acc *= 1.0 + interest[:, t, None, None]
        acc += Wc * p.per_active[t, 3]
        q = p.q_base * mortality[:, t, None, None]
        q[:, :, -1:] = closing
        deaths = P * q
        pa = (P * acc).reshape(flat) @ weights[t, W_ACTIVE : W_Q_ACTIVE + 1].T  # balances; x q (before scaling)
        refunds_death = pa[:, 1] * mortality[:, t]
        if tier_on:
            tier_refunds = (P * tier).reshape(flat) @ weights[t, W_REFUND]
            new_tier = tier * new_account[t]
            tier_pension += new_tier
            if new_amount is not None:
                new_amount[t] += P[0] * new_tier[0] / W[0]
            tier *= 1.0 + interest[:, t, None, None]
            tier += Wc * tier_credit[t]
            tier_refunds += ((P * tier).reshape(flat) @ weights[t, W_Q_ACTIVE]) * mortality[:, t]
            out["funded_tier_expenditure"][:, t] = (
                np.einsum("ij,ij->i", P.reshape(flat), tier_pension.reshape(flat)) + tier_refunds
            )
            out["funded_tier_contributions"][:, t] = W * per[:, 1] * p.tier_rate[t]
        births = per[:, W_FERT] * fert_mult[:, t]

        out["population"][:, t] = per[:, W_ONES]
        out["pop_15_64"][:, t] = per[:, W_15_64]
        out["pop_65_plus"][:, t] = per[:, W_65]
        out["births"][:, t] = births
        out["deaths"][:, t] = per[:, W_Q_OPEN] * mortality[:, t] + per[:, W_Q_CLOSING]
        out["employed"][:, t] = per[:, 7]
        out["contributors"][:, t] = per[:, 0]
        out["pensioners"][:, t] = per[:, W_PENSIONERS]
        out["insurable_earnings"][:, t] = W * per[:, 1]
        out["pension_contributions"][:, t] = W * per[:, 2]
        out["pension_benefits"][:, t] = benefits
        out["pension_refunds"][:, t] = refunds_retire + refunds_death
        out["pension_expenditure"][:, t] = benefits + (refunds_retire + refunds_death)
        out["pension_account_balance"][:, t] = pa[:, 0]
        workers = per[:, 6] * s["injury_share"][t]
        out["platform_workers"][:, t] = per[:, 6]
        out["injury_contributions"][:, t] = workers * s["injury_income_per_worker"][t]
        out["injury_expenditure"][:, t] = workers * s["injury_cost_rel"][t] * W
        out["injury_beneficiaries"][:, t] = workers * s["injury_incidence"][t]
        out["unemployment_contributions"][:, t] = W * per[:, 5] * s["unemployment_rate"][t]
        out["unemployment_expenditure"][:, t] = per[:, 4] * s["unemployment_cost_rel"][t] * W
        out["unemployment_beneficiaries"][:, t] = per[:, 4] * s["unemployment_incidence"][t]
        cover = s["long_term_care_coverage"][t]
        out["long_term_care_contributions"][:, t] = W * per[:, 5] * s["long_term_care_rate"][t] * cover
        dependent = per[:, W_PENS_DEPENDENT] + per[:, W_EMPL_DEPENDENT]
        out["long_term_care_expenditure"][:, t] = dependent * cover * s["long_term_care_benefit"][t] * W
        out["long_term_care_beneficiaries"][:, t] = dependent * cover

        # survive, age one year, births, migration
        survivors = P - deaths
        P_next = np.empty_like(P)
        P_next[:, :, 1:] = survivors[:, :, :-1]
        P_next[:, :, -1] += survivors[:, :, -1]
        P_next[:, 0, 0] = births * p.male_birth_share[t]
        P_next[:, 1, 0] = births * (1.0 - p.male_birth_share[t])
        arriving, staying = survivors[:, :, -2], survivors[:, :, -1]
        acc = _shift(acc, arriving, staying)
        pension = _shift(pension, arriving, staying)
        if tier_on:
            tier = _shift(tier, arriving, staying)
            tier_pension = _shift(tier_pension, arriving, staying)
        P = P_next
        if p.has_migration:
            P = np.maximum(P + p.migration[t], 0.0)

    _funds(p, out)
    if population is not None:
        population[T] = P[0]
    return Projection(
        name=p.name,
        years=p.years,
        series=out,
        new_pensioners=new_count,
        new_pension_rel=new_amount,
        population=population,
    )


def _funds(p: Prepared, out: dict[str, Array]) -> None:
    """Subsidies, investment income and reserves, year by year: reserve(t + 1) = reserve(t) + income -
    expenditure, exactly as written (one floating-point expression)."""
    returns = out["return"]
    T = returns.shape[1]
    for f in FUNDS:
        share = p.scalars.get(f"{f}_subsidy")
        expenditure = out[f"{f}_expenditure"]
        subsidy = expenditure * share[None, :] if share is not None else np.zeros_like(expenditure)
        out[f"{f}_subsidy"] = subsidy
        reserve, contributions = out[f"{f}_reserve"], out[f"{f}_contributions"]
        investment, income = out[f"{f}_investment"], out[f"{f}_income"]
        for t in range(T):
            investment[:, t] = reserve[:, t] * returns[:, t]
            income[:, t] = contributions[:, t] + subsidy[:, t] + investment[:, t]
            reserve[:, t + 1] = reserve[:, t] + income[:, t] - expenditure[:, t]


def _shift(x: Array, arriving: Array, staying: Array) -> Array:
    """Per-member values one age on; the open group 110 is the survivors' weighted average."""
    out = np.empty_like(x)
    out[..., 1:] = x[..., :-1]
    out[..., 0] = 0.0
    weight = arriving + staying
    with np.errstate(divide="ignore", invalid="ignore"):
        merged = (arriving * x[..., -2] + staying * x[..., -1]) / weight
    out[..., -1] = np.where(weight > 0, merged, x[..., -2])
    return out


def project_runs(prepared: Prepared, x: Array, *, chunk: int = 128) -> Projection:
    """Stochastic runs, ``chunk`` runs at a time (arrays that fit the CPU caches run several times faster
    than all runs at once); the series are joined back to (runs, T)."""
    parts = [project(prepared, x[i : i + chunk], keep_detail=False) for i in range(0, x.shape[0], chunk)]
    series = {k: np.concatenate([part.series[k] for part in parts], axis=0) for k in parts[0].series}
    return Projection(name=prepared.name, years=prepared.years, series=series)
