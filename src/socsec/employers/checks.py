"""The row checks of a payroll declaration, set-based over the whole file (a month's payroll of one
employer): the employee (by resident ID or person id) against the employer's labour-relation engagements
in the month (one query), the wage against the region's minimum wage (the rules, once per region), the
last year's average wage, the industry risk class and the region. The rows that pass come out as one
table; the others go to the bounded error report of order files, with field and reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db.models import Q
from django.utils.translation import gettext_noop as noop

from socsec.batch.employer_assessment import resolve_employer_rates
from socsec.batch.errors import AssessmentError
from socsec.batch.uploads import Upload
from socsec.contributions.orders.report import RowCheck, RowErrors, add_checks
from socsec.contributions.orders.values import trimmed, trimmed_upper
from socsec.core.masking import mask_resident_id
from socsec.core.months import month_first_day, month_index, month_last_day
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.rules.coverage import Category
from socsec.rules.registry import RuleViolation

from .errors import PayrollRowErrorCode as Code
from .standing import standing_on

IDENTITY_REQUIRED = noop("a resident ID or a person id is required.")
NOT_EMPLOYED = noop("no labour-relation engagement of this employer for this employee in %(month)s.")
REPEATED = noop("the employee was declared already in row %(first)s of this file.")
BAD_WAGE = noop("%(value)s is not a whole number of cents.")
NEGATIVE_WAGE = noop("%(value)s is negative.")
BELOW_MINIMUM = noop("%(wage)s cents is below the minimum monthly wage of region %(region)s (%(minimum)s cents).")
BAD_CLASS = noop("%(value)s is not an industry risk class (1 to 8).")
NO_CLASS = noop("is required: the employer has no industry risk class on record.")
UNKNOWN_REGION = noop("unknown region code %(region)s.")
NO_RATES = noop("the rules have no contribution rates for region %(region)s in %(month)s.")
CLASS_DIFFERS = noop("%(value)s differs from industry risk class %(risk)s, which the agency set for this employer.")
REGION_DIFFERS = noop("%(region)s differs from the employee's work region on the engagement (%(work)s).")
STEP_NOT_ALLOWED = noop("industry risk class %(risk)s does not allow the employer's floating step %(step)s.")

LINE_SCHEMA = pa.schema(
    [
        ("row", pa.int64()),
        ("person_id", pa.int64()),
        ("region_code", pa.string()),
        ("industry_class", pa.int8()),
        ("wage_cents", pa.int64()),
        ("base_wage_cents", pa.int64()),
    ]
)


@dataclass
class CheckedPayroll:
    lines: pa.Table  # LINE_SCHEMA, the rows kept
    errors: RowErrors
    rows_total: int


def _integers(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each value as an integer (0 where none), and whether it is absent or not a whole number."""
    texts = trimmed(column).to_pylist()
    values = np.zeros(len(texts), dtype=np.int64)
    absent = np.zeros(len(texts), dtype=bool)
    bad = np.zeros(len(texts), dtype=bool)
    for i, text in enumerate(texts):
        if not text:
            absent[i] = True
            continue
        try:
            values[i] = int(text)
        except ValueError:
            bad[i] = True
    return values, absent, bad


class _Employees:
    """The employer's labour-relation engagements in the month, read in one query: each employee's resident
    ID index, person id and work region."""

    def __init__(self, employer: Organisation, month: str) -> None:
        first, last = month_first_day(month_index(month)), month_last_day(month_index(month))
        rows = Engagement.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first),
            organisation=employer,
            category=Category.LABOUR_RELATION.value,
            start_date__lte=last,
        ).values_list("person__resident_id_index", "person_id", "work_region__code")
        self.by_index: dict[str, int] = {}
        self.region: dict[int, str] = {}
        for index, person, region in rows:
            self.by_index[index] = person
            self.region[person] = region
        self._index_of = Person._meta.get_field("resident_id_index").index_of

    def persons(self, resident_ids: list[str], person_ids: np.ndarray, has_person_id: np.ndarray) -> np.ndarray:
        """Each row's employee (-1: none engaged so by this employer): by person id where given, else by
        resident ID (each distinct ID indexed once)."""
        known = {r: self.by_index.get(self._index_of(r), -1) for r in set(resident_ids) if r}
        found = np.array([known.get(r, -1) for r in resident_ids], dtype=np.int64)
        engaged = np.array([p in self.region for p in person_ids.tolist()], dtype=bool)
        return np.where(has_person_id, np.where(engaged, person_ids, -1), found)


