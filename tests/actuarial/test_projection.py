"""Analytical checks of the projection: stationary population, zero mortality, zero coverage, the
reserve identity, scenario amendments of the rules, the career calculator and C102."""

from __future__ import annotations

import numpy as np
import pytest

from socsec.actuarial.funds import FUNDS
from socsec.actuarial.indicators import Career, c102_check, career_pension, general_average_premium
from socsec.actuarial.prepare import prepare
from socsec.actuarial.projection import project
from socsec.actuarial.rule_values import pension_indexation
from socsec.actuarial.run import run_projection
from socsec.actuarial.scenario import SCENARIO_DIR, load_scenario, shipped_scenarios
from socsec.actuarial.stochastic import shocks

from .conftest import BIRTHS, survivors


def test_a_stationary_population_with_constant_rules_has_the_closed_form_cost_rate(stationary):
    prepared = prepare(load_scenario(stationary()))
    series = project(prepared).series
    lx = survivors()
    # every retiree has 40 years at the average wage: pension = W x (1 + 1) / 2 x 40 x 1% = 0.4 W
    closed_form = 0.4 * lx[60:].sum() / lx[20:60].sum()
    cost = series["pension_expenditure"][0] / series["insurable_earnings"][0]
    assert closed_form == pytest.approx(0.32418636483571844, rel=1e-15)
    np.testing.assert_allclose(cost, closed_form, rtol=1e-12, atol=0)
    np.testing.assert_allclose(series["population"][0], BIRTHS * lx.sum(), rtol=1e-12, atol=0)
    # contributions at the rules' rates: employer 16% + employee 8%
    np.testing.assert_allclose(series["pension_contributions"][0] / series["insurable_earnings"][0], 0.24, rtol=1e-15)
    # no return, no reserve, no subsidy: the general average premium is the cost rate
    assert general_average_premium(series)[0] == pytest.approx(closed_form, rel=1e-12)
    assert prepared.retirement_age.min() == prepared.retirement_age.max() == 60.0


def test_reserves_follow_the_identity_exactly_in_every_fund_and_run():
    prepared = prepare(load_scenario("funded_tier.yaml"))
    for x in (None, shocks(prepared, 7)):
        s = project(prepared, x).series
        for fund in FUNDS:
            reserve = s[f"{fund}_reserve"]
            income = s[f"{fund}_contributions"] + s[f"{fund}_subsidy"] + s[f"{fund}_investment"]
            assert (s[f"{fund}_income"] == income).all()
            assert (reserve[:, 1:] == reserve[:, :-1] + s[f"{fund}_income"] - s[f"{fund}_expenditure"]).all()
    # the tier accumulates first; later its annuities, priced with the rules' divisor table (months of
    # payment well below the life expectancy of the mortality table), run the fund into deficit
    assert s["funded_tier_reserve"][:, 2050 - 2025].min() > 0


def test_zero_mortality_nobody_dies_and_the_population_grows_by_the_births(stationary):
    series = project(prepare(load_scenario(stationary(mortality=np.zeros(111))))).series
    assert (series["deaths"] == 0.0).all()
    assert (series["pension_refunds"] == 0.0).all()
    growth = np.diff(series["population"][0])
    np.testing.assert_allclose(growth, series["births"][0, :-1], rtol=1e-9)


def test_zero_coverage_no_contributions_no_new_pensions(stationary):
    prepared = prepare(load_scenario(stationary(coverage=0.0, pensioner_share=0.0)))
    series = project(prepared).series
    assert (series["contributors"] == 0.0).all()
    assert (series["pension_contributions"] == 0.0).all()
    assert (series["insurable_earnings"] == 0.0).all()
    assert (series["pensioners"] == 0.0).all()
    assert (series["pension_expenditure"] == 0.0).all()
    assert (series["pension_reserve"] == 0.0).all()
    assert (prepared.new_pensioners == 0.0).all()


def test_deterministic_projection_is_the_zero_shock_run():
    prepared = prepare(load_scenario("baseline.yaml"))
    alone = project(prepared).series
    zero = project(prepared, np.zeros((3, len(prepared.years), 4))).series
    for key in ("population", "pension_expenditure", "pension_reserve", "long_term_care_expenditure"):
        np.testing.assert_allclose(zero[key], np.repeat(alone[key], 3, axis=0), rtol=1e-12, atol=0)


