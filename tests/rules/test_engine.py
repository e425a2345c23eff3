import datetime as dt
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socsec.rules.engine import InputError, UnknownFormula, all_formulas, calc, compute
from socsec.rules.rounding import round_half_up_cents


def test_rounding_is_half_away_from_zero_and_ignores_binary_noise():
    values = np.array([0.5, 1.5, 2.5, -0.5, 267.49999999999997, 1.4999, 100.0])
    assert round_half_up_cents(values).tolist() == [1, 2, 3, -1, 268, 1, 100]
    # 2.675 yuan is 267.49999999999997 cents in binary; rounding it to 6 places first keeps the half
    assert round_half_up_cents(np.array([2.675 * 100])).tolist() == [268]


def test_every_formula_names_its_legal_basis():
    formulas = all_formulas()
    assert len(formulas) >= 14
    for f in formulas:
        assert f.reference and f.label, f.name


def test_explanation_lists_inputs_parameters_and_steps():
    e = calc("contribution_base", on=dt.date(2026, 1, 15), region="440300", declared_base=300000)
    assert e.value == 654300
    assert e.inputs == {"on": "2026-01-15", "region": "440300", "declared_base": 300000}
    assert e.rounding == "to the cent, halves away from zero, once per output row"
    floor = e.steps[0]
    assert floor.formula == "contribution_base_floor"
    assert [(p.path, p.value, p.effective_from.isoformat()) for p in floor.parameters] == [
        ("contribution.base_floor_ratio", 0.6, "2019-05-01")
    ]
    wage = floor.steps[0]
    assert [(p.path, p.value, p.effective_from.isoformat(), p.unit) for p in wage.parameters] == [
        ("regions.average_monthly_wage.440300", 10905, "2025-07-01", "currency-CNY")
    ]
    assert "Guo Ban Fa [2019] No. 13" in wage.parameters[0].reference
    as_dict = e.as_dict()
    assert as_dict["steps"][0]["parameters"][0]["effective_from"] == "2019-05-01"


def test_coverage_codes_come_with_their_meaning():
    e = calc("coverage_work_injury", on="2026-01-01", labour_relation=False)
    assert (e.value, e.meaning) == (
        41,
        "NOT_ELIGIBLE: No labour relation: work-injury insurance covers employees only.",
    )


def test_unknown_formula_and_inputs_are_refused_by_name():
    with pytest.raises(UnknownFormula, match="no formula named 'nope'"):
        calc("nope", on="2026-01-01")
    with pytest.raises(InputError, match="unknown input 'colour'"):
        calc("contribution_base", on="2026-01-01", region="440300", declared_base=1, colour="red")
    with pytest.raises(InputError, match="missing input"):
        calc("contribution_base", on="2026-01-01", region="440300")


@settings(max_examples=60, deadline=None)
@given(
    declared=st.lists(st.integers(min_value=0, max_value=10_000_000), min_size=1, max_size=8),
    region=st.sampled_from(["110100", "440100", "440300", "140100", "140200"]),
    day=st.dates(min_value=dt.date(2022, 7, 1), max_value=dt.date(2027, 12, 31)),
)
def test_vectorised_compute_equals_one_case_at_a_time(declared, region, day):
    many = compute(
        "contribution_base",
        on=np.full(len(declared), np.datetime64(day, "D")),
        region=np.array([region] * len(declared)),
        declared_base=np.array(declared),
    )
    one_by_one = [calc("contribution_base", on=day, region=region, declared_base=d).value for d in declared]
    assert many.tolist() == one_by_one
    assert many.dtype == np.int64


def test_an_amount_without_its_parameters_is_refused_not_guessed():
    from socsec.rules.engine import RuleViolation

    with pytest.raises(RuleViolation, match="regional_average_monthly_wage: no value on 2026-01-01 for row 1"):
        calc("contribution_base", on="2026-01-01", region="999900", declared_base=500000)
    with pytest.raises(RuleViolation, match="late_payment_surcharge: no value on 2010-01-01"):
        calc("late_payment_surcharge", on="2010-01-01", outstanding_cents=100, days_late=3)


def test_the_pure_cores_never_import_django():
    code = (
        "import sys, socsec.rules.engine as e, socsec.rules.scenarios as s, socsec.batch.assess, "
        "socsec.batch.store, socsec.batch.spark, socsec.batch.employer_assessment; e.all_formulas(); "
        "list(s.load_scenarios()); "
        "assert not [m for m in sys.modules if m.startswith('django')], 'django'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_exact_amounts_are_added_up_by_group_and_rounded_once_per_total():
    from socsec.rules.engine import compute_totals

    on = np.array(["2026-03-15", "2026-03-25", "2026-03-15", "2026-03-15"], dtype="datetime64[D]")
    totals = compute_totals(
        "late_payment_surcharge_accrued",
        on,
        np.array([7, 7, 3, 3]),
        outstanding_cents=np.array([100, 50, 101, 1]),
        days=np.array([10, 20, 10, 0]),
    )
    assert totals.rows.tolist() == [0.5, 0.5, 0.505, 0.0]
    assert (totals.keys.tolist(), totals.exact.tolist(), totals.totals.tolist()) == ([3, 7], [0.505, 1.0], [1, 1])
    with pytest.raises(InputError, match="exact cents"):
        compute_totals("late_payment_surcharge", on, np.zeros(4), outstanding_cents=np.ones(4), days_late=np.ones(4))