def check_payroll(upload: Upload, *, employer: Organisation, month: str, keep_errors: int) -> CheckedPayroll:
    """Check every row of a payroll file for ``employer`` and ``month``."""
    errors = RowErrors(keep_errors)
    for number, reason, params in upload.rejected:
        errors.add(number, "row", Code.UNREADABLE, reason, params)
    table, numbers = upload.table, upload.numbers
    if table.num_rows == 0:
        return CheckedPayroll(LINE_SCHEMA.empty_table(), errors, upload.total)

    def raw(column: str, i: int) -> Any:
        return table.column(column)[i].as_py()

    resident = trimmed_upper(table["resident_id"]).to_pylist()
    person_id, no_person_id, bad_person_id = _integers(table["person_id"])
    has_person_id = ~no_person_id & ~bad_person_id

    def reference(i: int) -> str:
        return str(person_id[i]) if has_person_id[i] else mask_resident_id(resident[i]) if resident[i] else ""

    employees = _Employees(employer, month)
    people = employees.persons(resident, person_id, has_person_id)
    identified = has_person_id | np.array([bool(r) for r in resident], dtype=bool)
    engaged = people >= 0
    first_row: dict[int, int] = {}
    repeated = np.zeros(len(people), dtype=bool)
    firsts = np.zeros(len(people), dtype=np.int64)
    for i, p in enumerate(people.tolist()):
        if p < 0:
            continue
        if p in first_row:
            repeated[i], firsts[i] = True, first_row[p]
        else:
            first_row[p] = int(numbers[i])

    region = trimmed(table["region"])
    region_given = pc.not_equal(region, "").to_numpy(zero_copy_only=False)
    known_regions = pa.array(sorted(Region.objects.values_list("code", flat=True)), pa.string())
    region_known = pc.is_in(region, value_set=known_regions).to_numpy(zero_copy_only=False)
    engaged_region = [employees.region.get(p, "") for p in people.tolist()]
    regions = np.where(region_given, np.array(region.to_pylist(), dtype=object), np.array(engaged_region, dtype=object))

    wage, no_wage, bad_wage = _integers(table["wage_cents"])
    base, no_base, bad_base = _integers(table["base_wage_cents"])
    standing = standing_on(employer_id=employer.pk, day=month_first_day(month_index(month)))
    profile_class, step = standing.industry_class, standing.injury_float_step
    klass, no_class, bad_class = _integers(table["industry_class"])
    klass = np.where(no_class, profile_class or 0, klass)
    class_missing = no_class & (profile_class is None)
    class_bad = ~no_class & (bad_class | (klass < 1) | (klass > 8))
    # the agency sets an employer's risk class: a row may repeat it, not choose another
    class_differs = ~no_class & ~class_bad & (profile_class is not None) & (klass != (profile_class or 0))

    rates = _Rates(month, {str(r) for r, ok in zip(regions.tolist(), region_known | ~region_given, strict=True)
                           if r and ok})  # fmt: skip
    has_rates = np.array([rates.has_region(str(r)) for r in regions.tolist()], dtype=bool)
    step_allowed = np.array([rates.allows(str(r), int(k), step) for r, k in zip(regions.tolist(), klass.tolist(),
                                                                                 strict=True)], dtype=bool)  # fmt: skip
    minimum = np.array([rates.minimum_wage(str(r)) for r in regions.tolist()], dtype=np.float64)
    below = engaged & ~no_wage & ~bad_wage & (wage >= 0) & ~np.isnan(minimum) & (wage < np.nan_to_num(minimum))
    region_ok = ~region_given | region_known
    # the rates follow where the employee works (the engagement): a row may repeat that region, not choose another
    region_differs = (
        engaged
        & region_given
        & region_known
        & np.array([bool(w) for w in engaged_region], dtype=bool)
        & (np.array(region.to_pylist(), dtype=object) != np.array(engaged_region, dtype=object))
    )
    shown = {"month": month}
    checks = [
        RowCheck(Code.REQUIRED, "resident_id", 0, ~identified, lambda i: (IDENTITY_REQUIRED, {}), reference),
        RowCheck(Code.NOT_EMPLOYED, "person_id", 1, identified & ~engaged & has_person_id,
                 lambda i: (NOT_EMPLOYED, shown), reference),
        RowCheck(Code.NOT_EMPLOYED, "resident_id", 1, identified & ~engaged & ~has_person_id,
                 lambda i: (NOT_EMPLOYED, shown), reference),
        RowCheck(Code.REPEATED_EMPLOYEE, "resident_id", 2, repeated,
                 lambda i: (REPEATED, {"first": int(firsts[i])}), reference),
        RowCheck(Code.INVALID_WAGE, "wage_cents", 3, no_wage | bad_wage,
                 lambda i: (BAD_WAGE, {"value": repr(raw("wage_cents", i))}), reference),
        RowCheck(Code.NEGATIVE_WAGE, "wage_cents", 3, ~no_wage & ~bad_wage & (wage < 0),
                 lambda i: (NEGATIVE_WAGE, {"value": int(wage[i])}), reference),
        RowCheck(Code.BELOW_MINIMUM_WAGE, "wage_cents", 3, below,
                 lambda i: (BELOW_MINIMUM, {"wage": int(wage[i]), "region": str(regions[i]),
                                            "minimum": int(minimum[i])}), reference),
        RowCheck(Code.INVALID_WAGE, "base_wage_cents", 4, bad_base | (~no_base & (base < 0)),
                 lambda i: (BAD_WAGE, {"value": repr(raw("base_wage_cents", i))}), reference),
        RowCheck(Code.UNKNOWN_INDUSTRY_CLASS, "industry_class", 5, class_bad,
                 lambda i: (BAD_CLASS, {"value": repr(raw("industry_class", i))}), reference),
        RowCheck(Code.UNKNOWN_INDUSTRY_CLASS, "industry_class", 5, class_missing, lambda i: (NO_CLASS, {}), reference),
        RowCheck(Code.CLASS_DIFFERS, "industry_class", 5, class_differs,
                 lambda i: (CLASS_DIFFERS, {"value": int(klass[i]), "risk": int(profile_class or 0)}), reference),
        RowCheck(Code.REGION_DIFFERS, "region", 6, region_differs,
                 lambda i: (REGION_DIFFERS, {"region": str(regions[i]), "work": str(engaged_region[i])}), reference),
        RowCheck(Code.UNKNOWN_REGION, "region", 6, region_given & ~region_known,
                 lambda i: (UNKNOWN_REGION, {"region": repr(str(raw("region", i)).strip())}), reference),
        RowCheck(Code.NO_RATES, "region", 6, engaged & region_ok & ~has_rates,
                 lambda i: (NO_RATES, {"region": str(regions[i]), "month": month}), reference),
        RowCheck(Code.STEP_NOT_ALLOWED, "industry_class", 7,
                 engaged & has_rates & ~class_bad & ~class_missing & ~class_differs & ~region_differs & ~step_allowed,
                 lambda i: (STEP_NOT_ALLOWED, {"risk": int(klass[i]), "step": step}), reference),
    ]  # fmt: skip
    refused = add_checks(errors, numbers, checks)
    keep = ~refused
    lines = pa.table(
        [
            pa.array(numbers[keep], pa.int64()),
            pa.array(people[keep], pa.int64()),
            pa.array(regions[keep].tolist(), pa.string()),
            pa.array(klass[keep], pa.int8()),
            pa.array(wage[keep], pa.int64()),
            pa.array(base[keep], pa.int64(), mask=no_base[keep]),
        ],
        schema=LINE_SCHEMA,
    )
    return CheckedPayroll(lines, errors, upload.total)