def test_shocks_have_the_stated_correlation_and_spread():
    prepared = prepare(load_scenario("baseline.yaml"))
    x = shocks(prepared, 4000)
    assert x.shape == (4000, 100, 4)
    first = x[:, 0, :]
    np.testing.assert_allclose(first.std(axis=0), prepared.stochastic["sd"], rtol=0.05)
    np.testing.assert_allclose(np.corrcoef(first.T), prepared.stochastic["correlation"], atol=0.05)
    assert (shocks(prepared, 4000) == x).all()  # the seed makes runs repeatable


def test_scenarios_amend_the_rules_only_for_their_own_projection():
    cut = load_scenario("contribution_rate_cut.yaml")
    base = load_scenario("baseline.yaml")
    assert cut.params.value("pension.employer_rate", "2026-12-31") == 0.16
    assert cut.params.value("pension.employer_rate", "2027-01-01") == 0.14
    assert base.params.value("pension.employer_rate", "2027-01-01") == 0.16
    assert cut.amended == ["pension.employer_rate"]
    s_cut, s_base = project(prepare(cut)).series, project(prepare(base)).series
    assert s_cut["pension_contributions"][0, 1] == s_base["pension_contributions"][0, 1]  # 2026
    assert s_cut["pension_contributions"][0, 2] < s_base["pension_contributions"][0, 2]  # 2027


def test_pension_indexation_is_the_rules_where_enacted_and_the_scenario_assumption_after(tmp_path):
    base = load_scenario("baseline.yaml")
    years = np.arange(2024, 2028)
    # 2024 3% and 2025 2% are the rules' (the notices); 2026 on has no rule value: the baseline's
    # assumption pension.indexation_beyond_rules (2%)
    assert pension_indexation(base, years).tolist() == [0.03, 0.02, 0.02, 0.02]
    assert np.isnan(base.params.leaf("benefits.pension.indexation_rate").at(np.array(["2026-07-01"], "datetime64[D]")))
    path = tmp_path / "low.yaml"
    path.write_text(
        f"extends: {SCENARIO_DIR / 'baseline.yaml'}\n"
        "pension:\n  indexation_beyond_rules: {2025: 0.01, 2030: 0.005}\n"
        "rules:\n  benefits.pension.indexation_rate: {2025-01-01: 0.025}\n"
    )
    low = load_scenario(path)
    assert pension_indexation(low, np.arange(2025, 2032)).tolist() == [0.025, 0.01, 0.01, 0.01, 0.01, 0.005, 0.005]
    assert prepare(low).indexation[:2].tolist() == [0.025, 0.01]


def test_the_retirement_age_comes_from_the_rules_formula_per_cohort():
    base = prepare(load_scenario("baseline.yaml"))
    rise = prepare(load_scenario("retirement_age_rise.yaml"))
    t = int(2060 - base.years[0])
    # a man aged 40 in 2060 was born in 2020: 60 + 36 months under the 2024 decision; 60 + 60 months after
    assert base.retirement_age[t, 0, 40] == 63.0
    assert rise.retirement_age[t, 0, 40] == 65.0
    assert base.retirement_age[t, 1, 40] == 58.0
    assert rise.retirement_age[t, 1, 40] == 60.0
    # a man aged 60 in 2025 (born 1965): 60 + 1..3 months by birth month (one month per 4 months)
    assert base.retirement_age[0, 0, 60] == pytest.approx(60 + (4 * 1 + 4 * 2 + 4 * 3) / 12 / 12, rel=1e-15)


def test_mandatory_platform_coverage_adds_contributors_from_2027():
    result = run_projection(["baseline.yaml", "platform_mandatory.yaml"])
    base, mandatory = (r.indicators["contributors"] for r in result.scenarios)
    assert base[1] == mandatory[1]
    assert mandatory[2] - base[2] > 40e6


