"""The monthly assessment of employers' payrolls (pure: no Django): what each employer owes, and withholds
from each employee's wage, per scheme, for a whole month's declarations at once.

Two steps. :func:`resolve_employer_rates` asks the rules layer (``socsec.rules``) for the month's rates and
base bounds of the regions declared - one row per region x scheme x industry risk class x allowed floating
step - by running the rate and base-bound formulas themselves, vectorised. :func:`assess_employee_months`
joins the declarations with that small table on DuckDB and computes every base and part in one SQL
statement over the whole table: the same float64 operations, in the same order, as the single-case
formulas (``employer_contribution_base``, ``employer_pension_contribution`` ...), rounded half up to the
cent once per amount, so that the figures equal theirs exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..rules.engine import RuleViolation, calc, compute, get_formula
from ..rules.parameters import load_parameters
from .errors import AssessmentError


class PayrollScheme(StrEnum):
    PENSION = "PENSION"
    MEDICAL = "MEDICAL"
    MATERNITY = "MATERNITY"
    UNEMPLOYMENT = "UNEMPLOYMENT"
    WORK_INJURY = "WORK_INJURY"
    LONG_TERM_CARE = "LONG_TERM_CARE"


# The rate formulas of each scheme's employer's and employee's parts (work injury: the employee pays none).
RATE_FORMULAS: dict[PayrollScheme, tuple[str, str | None]] = {
    PayrollScheme.PENSION: ("employer_pension_rate", "employee_pension_rate"),
    PayrollScheme.MEDICAL: ("employer_medical_rate", "employee_medical_rate"),
    PayrollScheme.MATERNITY: ("employer_maternity_rate", "employee_maternity_rate"),
    PayrollScheme.UNEMPLOYMENT: ("employer_unemployment_rate", "employee_unemployment_rate"),
    PayrollScheme.WORK_INJURY: ("employer_work_injury_rate", None),
    PayrollScheme.LONG_TERM_CARE: ("employer_long_term_care_rate", "employee_long_term_care_rate"),
}
# The formulas of each scheme's two parts, which the assessment equals and which explain a stored amount.
CONTRIBUTION_FORMULAS: dict[PayrollScheme, tuple[str, str]] = {
    scheme: (f"employer_{scheme.value.lower()}_contribution", f"employee_{scheme.value.lower()}_contribution")
    for scheme in PayrollScheme
}
NATIONAL_RATES = ("employer_pension_rate", "employee_pension_rate")
RISK_CLASSES = "payroll.work_injury.base_rate"
FLOAT_FACTORS = "payroll.work_injury.float_factor"

DECLARED_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("employer_id", pa.int64()),
        ("person_id", pa.int64()),
        ("region_code", pa.string()),
        ("industry_class", pa.int8()),
        ("injury_float_step", pa.int8()),
        ("wage_cents", pa.int64()),
        ("base_wage_cents", pa.int64()),
        ("ltc_pilot", pa.bool_()),
    ]
)
RATES_SCHEMA = pa.schema(
    [
        ("region_code", pa.string()),
        ("scheme", pa.string()),
        ("industry_class", pa.int8()),
        ("injury_float_step", pa.int8()),
        ("employer_rate", pa.float64()),
        ("employee_rate", pa.float64()),
        ("floor_cents", pa.int64()),
        ("ceiling_cents", pa.int64()),
        ("minimum_wage_cents", pa.int64()),
    ]
)
RESULT_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("employer_id", pa.int64()),
        ("person_id", pa.int64()),
        ("scheme", pa.string()),
        ("base_cents", pa.int64()),
        ("employer_cents", pa.int64()),
        ("employee_cents", pa.int64()),
    ]
)
REQUIRED = ("row", "employer_id", "person_id", "region_code", "industry_class", "injury_float_step", "wage_cents")


class EmployeeMonthRefused(AssessmentError):
    """A declared employee-month the rules cannot assess: ``row`` names it, ``field`` the column, ``reason``
    says why (an unknown region or industry class, a floating step the class may not take, a negative wage)."""

    def __init__(self, row: int | None, field: str, reason: str) -> None:
        super().__init__(f"row {row}: {field}: {reason}")
        self.row = row
        self.field = field
        self.reason = reason


def _risk_steps(month: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Every industry risk class x floating step the rules allow in ``month``."""
    params = load_parameters()
    classes = np.array(sorted(int(k) for k in params.node(RISK_CLASSES).children), dtype=np.int64)
    steps = np.array(sorted(int(k) for k in params.node(FLOAT_FACTORS).children), dtype=np.int64)
    risk = np.repeat(classes, steps.size)
    step = np.tile(steps, classes.size)
    days = np.full(risk.shape, np.datetime64(month, "D"))
    lowest = params.vector("payroll.work_injury.lowest_float_step", risk.astype(str), days)
    highest = params.value_float("payroll.work_injury.highest_float_step", month)
    allowed = (step >= lowest) & (step <= highest)
    return risk[allowed], step[allowed]


