import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from socsec.batch.employer_assessment import (
    CONTRIBUTION_FORMULAS,
    DECLARED_SCHEMA,
    RESULT_SCHEMA,
    EmployeeMonthRefused,
    PayrollScheme,
    assess_employee_months,
    explain_employee_month,
    resolve_employer_rates,
)
from socsec.rules.engine import RuleViolation, compute, get_formula

MONTH = dt.date(2026, 1, 1)
REGIONS = ["440300", "440100", "110000", "140100"]


def declared_table(n: int, seed: int = 7) -> pa.Table:
    """Varied rows: bases under the floor and over the ceiling, new employees, every class and step, and
    wages whose parts end in half a cent."""
    rng = np.random.default_rng(seed)
    risk = rng.integers(1, 9, n)
    step = np.where(risk == 1, rng.integers(0, 3, n), rng.integers(-2, 3, n))
    wage = rng.integers(100_000, 6_000_000, n)
    wage[::7] = rng.integers(0, 300_000, wage[::7].size)  # under every floor
    wage[1::7] = rng.integers(4_000_000, 9_000_000, wage[1::7].size)  # over every ceiling
    wage[2::7] = 1_234_575 + 50 * rng.integers(0, 100, wage[2::7].size)  # x 2% ends in half a cent
    base = rng.integers(200_000, 5_000_000, n).astype(object)
    base[::3] = None
    base[5::11] = 0
    base[2::7] = None
    return pa.Table.from_pydict(
        {
            "row": np.arange(1, n + 1),
            "employer_id": rng.integers(1, 20, n),
            "person_id": np.arange(1000, 1000 + n),
            "region_code": rng.choice(REGIONS, n),
            "industry_class": risk.astype(np.int8),
            "injury_float_step": step.astype(np.int8),
            "wage_cents": wage,
            "base_wage_cents": list(base),
            "ltc_pilot": rng.random(n) < 0.4,
        },
        schema=DECLARED_SCHEMA,
    )


def by_formulas(declared: pa.Table) -> dict[tuple[int, str], tuple[int, int, int]]:
    d = declared.to_pydict()
    wages = {
        "region": np.array(d["region_code"]),
        "wage": np.array(d["wage_cents"]),
        "base_wage": np.array([b or 0 for b in d["base_wage_cents"]]),
    }
    extra = {
        "industry_class": np.array(d["industry_class"]),
        "injury_float_step": np.array(d["injury_float_step"]),
        "ltc_pilot": np.array(d["ltc_pilot"]),
    }
    base = compute("employer_contribution_base", MONTH, **wages)
    expected = {}
    for scheme, names in CONTRIBUTION_FORMULAS.items():
        employer_part, employee_part = (
            compute(name, MONTH, **{**wages, **{k: v for k, v in extra.items() if k in get_formula(name).inputs}})
            for name in names
        )
        for i, row in enumerate(d["row"]):
            expected[(row, scheme.value)] = (int(base[i]), int(employer_part[i]), int(employee_part[i]))
    return expected


def as_dict(result: pa.Table) -> dict[tuple[int, str], tuple[int, int, int]]:
    r = result.to_pydict()
    return {
        (row, scheme): (b, er, ee)
        for row, scheme, b, er, ee in zip(
            r["row"], r["scheme"], r["base_cents"], r["employer_cents"], r["employee_cents"], strict=True
        )
    }


def test_the_core_gives_the_formulas_figures_exactly():
    declared = declared_table(400)
    result = assess_employee_months(declared, resolve_employer_rates(month=MONTH, region_codes=REGIONS))
    assert result.schema == RESULT_SCHEMA
    assert result.num_rows == 400 * len(PayrollScheme)
    assert as_dict(result) == by_formulas(declared)