def test_every_shipped_scenario_runs_side_by_side():
    paths = shipped_scenarios()
    assert [p.stem for p in paths] == [
        "baseline",
        "contribution_rate_cut",
        "funded_tier",
        "platform_mandatory",
        "retirement_age_rise",
    ]
    result = run_projection(paths, stochastic=3)
    tables = result.to_tables()
    assert [row["scenario"] for row in tables["summary"]] == [r.name for r in result.scenarios]
    assert len(tables["indicators"]) == 5 * 100
    assert len(tables["stochastic_percentiles"]) == 5 * 8 * 100
    for row in tables["stochastic_percentiles"]:
        assert row["p5"] <= row["p25"] <= row["p50"] <= row["p75"] <= row["p95"]


def test_career_calculator_exact():
    scenario = load_scenario("baseline.yaml")
    # 30 years at the average wage, no growth, no interest, divisor 139 (age 60):
    # basic = (1 + 1) / 2 x 30 x 1% = 0.30; account = 8% x 30 = 2.4 wages; 12 x 2.4 / 139 a year
    r = career_pension(
        scenario, Career(retirement_year=2060, entry_age=30, career_years=30, wage_growth=0.0, account_interest=0.0)
    )
    assert r.retirement_age == 60.0
    assert r.divisor == 139.0
    assert r.basic_pension == pytest.approx(0.30, rel=1e-15)
    assert r.account_pension == pytest.approx(12 * 2.4 / 139, rel=1e-15)
    assert r.replacement_rate == pytest.approx(0.30 + 28.8 / 139, rel=1e-15)
    # a wage of 4 x the average is counted at the 300% ceiling; the rate is against the own wage
    high = career_pension(
        scenario,
        Career(
            retirement_year=2060,
            entry_age=30,
            career_years=30,
            relative_wage=4.0,
            wage_growth=0.0,
            account_interest=0.0,
            divisor=100.0,
        ),
    )
    assert high.average_index == 3.0
    assert high.basic_pension == pytest.approx(0.60, rel=1e-15)
    assert high.replacement_rate == pytest.approx((0.60 + 12 * 0.08 * 3 * 30 / 100) / 4, rel=1e-15)
    # ten years in payment, 2% indexation (baseline assumption pension.indexation_beyond_rules), 2% wage
    # growth: unchanged
    later = career_pension(
        scenario,
        Career(
            retirement_year=2060,
            entry_age=30,
            career_years=30,
            wage_growth=0.02,
            account_interest=0.0,
            years_in_payment=10,
        ),
    )
    assert later.replacement_rate_later == pytest.approx(later.replacement_rate, rel=1e-12)


def test_c102_standard_beneficiary(stationary):
    baseline = load_scenario("baseline.yaml")
    check = c102_check(baseline, 2055, wage_growth=0.0, account_interest=0.0)
    # retires at 63 (men born from 1977 on), divisor 117: 0.30 + 12 x 8% x 30 / 117
    assert check["retirement_age"] == 63.0
    assert check["replacement_rate"] == pytest.approx(0.30 + 28.8 / 117, rel=1e-15)
    assert check["meets_c102"] is True
    cut = load_scenario(stationary(extra="  benefits.pension.basic_pension_rate_per_year: {2006-01-01: 0.005}\n"))
    below = c102_check(cut, 2055, wage_growth=0.0, account_interest=0.0)
    assert below["replacement_rate"] == pytest.approx(0.15, rel=1e-15)  # no account in that scenario
    assert below["meets_c102"] is False