def resolve_employer_rates(*, month: dt.date, region_codes: Iterable[str]) -> pa.Table:
    """The rates and base bounds in force in ``month`` (its first day) for each region: one row per region x
    scheme x industry risk class x floating step that the class may take (:data:`RATES_SCHEMA`), with the
    region's monthly minimum wage for checking declarations (null where the rules have none). A region without
    an average wage or a rate that month raises the rules' ``RuleViolation``."""
    on = month.replace(day=1)
    regions = np.array(sorted({str(r) for r in region_codes}), dtype=str)
    if not regions.size:
        return RATES_SCHEMA.empty_table()
    risk, step = _risk_steps(on)
    injury = np.asarray(compute("employer_work_injury_rate", on, industry_class=risk, injury_float_step=step))
    columns: dict[str, list[np.ndarray]] = {name: [] for name in RATES_SCHEMA.names}
    floor = np.asarray(compute("contribution_base_floor", on, region=regions), dtype=np.int64)
    ceiling = np.asarray(compute("contribution_base_ceiling", on, region=regions), dtype=np.int64)
    minimum = _minimum_wages(on, regions)
    for scheme, (employer, employee) in RATE_FORMULAS.items():
        if scheme is PayrollScheme.WORK_INJURY:
            employer_rate = np.tile(injury, regions.size)
            employee_rate = np.zeros(employer_rate.shape)
        else:
            employer_rate = np.repeat(_rate(employer, on, regions), risk.size)
            employee_rate = np.repeat(_rate(employee, on, regions), risk.size)
        columns["region_code"].append(np.repeat(regions, risk.size))
        columns["scheme"].append(np.full(regions.size * risk.size, scheme.value))
        columns["industry_class"].append(np.tile(risk, regions.size).astype(np.int8))
        columns["injury_float_step"].append(np.tile(step, regions.size).astype(np.int8))
        columns["employer_rate"].append(employer_rate)
        columns["employee_rate"].append(employee_rate)
        columns["floor_cents"].append(np.repeat(floor, risk.size))
        columns["ceiling_cents"].append(np.repeat(ceiling, risk.size))
        columns["minimum_wage_cents"].append(np.repeat(minimum, risk.size))
    arrays = [
        pa.array(np.concatenate(parts), type=field.type, from_pandas=True)
        for field, parts in zip(RATES_SCHEMA, columns.values(), strict=True)
    ]
    return pa.Table.from_arrays(arrays, schema=RATES_SCHEMA)


def _minimum_wages(on: dt.date, regions: np.ndarray) -> np.ndarray:
    """Each region's monthly minimum wage in cents (NaN where the rules have none that month)."""
    try:
        return np.asarray(compute("regional_minimum_monthly_wage", on, region=regions), dtype=np.float64)
    except RuleViolation:  # some region has none: look each up (regions, not employees)
        found = []
        for region in regions:
            try:
                found.append(float(compute("regional_minimum_monthly_wage", on, region=np.array([region]))[0]))
            except RuleViolation:
                found.append(np.nan)
        return np.array(found)