def test_the_rows_cover_both_bounds_and_rounding_halves():
    declared = declared_table(400)
    rates = resolve_employer_rates(month=MONTH, region_codes=REGIONS)
    result = as_dict(assess_employee_months(declared, rates))
    d = declared.to_pydict()
    chosen = [b or w for b, w in zip(d["base_wage_cents"], d["wage_cents"], strict=True)]
    bases = [result[(row, "PENSION")][0] for row in d["row"]]
    assert sum(b > c for b, c in zip(bases, chosen, strict=True)) > 20  # raised to the floor
    assert sum(b < c for b, c in zip(bases, chosen, strict=True)) > 20  # cut to the ceiling
    halves = [result[(row, "MEDICAL")] for row in d["row"] if result[(row, "MEDICAL")][0] % 50 == 25]
    assert len(halves) > 20
    assert all(employee == base * 2 // 100 + 1 for base, _, employee in halves)  # 2% of it: half a cent up


def test_a_known_case():
    declared = pa.Table.from_pylist(
        [
            {
                "row": 1,
                "employer_id": 5,
                "person_id": 9,
                "region_code": "440300",
                "industry_class": 3,
                "injury_float_step": -1,
                "wage_cents": 1_234_567,
                "base_wage_cents": None,
                "ltc_pilot": False,
            }
        ],
        schema=DECLARED_SCHEMA,
    )
    result = as_dict(assess_employee_months(declared, resolve_employer_rates(month=MONTH, region_codes=["440300"])))
    assert result[(1, "PENSION")] == (1_234_567, 197_531, 98_765)
    assert result[(1, "WORK_INJURY")] == (1_234_567, 6_914, 0)
    assert result[(1, "LONG_TERM_CARE")] == (1_234_567, 0, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"region_code": "990000"}, "region_code"),
        ({"industry_class": 9}, "industry_class"),
        ({"industry_class": 1, "injury_float_step": -1}, "injury_float_step"),
        ({"wage_cents": -1}, "wage_cents"),
        ({"base_wage_cents": -5}, "base_wage_cents"),
        ({"wage_cents": None}, "wage_cents"),
    ],
)
def test_a_row_the_rules_cannot_assess_is_named(change, field):
    rows = declared_table(20).to_pylist()
    rows[12].update(change)
    declared = pa.Table.from_pylist(rows, schema=DECLARED_SCHEMA)
    with pytest.raises(EmployeeMonthRefused) as refused:
        assess_employee_months(declared, resolve_employer_rates(month=MONTH, region_codes=REGIONS))
    assert (refused.value.row, refused.value.field) == (13, field)


def test_unemployment_follows_the_phased_reductions():
    steps = np.array(["2015-02-28", "2015-03-01", "2016-05-01", "2019-05-01"], dtype="datetime64[D]")
    regions = np.full(4, "440300")
    assert compute("employer_unemployment_rate", steps, region=regions).tolist() == [0.02, 0.015, 0.01, 0.007]
    assert compute("employee_unemployment_rate", steps, region=regions).tolist() == [0.01, 0.005, 0.005, 0.003]
    rates = resolve_employer_rates(month=MONTH, region_codes=["440300"]).to_pylist()
    assert {(r["employer_rate"], r["employee_rate"]) for r in rates if r["scheme"] == "UNEMPLOYMENT"} == {
        (0.007, 0.003)
    }


def test_an_empty_month():
    empty = DECLARED_SCHEMA.empty_table()
    assert assess_employee_months(empty, resolve_employer_rates(month=MONTH, region_codes=[])).num_rows == 0


def test_a_row_is_explained_by_the_formulas_it_equals():
    declared = declared_table(30)
    result = as_dict(assess_employee_months(declared, resolve_employer_rates(month=MONTH, region_codes=REGIONS)))
    row = declared.to_pylist()[4]
    explained = explain_employee_month(
        month=dt.date(2026, 1, 31),
        scheme="WORK_INJURY",
        region_code=row["region_code"],
        industry_class=row["industry_class"],
        injury_float_step=row["injury_float_step"],
        wage_cents=row["wage_cents"],
        base_wage_cents=row["base_wage_cents"],
        ltc_pilot=row["ltc_pilot"],
    )
    _, employer, employee = result[(row["row"], "WORK_INJURY")]
    assert (explained["employer"]["value"], explained["employee"]["value"]) == (employer, employee)
    assert explained["employer"]["formula"] == "employer_work_injury_contribution"
    assert explained["employer"]["inputs"]["on"] == "2026-01-01"
    rate = next(s for s in explained["employer"]["steps"] if s["formula"] == "employer_work_injury_rate")
    assert {p["path"] for p in rate["parameters"]} >= {f"payroll.work_injury.base_rate.{row['industry_class']}"}


def test_the_rates_carry_each_regions_minimum_wage():
    rates = resolve_employer_rates(month=MONTH, region_codes=["440300", "440100", "110000"])
    minimum = {r["region_code"]: r["minimum_wage_cents"] for r in rates.to_pylist()}
    assert minimum == {"440300": 252_000, "440100": 200_000, "110000": 254_000}


def test_a_region_without_a_minimum_wage_has_none_in_the_rates(monkeypatch):
    import socsec.batch.employer_assessment as core

    def without_beijing(name, on, **inputs):
        if name == "regional_minimum_monthly_wage" and "110000" in inputs["region"]:
            raise RuleViolation("regional_minimum_monthly_wage: no value")
        return compute(name, on, **inputs)

    monkeypatch.setattr(core, "compute", without_beijing)
    rates = resolve_employer_rates(month=MONTH, region_codes=["440300", "110000"])
    minimum = {r["region_code"]: r["minimum_wage_cents"] for r in rates.to_pylist()}
    assert minimum == {"440300": 252_000, "110000": None}
