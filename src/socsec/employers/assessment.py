"""The month's assessment of an employer's accepted payroll declaration: its lines read in one query, the
rules' employer assessment core run over them all at once on DuckDB (``socsec.batch.employer_assessment``),
and the
amounts stored per employee, month and scheme in bulk, replacing what an earlier run (or the declaration a
correction replaced) stored for the month. A constant number of queries whatever the payroll's size
(inserts in statements of bounded size); re-running it gives the same rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.batch.employer_assessment import DECLARED_SCHEMA, assess_employee_months, resolve_employer_rates
from socsec.batch.errors import AssessmentError
from socsec.core.bulk import insert_rows
from socsec.core.errors import NotFound, ValidationFailed
from socsec.core.months import month_first_day, month_index
from socsec.registry.models import Organisation
from socsec.rules.context import Context
from socsec.rules.parameters import load_parameters

from .errors import EmployerErrorCode
from .models import EmployerContribution, PayrollDeclaration, PayrollLine
from .standing import standing_on

STORED_COLUMNS = (
    "employer_id",
    "person_id",
    "month",
    "scheme",
    "declaration_id",
    "line_id",
    "base_cents",
    "employer_cents",
    "employee_cents",
)


def accepted_declaration(*, employer: Organisation, month: str) -> PayrollDeclaration:
    declaration = PayrollDeclaration.objects.filter(
        employer=employer, month=month, status=PayrollDeclaration.Status.ACCEPTED
    ).first()
    if declaration is None:
        raise NotFound(
            "no accepted payroll declaration of %(employer)s for %(month)s",
            field="month",
            code=EmployerErrorCode.NOT_DECLARED,
            params={"employer": employer.code, "month": month},
        )
    return declaration


def declared_table(declaration: PayrollDeclaration) -> tuple[pa.Table, dict[int, int]]:
    """The declaration's lines as the core reads them (one query), and each row's line id."""
    month_start = month_first_day(month_index(declaration.month))
    step = standing_on(employer_id=declaration.employer_id, day=month_start).injury_float_step
    lines = list(
        PayrollLine.objects.filter(declaration=declaration)
        .order_by("row")
        .values_list("id", "row", "person_id", "region_code", "industry_class", "wage_cents", "base_wage_cents")
    )
    ids = {row: line for line, row, *_ in lines}
    regions = [r[3] for r in lines]
    table = pa.table(
        [
            pa.array([r[1] for r in lines], pa.int64()),
            pa.array([declaration.employer_id] * len(lines), pa.int64()),
            pa.array([r[2] for r in lines], pa.int64()),
            pa.array(regions, pa.string()),
            pa.array([r[4] for r in lines], pa.int8()),
            pa.array([step] * len(lines), pa.int8()),
            pa.array([r[5] for r in lines], pa.int64()),
            pa.array([r[6] for r in lines], pa.int64()),
            pa.array(ltc_pilot(regions, declaration.month), pa.bool_()),
        ],
        schema=DECLARED_SCHEMA,
    )
    return table, ids


def ltc_pilot(regions: list[str], month: str) -> list[bool]:
    """Whether each region is a long-term care pilot city on the month's first day (the rules' list)."""
    if not regions:
        return []
    day = np.datetime64(month_first_day(month_index(month)), "D")
    names = sorted(set(regions))
    values = Context(load_parameters()).by_key(
        "long_term_care.pilot_city", np.array(names), np.full(len(names), day), default=0.0
    )
    pilot = {n: bool(v == 1.0) for n, v in zip(names, values.tolist(), strict=True)}
    return [pilot[r] for r in regions]


def employer_month_assess(
    *, actor: Actor, employer: Organisation, month: str, when: dt.datetime | None = None
) -> PayrollDeclaration:
    """Assess ``employer``'s accepted declaration of ``month`` and store the amounts (replacing the
    month's earlier ones)."""
    with transaction.atomic():
        declaration = accepted_declaration(employer=employer, month=month)
        declared, line_ids = declared_table(declaration)
        try:
            rates = resolve_employer_rates(
                month=month_first_day(month_index(month)),
                region_codes=sorted(set(declared.column("region_code").to_pylist())),
            )
            assessed = assess_employee_months(declared, rates)
        except AssessmentError as exc:  # the rows were checked against the same rates: the rules changed
            raise ValidationFailed(
                "payroll: the month cannot be assessed (%(reason)s)", field="month", params={"reason": str(exc)}
            ) from None
        contributions_store(declaration=declaration, assessed=assessed, line_ids=line_ids)
        declaration.assessed_at = when or timezone.now()
        declaration.save(update_fields=["assessed_at"])
        audit_record(actor=actor, action="payroll.assess", instance=declaration)
    return declaration


def contributions_store(*, declaration: PayrollDeclaration, assessed: pa.Table, line_ids: dict[int, int]) -> int:
    """Store the core's result for the declaration's month (one row per declared row and scheme), in
    place of whatever the month held for the employer. Returns the rows stored."""
    EmployerContribution.objects.filter(employer_id=declaration.employer_id, month=declaration.month).delete()
    columns = assessed.to_pydict()
    rows = [
        (employer, person, declaration.month, scheme, declaration.pk, line_ids[row], base, er, ee)
        for row, employer, person, scheme, base, er, ee in zip(
            columns["row"],
            columns["employer_id"],
            columns["person_id"],
            columns["scheme"],
            columns["base_cents"],
            columns["employer_cents"],
            columns["employee_cents"],
            strict=True,
        )
    ]
    insert_rows(EmployerContribution, STORED_COLUMNS, rows, returning=False)
    return len(rows)