def _rate(name: str | None, on: dt.date, regions: np.ndarray) -> np.ndarray:
    if name is None:
        return np.zeros(regions.size)
    if name in NATIONAL_RATES:
        return np.broadcast_to(np.asarray(compute(name, on), dtype=np.float64), regions.shape)
    rate: np.ndarray = np.asarray(compute(name, on, region=regions), dtype=np.float64)
    if (rate < 0).any():
        raise AssessmentError(f"{name}: a negative rate for region {regions[rate < 0][0]} on {on}")
    return rate


# Half up to the cent after the 6-decimal clean-up, as socsec.rules.rounding.round_half_up_cents (amounts
# here are never negative, so sign(x) * floor(|x| + 0.5) is floor(x + 0.5)).
_HALF_UP = "CAST(floor(round(CAST(b.base_cents AS DOUBLE) * {rate}, 6) + 0.5) AS BIGINT)"


def _assess_sql() -> str:
    """One statement: the long rates table turned into one wide row per region x class x step (a few hundred
    rows), each declared row joined to its one wide row (its base bounded once), then crossed with the six
    schemes, each picking its two rates. Long-term care outside a pilot city is nothing."""
    schemes = list(PayrollScheme)
    wide = ", ".join(
        f"any_value({payer}_rate) FILTER (WHERE scheme = '{scheme.value}') AS {payer}_{i}"
        for i, scheme in enumerate(schemes)
        for payer in ("employer", "employee")
    )

    def part(payer: str) -> str:
        rate = " ".join(f"WHEN '{scheme.value}' THEN b.{payer}_{i}" for i, scheme in enumerate(schemes))
        amount = _HALF_UP.format(rate=f"CASE s.scheme {rate} END")
        return f"CASE WHEN s.care AND NOT b.pilot THEN 0 ELSE {amount} END AS {payer}_cents"

    values = ", ".join(f"('{scheme.value}')" for scheme in schemes)
    return f"""
WITH wide AS (
    SELECT region_code, industry_class, injury_float_step, any_value(floor_cents) AS floor_cents,
           any_value(ceiling_cents) AS ceiling_cents, {wide}
    FROM rates GROUP BY region_code, industry_class, injury_float_step
), b AS (
    SELECT d."row", d.employer_id, d.person_id, coalesce(d.ltc_pilot, false) AS pilot,
           least(greatest(CASE WHEN d.base_wage_cents IS NULL OR d.base_wage_cents = 0 THEN d.wage_cents
                               ELSE d.base_wage_cents END, w.floor_cents), w.ceiling_cents) AS base_cents, w.*
    FROM declared d
    JOIN wide w ON w.region_code = d.region_code AND w.industry_class = d.industry_class
               AND w.injury_float_step = d.injury_float_step
)
SELECT b."row", b.employer_id, b.person_id, s.scheme, b.base_cents, {part("employer")}, {part("employee")}
FROM b CROSS JOIN (
    SELECT scheme, scheme = '{PayrollScheme.LONG_TERM_CARE.value}' AS care FROM (VALUES {values}) v(scheme)
) s
"""


ASSESS_SQL = _assess_sql()


def assess_employee_months(
    declared: pa.Table, rates: pa.Table, *, connection: duckdb.DuckDBPyConnection | None = None
) -> pa.Table:
    """Every declared employee-month's base and employer's and employee's parts, one row per (row, scheme)
    (:data:`RESULT_SCHEMA`), in no particular order. ``declared`` has :data:`DECLARED_SCHEMA`'s columns
    (``base_wage_cents`` null or 0: the base is this month's wage - a new employee's first month; for the
    later months of a first year the caller passes that first month's wage as ``base_wage_cents``;
    ``ltc_pilot`` null: false); ``rates`` is :func:`resolve_employer_rates`' table for the month. A row the
    rules cannot assess refuses the whole call with :class:`EmployeeMonthRefused` (nothing is assessed)."""
    _check(declared)
    con = connection or duckdb.connect()
    try:
        con.register("declared", declared)
        con.register("rates", rates)
        result = con.sql(ASSESS_SQL).to_arrow_table()
        if result.num_rows != declared.num_rows * len(PayrollScheme):
            _refuse_unmatched(con)
        return result.cast(RESULT_SCHEMA)
    finally:
        con.unregister("declared")
        con.unregister("rates")
        if connection is None:
            con.close()