def test_the_start_from_insured_persons_records(stationary, tmp_path):
    records = tmp_path / "insured.csv"
    records.write_text(
        "sex,age,status,contribution_years,average_index,account_balance,pension\n"
        "male,40,active,10,1.0,10000,0\n"
        "male,40,active,20,2.0,30000,0\n"
        "female,70,pensioner,0,0,0,24000\n"
    )
    from_records = tmp_path / "records.yaml"
    from_records.write_text(
        f"extends: {stationary()}\ninitial:\n  history: records\n  records: insured.csv\n  records_weight: 1000\n"
    )
    prepared = prepare(load_scenario(from_records))
    people = BIRTHS / 2 * survivors()
    state = prepared.initial_state
    assert state["years"][0, 40] == 30_000 / people[40]
    assert state["index_years"][0, 40] == 50_000 / people[40]
    assert state["insured"][0, 40] == 2_000 / people[40]
    assert prepared.initial_account[0, 40] == 40_000_000 / people[40] / 100_000
    assert state["pensioners"][1, 70] == 1_000 / people[70]
    assert prepared.initial_pension[1, 70] == 24_000_000 / people[70] / 100_000
    assert state["years"].sum() == state["years"][0, 40]  # nobody else
    assert state["pensioners"].sum() == state["pensioners"][1, 70]
    series = project(prepared).series
    # year one: the pensioner's pension (no increase in that scenario) is the only benefit
    assert series["pension_benefits"][0, 0] == pytest.approx(24_000_000, rel=1e-12)
    assert series["pensioners"][0, 0] == pytest.approx(1_000, rel=1e-12)


def test_the_yaml_career_checks_pass():
    from socsec.actuarial.checks import run_checks

    outcomes = run_checks()
    assert len(outcomes) == 4
    assert [o.failures for o in outcomes] == [[], [], [], []]


def test_chart_data_is_plain_json():
    import json

    result = run_projection(["baseline.yaml", "funded_tier.yaml"], stochastic=4)
    data = json.loads(json.dumps(result.chart_data(), allow_nan=False))
    assert data["years"][0] == 2025 and len(data["years"]) == 100
    assert [s["name"] for s in data["scenarios"]] == [r.name for r in result.scenarios]
    first = data["scenarios"][0]
    assert first["series"]["pension_cost_rate"][0] == result.scenarios[0].indicators["pension_cost_rate"][0]
    assert len(first["fan"]["pension_cost_rate"]) == 5


def test_net_migration_is_added_after_survival(stationary, tmp_path):
    migrants = np.zeros(111)
    migrants[30] = 1000.0
    lines = ["age,male,female", *(f"{a},{float(migrants[a])!r},0.0" for a in range(111))]
    (tmp_path / "migration.csv").write_text("\n".join(lines) + "\n")
    with_migration = tmp_path / "migration.yaml"
    with_migration.write_text(
        f"extends: {stationary()}\npopulation:\n  net_migration: migration.csv\n"
        "  net_migration_scale: {2025: 1, 2026: 0}\n"
    )
    series = project(prepare(load_scenario(with_migration))).series
    population = series["population"][0]
    lx = survivors()
    stationary_total = BIRTHS * lx.sum()
    assert population[1] == pytest.approx(stationary_total + 1000.0, rel=1e-13)
    # the migrants of 2025 then age and die like everyone: 1000 x 0.99 are left a year later
    assert population[2] == pytest.approx(stationary_total + 990.0, rel=1e-13)


def test_c102_with_and_without_the_funded_tier():
    baseline = c102_check(load_scenario("baseline.yaml"), 2055, wage_growth=0.0, account_interest=0.0)
    statutory = pytest.approx(0.30 + 28.8 / 117, rel=1e-15)  # 30 x 1%; 30 x 8% x 12 / 117
    assert baseline["replacement_rate"] == baseline["replacement_rate_without_funded_tier"] == statutory
    tier = c102_check(load_scenario("funded_tier.yaml"), 2055, wage_growth=0.0, account_interest=0.0)
    # contributions 2025-2054, the 4% tier from 2027: 28 x 4% = 1.12 years of wage, paid over 117 months
    assert tier["replacement_rate_without_funded_tier"] == statutory
    assert tier["replacement_rate"] == pytest.approx(0.30 + 28.8 / 117 + 13.44 / 117, rel=1e-15)
    assert tier["meets_c102"] is True


def test_c102_reads_the_standard_career_and_level_from_the_rules(stationary):
    shorter = load_scenario(stationary(extra="  benefits.ilo_c102.old_age_contribution_years: {1955-04-27: 25}\n"))
    check = c102_check(shorter, 2055, wage_growth=0.0, account_interest=0.0)
    assert check["replacement_rate"] == pytest.approx(0.25, rel=1e-15)  # 25 x 1% (no account in that scenario)
    assert check["minimum"] == 0.4