class _Rates:
    """The rules' rates of the month for the regions declared (``resolve_employer_rates``, asked once; a
    region the rules have no figures for is found by asking region by region, and has no rates)."""

    def __init__(self, month: str, regions: set[str]) -> None:
        on = month_first_day(month_index(month))
        self._minimum: dict[str, float] = {}
        self._allowed: set[tuple[str, int, int]] = set()
        try:
            tables = [resolve_employer_rates(month=on, region_codes=sorted(regions))]
        except (RuleViolation, AssessmentError):
            tables = []
            for region in sorted(regions):
                try:
                    tables.append(resolve_employer_rates(month=on, region_codes=[region]))
                except (RuleViolation, AssessmentError):
                    continue
        for table in tables:
            columns = table.select(["region_code", "industry_class", "injury_float_step", "minimum_wage_cents"])
            for region, risk, step, minimum in zip(*(c.to_pylist() for c in columns.columns), strict=True):
                self._allowed.add((region, int(risk), int(step)))
                self._minimum[region] = np.nan if minimum is None else float(minimum)

    def has_region(self, region: str) -> bool:
        return region in self._minimum

    def allows(self, region: str, risk: int, step: int) -> bool:
        return (region, risk, step) in self._allowed

    def minimum_wage(self, region: str) -> float:
        """The region's monthly minimum wage in cents (NaN: none known, the row is not held to one)."""
        return self._minimum.get(region, np.nan)