def _check(declared: pa.Table) -> None:
    """Columns present and filled, wages not negative: Arrow compute over whole columns."""
    missing = [name for name in DECLARED_SCHEMA.names if name not in declared.column_names]
    if missing:
        raise EmployeeMonthRefused(None, missing[0], "missing column")
    for name in REQUIRED:
        column = declared.column(name)
        if column.null_count:
            first = pc.index(pc.is_null(column), True).as_py()
            raise EmployeeMonthRefused(declared.column("row")[first].as_py(), name, "missing value")
    for name in ("wage_cents", "base_wage_cents"):
        negative = pc.less(declared.column(name), 0)
        if pc.any(negative).as_py():
            first = pc.index(negative, True).as_py()
            raise EmployeeMonthRefused(declared.column("row")[first].as_py(), name, "negative wage")


def _refuse_unmatched(con: duckdb.DuckDBPyConnection) -> None:
    """Name the first declared row without rates: its region, industry class or floating step is unknown."""
    rows = con.execute(
        """
        SELECT d."row", d.region_code, d.industry_class, d.injury_float_step,
               EXISTS (SELECT 1 FROM rates r WHERE r.region_code = d.region_code) AS region_known,
               EXISTS (SELECT 1 FROM rates r WHERE r.industry_class = d.industry_class) AS class_known
        FROM declared d
        WHERE NOT EXISTS (
            SELECT 1 FROM rates r WHERE r.region_code = d.region_code AND r.industry_class = d.industry_class
               AND r.injury_float_step = d.injury_float_step)
        ORDER BY d."row" LIMIT 1
        """
    ).fetchall()
    if not rows:
        raise AssessmentError("the rates table does not hold every scheme of a region, class and step declared")
    row, region, risk, step, region_known, class_known = rows[0]
    if not region_known:
        raise EmployeeMonthRefused(row, "region_code", f"no rates for region {region}")
    if not class_known:
        raise EmployeeMonthRefused(row, "industry_class", f"unknown industry risk class {risk}")
    raise EmployeeMonthRefused(row, "injury_float_step", f"floating step {step} is not allowed to class {risk}")


def explain_employee_month(
    *,
    month: dt.date,
    scheme: str,
    region_code: str,
    industry_class: int,
    injury_float_step: int,
    wage_cents: int,
    base_wage_cents: int | None,
    ltc_pilot: bool,
) -> dict[str, dict[str, Any]]:
    """The explanations of one assessed row's two parts (``employer`` and ``employee``), as the single-case
    formulas give them: inputs, every parameter with its date and reference, the steps and the rounding. For
    storing next to an amount; one call per row explained, so for the rows an officer looks at, not a month."""
    values: dict[str, Any] = {
        "region": region_code,
        "wage": wage_cents,
        "base_wage": base_wage_cents or 0,
        "industry_class": industry_class,
        "injury_float_step": injury_float_step,
        "ltc_pilot": bool(ltc_pilot),
    }
    explained: dict[str, dict[str, Any]] = {}
    for payer, name in zip(("employer", "employee"), CONTRIBUTION_FORMULAS[PayrollScheme(scheme)], strict=True):
        inputs = {key: value for key, value in values.items() if key in get_formula(name).inputs}
        explained[payer] = calc(name, month.replace(day=1), **inputs).as_dict()
    return explained
