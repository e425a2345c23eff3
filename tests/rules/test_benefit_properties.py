"""Invariants of the benefit rules (rules/benefits/), checked over generated cases, and the refusals of
bad input."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socsec.rules import benefits
from socsec.rules.engine import REGISTRY, RuleViolation, all_formulas, calc, compute
from socsec.rules.parameters import load_parameters
from socsec.rules.rounding import round_down_cents
from socsec.rules.scenarios import load_scenarios

REGIONS = ["110000", "110105", "440100", "440300", "140100"]
DAYS = st.dates(min_value=dt.date(2022, 7, 1), max_value=dt.date(2027, 12, 31))
SCHEMES = {
    # scheme: (total formula, one-dependant formula, formula of the base the cap is a share of)
    "oip": ("oip_dependants_pension_total", "oip_dependant_pension", "oip_benefit_base"),
    "work_injury": ("work_injury_dependants_pension_total", "work_injury_dependant_pension", "work_injury_own_wage"),
}


@st.composite
def households(draw):
    spouses = draw(st.integers(0, 1))
    others = draw(st.integers(0, 8))
    supplemented = draw(st.integers(0, spouses + others))
    return spouses, others, supplemented


def _base_inputs(scheme, regions, wages):
    if scheme == "oip":
        return {"region": regions}
    return {"region": regions, "average_wage_12m": wages}


@settings(max_examples=60, deadline=None)
@given(
    scheme=st.sampled_from(sorted(SCHEMES)),
    cases=st.lists(
        st.tuples(households(), st.sampled_from(REGIONS), st.integers(0, 10_000_000)), min_size=1, max_size=12
    ),
    day=DAYS,
)
def test_dependants_total_is_within_zero_and_the_cap_and_the_shares_add_up_to_it(scheme, cases, day):
    total_name, one_name, base_name = SCHEMES[scheme]
    spouses = np.array([h[0] for h, _, _ in cases])
    others = np.array([h[1] for h, _, _ in cases])
    supplemented = np.array([h[2] for h, _, _ in cases])
    regions = np.array([r for _, r, _ in cases])
    wages = np.array([w for _, _, w in cases], dtype=np.int64)
    on = np.datetime64(day, "D")
    base = _base_inputs(scheme, regions, wages)

    cap = compute(base_name, on, **base)
    total = compute(total_name, on, **base, spouses=spouses, other_dependants=others, supplemented=supplemented)
    assert total.dtype == np.int64
    assert (total >= 0).all()
    assert (total <= cap).all()  # the cap is 100% of the base

    # one row per dependant: the spouse first, then the others; the first `supplemented` of them get +10%
    rows = []
    for case, (s, o, sup) in enumerate(zip(spouses, others, supplemented, strict=True)):
        kinds = ["SPOUSE"] * int(s) + ["OTHER"] * int(o)
        rows += [(case, kind, i < sup) for i, kind in enumerate(kinds)]
    if not rows:
        assert (total == 0).all()
        return
    case_of = np.array([r[0] for r in rows])
    shares = compute(
        one_name,
        on,
        **{k: v[case_of] for k, v in base.items()},
        spouses=spouses[case_of],
        other_dependants=others[case_of],
        supplemented=supplemented[case_of],
        kind=np.array([r[1] for r in rows]),
        supplement=np.array([r[2] for r in rows]),
    )
    assert (shares >= 0).all()
    summed = np.bincount(case_of, weights=shares, minlength=len(cases)).astype(np.int64)
    dependants = spouses + others
    # each share rounded down: never more than the total, short of it by at most a cent per dependant
    assert (summed <= total).all()
    assert (total - summed <= dependants).all()


@settings(max_examples=40, deadline=None)
@given(region=st.sampled_from(REGIONS), wage=st.integers(0, 10_000_000), day=DAYS)
def test_lump_sums_fall_as_the_grade_number_rises(region, wage, day):
    grades = np.arange(0, 11)
    on = np.datetime64(day, "D")
    regions = np.full(grades.shape, region)
    oip = compute("oip_disability_grant", on, region=regions, grade=grades)
    wii = compute(
        "work_injury_disability_grant", on, region=regions, average_wage_12m=np.full(grades.shape, wage), grade=grades
    )
    for grants in (oip, wii):
        assert grants[0] == 0  # no grade, no grant
        assert (np.diff(grants[1:]) <= 0).all()  # grade 1 the most, grade 10 the least
        assert (grants[1:] > 0).all()
    one_off = compute("oip_one_off_allowance", on, region=regions, grade=grades)
    assert one_off[5] > one_off[6] > 0 and one_off[[0, 1, 2, 3, 4, 7, 8, 9, 10]].tolist() == [0] * 9


@settings(max_examples=60, deadline=None)
@given(
    months=st.lists(st.integers(0, 600), min_size=1, max_size=20),
    carried=st.lists(st.integers(0, 30), min_size=1, max_size=20),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)),
)
def test_unemployment_duration_is_within_0_and_24_and_never_falls_with_more_contributions(months, carried, day):
    n = min(len(months), len(carried))
    contribution = np.array(months[:n])
    over = np.array(carried[:n])
    duration = compute("unemployment_duration_months", day, contribution_months=contribution, carried_over_months=over)
    assert ((duration >= 0) & (duration <= 24)).all()
    more = compute("unemployment_duration_months", day, contribution_months=contribution + 12, carried_over_months=over)
    assert (more >= duration).all()


@settings(max_examples=40, deadline=None)
@given(region=st.sampled_from(REGIONS), day=st.dates(min_value=dt.date(2025, 9, 1), max_value=dt.date(2027, 12, 31)))
def test_unemployment_benefit_lies_between_the_subsistence_level_and_the_minimum_wage(region, day):
    benefit = calc("unemployment_benefit_monthly", day, region=region).value
    floor = calc("regional_subsistence_allowance", day, region=region).value
    ceiling = calc("regional_minimum_monthly_wage", day, region=region).value
    assert floor <= benefit <= ceiling


@settings(max_examples=40, deadline=None)
@given(
    region=st.sampled_from(REGIONS),
    wages=st.lists(st.integers(0, 10_000_000), min_size=1, max_size=8),
    grade=st.integers(1, 6),
    day=st.dates(min_value=dt.date(2025, 9, 1), max_value=dt.date(2027, 12, 31)),
)
def test_work_injury_allowances_and_own_wage_keep_their_bounds(region, wages, grade, day):
    on = np.datetime64(day, "D")
    n = len(wages)
    inputs = {"region": np.full(n, region), "average_wage_12m": np.array(wages)}
    own = compute("work_injury_own_wage", on, **inputs)
    average = calc("regional_average_monthly_wage", day, region=region).value
    assert ((own >= round(average * 0.6)) & (own <= average * 3)).all()
    minimum = calc("regional_minimum_monthly_wage", day, region=region).value
    fund = compute("work_injury_disability_allowance_monthly", on, **inputs, grade=np.full(n, grade))
    employer = compute("work_injury_employer_allowance_monthly", on, **inputs, grade=np.full(n, grade))
    paying = fund if grade <= 4 else employer
    assert (paying >= minimum).all()
    assert ((fund if grade > 4 else employer) == 0).all()


@settings(max_examples=30, deadline=None)
@given(household=households(), region=st.sampled_from(REGIONS), day=DAYS)
def test_one_case_at_a_time_equals_the_vectorised_run(household, region, day):
    spouses, others, supplemented = household
    inputs = {"region": region, "spouses": spouses, "other_dependants": others, "supplemented": supplemented}
    one = calc("oip_dependants_pension_total", day, **inputs).value
    many = compute("oip_dependants_pension_total", day, **{k: np.array([v, v]) for k, v in inputs.items()})
    assert many.tolist() == [one, one]


def test_round_down_keeps_whole_cents_and_ignores_binary_noise():
    values = np.array([1.999, 2.0, 299999.99999999994, -1.5, 0.0])
    assert round_down_cents(values).tolist() == [1, 2, 300000, -1, 0]


@pytest.mark.parametrize(
    ("name", "inputs", "message"),
    [
        ("oip_disability_grant", {"region": "110000", "grade": 11}, "disability grade 11 is outside 0-10"),
        ("oip_disability_grant", {"region": "110000", "grade": -1}, "disability grade -1"),
        (
            "oip_dependants_pension_total",
            {"region": "110000", "spouses": 1, "other_dependants": 0, "supplemented": 2},
            "2 orphans or lone elderly persons among 1 dependants",
        ),
        (
            "oip_dependants_pension_total",
            {"region": "110000", "spouses": 2, "other_dependants": 0, "supplemented": 0},
            "number of dependent spouses 2",
        ),
        (
            "oip_dependant_pension",
            {
                "region": "110000",
                "spouses": 0,
                "other_dependants": 1,
                "supplemented": 0,
                "kind": "SPOUSE",
                "supplement": False,
            },
            "not among the dependants counted",
        ),
        ("pension_account_divisor", {"retirement_age_months": 479}, "outside 480-851"),
        ("ltc_care_level", {"incapacity_score": 101}, "incapacity score 101"),
        ("ltc_benefit_monthly", {"care_level": 2, "setting": "HOSPITAL"}, "not a care setting"),
        ("job_retention_rebate_check", {"staff": 0, "laid_off": 0, "enterprise_size": "SME"}, "staff 0"),
        ("oip_benefit_base", {"region": "990000"}, "no value on 2026-03-01"),
        ("injury_report_check", {"incident_date": "2026-01-01", "reporter": "NEIGHBOUR"}, "not a reporter"),
        (
            "pension_retirement_timing_check",
            {"birth_date": "1966-01-15", "sex": "X", "retirement_group": "WOMEN_55", "contribution_months": 1},
            "M or F",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason(name, inputs, message):
    with pytest.raises(RuleViolation, match=message):
        calc(name, "2026-03-01", **inputs)


def test_the_residents_pension_is_refused_for_years_whose_minimum_is_not_entered():
    with pytest.raises(RuleViolation, match="no value on 2021-06-01"):
        calc("resident_pension_monthly", "2021-06-01", account_balance=0)


def test_every_benefit_formula_has_a_scenario_and_every_award_names_its_payer():
    benefit_formulas = {f.name for f in all_formulas() if f.function.__module__.startswith(f"{benefits.__name__}.")}
    in_scenarios = {name for s in load_scenarios() for name in s.outputs}
    assert benefit_formulas - in_scenarios == set()
    assert set(benefits.AWARDS) <= set(REGISTRY)
    amounts = {name for name in benefit_formulas if REGISTRY[name].unit == "cents"}
    bases = {
        "oip_benefit_base",
        "work_injury_own_wage",
        "regional_minimum_monthly_wage",
        "regional_subsistence_allowance",
    }
    assert amounts - bases - set(benefits.AWARDS) == set()
    assert benefits.AWARDS["work_injury_employer_allowance_monthly"].payer == benefits.Payer.EMPLOYER
    assert benefits.AWARDS["oip_wage_continuation_check"].payer == benefits.Payer.PLATFORM


def test_the_explanation_of_a_capped_share_shows_the_base_and_the_dependants_parameters():
    e = calc(
        "oip_dependant_pension",
        "2026-01-15",
        region="110000",
        spouses=1,
        other_dependants=2,
        supplemented=1,
        kind="SPOUSE",
        supplement=False,
    )
    assert e.value == 171272
    assert e.rounding is not None and e.rounding.startswith("to the cent, rounded down")
    assert [p.path for p in e.parameters] == [
        "benefits.oip.dependants.spouse_ratio",
        "benefits.oip.dependants.other_ratio",
        "benefits.oip.dependants.supplement_ratio",
        "benefits.oip.dependants.total_cap_ratio",
    ]
    base = e.steps[0]
    assert (base.formula, base.value) == ("oip_benefit_base", 471000)
    assert [(p.path, p.value) for p in base.parameters] == [
        ("benefits.oip.private_sector_average_monthly_wage.110000", 7850),
        ("benefits.oip.benefit_base_ratio", 0.6),
    ]


def test_demo_benefit_figures_are_labelled_as_demo_data():
    params = load_parameters()
    for path in (
        "benefits.regions.minimum_monthly_wage",
        "benefits.regions.urban_subsistence_allowance_monthly",
        "benefits.oip.private_sector_average_monthly_wage",
        "benefits.unemployment.benefit_share_of_minimum_wage",
    ):
        node = params.node(path)
        assert "DEMO DATA" in node.description, path
        assert all("DEMO DATA" in leaf.description for leaf in node.leaves()), path
    for path in (
        "benefits.long_term_care.care_level_max_score",
        "benefits.long_term_care.contribution_subsidy_share",
        "benefits.unemployment.rural_lump_sum_months_per_year",
        "benefits.unemployment.rural_lump_sum_max_months",
    ):
        assert "DEMO DATA" in params.get(path).description, path
    for setting in ("HOME", "COMMUNITY", "INSTITUTION"):
        assert "DEMO DATA" in params.node(f"benefits.long_term_care.monthly_benefit.{setting}").description
