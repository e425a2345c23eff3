"""Employers over the API: a month's payroll declared per employee (a JSON array, JSON lines, CSV, .xlsx or
Parquet, idempotent by key; a correction replaces the month), the declarations and their error reports,
the statements of what was assessed (per month the totals per scheme, and its employees page by page), and
its arrears with the late-payment surcharge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param

from socsec.accounts.access import access_organisation, principal_of, require_staff_or_platform
from socsec.accounts.permissions import Principal
from socsec.accounts.reads import record_read
from socsec.api.base import api
from socsec.api.bounds import Day
from socsec.api.orders import batch_content
from socsec.api.responses import PageIn, decode_cursor, encode_cursor, page_of, paginate, responses
from socsec.contributions.orders.selectors import error_report_csv
from socsec.core.errors import NotFound
from socsec.employers.declarations import month_check, payroll_declare
from socsec.employers.models import PayrollDeclaration
from socsec.employers.selectors import (
    MonthTotals,
    declarations_of,
    statement_employees,
    statement_month,
    statement_months,
)
from socsec.registry.models import Organisation
from socsec.taxexchange.arrears import employer_arrears_page

router = Router()
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class PayrollErrorOut(Schema):
    row: int
    employee: str = Field(description="The employee as the row named them (person id, or resident ID masked).")
    field: str
    code: str
    message: str


class PayrollDeclarationOut(Schema):
    id: int
    employer: str
    month: str
    kind: str
    status: str
    replaces: int | None
    idempotency_key: str
    rows_total: int
    rows_valid: int
    rows_invalid: int
    error_counts: dict[str, int]
    errors: list[PayrollErrorOut]
    created_at: dt.datetime
    assessed_at: dt.datetime | None

    @staticmethod
    def of(d: PayrollDeclaration) -> dict[str, Any]:
        return {
            "id": d.pk,
            "employer": d.employer.code,
            "month": d.month,
            "kind": d.kind,
            "status": d.status,
            "replaces": d.replaces_id,
            "idempotency_key": d.idempotency_key,
            "rows_total": d.rows_total,
            "rows_valid": d.rows_valid,
            "rows_invalid": d.rows_invalid,
            "error_counts": d.error_counts,
            "errors": [
                {
                    "row": e["row"],
                    "employee": e.get("order_id", ""),
                    "field": e["field"],
                    "code": e["code"],
                    "message": e["message"],
                }
                for e in d.errors
            ],  # fmt: skip
            "created_at": d.created_at,
            "assessed_at": d.assessed_at,
        }


PAYROLL_BODY = {
    "requestBody": {
        "required": True,
        "description": "The payroll, one row per employee: resident_id or person_id, wage_cents, and optionally "
        "base_wage_cents (last year's monthly average wage), industry_class (1-8; default the employer's) and "
        "region (default the engagement's work region). A JSON array of rows, JSON lines, CSV with a header "
        "(English or Chinese headers; UTF-8 or GB18030/GBK), an .xlsx workbook, or Parquet.",
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "application/x-ndjson": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                "schema": {"type": "string", "format": "binary"}
            },
        },
    }
}


def _employer(p: Principal, code: str | None) -> Organisation:
    """The employer the caller acts or reads for: its own organisation, or (staff) the one named."""
    own = require_staff_or_platform(p, "only an employer or agency staff may do this")
    if own is not None:
        if code and code != own.code:
            raise NotFound("no organisation with code %(code)r", field="employer", params={"code": code})
        return own
    if not code:
        raise NotFound("no organisation with code %(code)r", field="employer", params={"code": ""})
    return access_organisation(p, code)


@router.post(
    "/employers/payroll/declarations",
    response=responses({201: PayrollDeclarationOut}, 404, 409, 413),
    tags=["employers"],
    openapi_extra=PAYROLL_BODY,
)
def declare_payroll(
    request: HttpRequest,
    month: str = param.Query(..., pattern=MONTH_PATTERN, description="The month declared (YYYY-MM)."),
    correction: bool = param.Query(False, description="Replace the month's accepted declaration."),
    employer: str | None = param.Query(None, max_length=40, description="Staff only: the employer's code."),
    idempotency_key: str = param.Header(
        ...,
        alias="Idempotency-Key",
        description="The employer's key of this declaration (1-100 characters): the same key with the same rows "
        "is answered with the first declaration; with other rows it is refused (409).",
    ),
) -> HttpResponse:
    """A month's payroll. Each row is checked: an employee without a labour-relation engagement with the
    employer in the month, a wage that is not a whole number of cents, negative or below the region's
    minimum wage, an unknown industry class or region are refused with the row, field and reason; the
    good rows are kept and assessed at once. A month already declared is refused (409
    ``month_already_declared``): send ``correction=true`` to replace it (the earlier declaration is kept,
    REPLACED). Nothing is half written."""
    p = principal_of(request)
    organisation = _employer(p, employer)
    content, fmt = batch_content(request)
    declaration, replayed = payroll_declare(
        actor=p.actor,
        employer=organisation,
        month=month,
        content=content,
        fmt=fmt,
        idempotency_key=idempotency_key,
        correction=correction,
        source="api",
    )
    response = api.create_response(request, PayrollDeclarationOut.of(declaration), status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


class DeclarationFilter(PageIn):
    employer: str | None = Field(None, max_length=40, description="Staff only: one employer's declarations.")


@router.get(
    "/employers/payroll/declarations",
    response=responses({200: page_of(PayrollDeclarationOut)}, 404),
    tags=["employers"],
)
def list_payroll_declarations(request: HttpRequest, filters: Query[DeclarationFilter]) -> dict[str, Any]:
    """An employer's declarations, newest first."""
    organisation = _employer(principal_of(request), filters.employer)
    return paginate(
        declarations_of(employer=organisation).select_related("employer"),
        filters,
        PayrollDeclarationOut.of,
        newest_first=True,
    )


def _declaration(request: HttpRequest, declaration_id: int) -> PayrollDeclaration:
    p = principal_of(request)
    own = require_staff_or_platform(p, "only an employer or agency staff may do this")
    found = PayrollDeclaration.objects.select_related("employer").filter(pk=declaration_id).first()
    if found is None or (own is not None and found.employer_id != own.pk):
        raise NotFound("no payroll declaration with id %(id)s", field="declaration_id", params={"id": declaration_id})
    return found


@router.get(
    "/employers/payroll/declarations/{declaration_id}",
    response=responses({200: PayrollDeclarationOut}, 404),
    tags=["employers"],
)
def get_payroll_declaration(request: HttpRequest, declaration_id: int) -> dict[str, Any]:
    return PayrollDeclarationOut.of(_declaration(request, declaration_id))


@router.get(
    "/employers/payroll/declarations/{declaration_id}/errors.csv",
    response=responses({200: None}, 404),
    tags=["employers"],
    openapi_extra={
        "responses": {
            "200": {
                "description": "The declaration's error report (row, employee, field, code, message)",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def get_payroll_declaration_errors(request: HttpRequest, declaration_id: int) -> HttpResponse:
    declaration = _declaration(request, declaration_id)
    response = HttpResponse(error_report_csv(declaration), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payroll-{declaration.pk}-errors.csv"'
    return response


class SchemeTotalOut(Schema):
    scheme: str
    base_cents: int
    employer_cents: int
    employee_cents: int


class MonthTotalsOut(Schema):
    month: str
    employees: int
    schemes: list[SchemeTotalOut]
    employer_cents: int
    employee_cents: int
    total_cents: int

    @staticmethod
    def of(t: MonthTotals) -> dict[str, Any]:
        return {
            "month": t.month,
            "employees": t.employees,
            "schemes": [vars(s) for s in t.schemes],
            "employer_cents": t.employer_cents,
            "employee_cents": t.employee_cents,
            "total_cents": t.total_cents,
        }


class StatementMonthsOut(Schema):
    items: list[MonthTotalsOut]
    next_before: str | None = Field(None, description="Send as `before` for older months; null at the end.")


@router.get("/employers/statements", response=responses({200: StatementMonthsOut}, 404), tags=["employers"])
def list_employer_statements(
    request: HttpRequest,
    employer: str | None = param.Query(None, max_length=40, description="Staff only: the employer's code."),
    before: str | None = param.Query(None, pattern=MONTH_PATTERN, description="Months before this one."),
    limit: int = param.Query(12, ge=1, le=120),
) -> dict[str, Any]:
    """The months an employer was assessed, newest first, each with its totals per scheme."""
    organisation = _employer(principal_of(request), employer)
    months = statement_months(employer=organisation, before=before, limit=limit + 1)
    more = len(months) > limit
    months = months[:limit]
    return {"items": [MonthTotalsOut.of(m) for m in months], "next_before": months[-1].month if more else None}


class EmployeeStatementOut(Schema):
    person_id: int
    schemes: list[SchemeTotalOut]
    employer_cents: int
    employee_cents: int


class MonthStatementOut(Schema):
    totals: MonthTotalsOut
    items: list[EmployeeStatementOut]
    next_cursor: str | None = Field(None, description="Send as `cursor` for the next page; null at the end.")


@router.get("/employers/statements/{month}", response=responses({200: MonthStatementOut}, 404), tags=["employers"])
def get_employer_statement(
    request: HttpRequest,
    month: str,
    filters: Query[PageIn],
    employer: str | None = param.Query(None, max_length=40, description="Staff only: the employer's code."),
) -> dict[str, Any]:
    """One month's statement: the totals per scheme (base, employer's and employee's parts), and the
    employees page by page (by person id) with their lines per scheme."""
    p = principal_of(request)
    organisation = _employer(p, employer)
    month_check(month)
    after = decode_cursor(filters.cursor)
    lines, more = statement_employees(employer=organisation, month=month, after_person=after, limit=filters.limit)
    record_read(p, [line.person_id for line in lines], "employer contributions")
    return {
        "totals": MonthTotalsOut.of(statement_month(employer=organisation, month=month)),
        "items": [
            {
                "person_id": line.person_id,
                "schemes": [vars(s) for s in line.ordered()],
                "employer_cents": line.employer_cents,
                "employee_cents": line.employee_cents,
            }
            for line in lines
        ],
        "next_cursor": encode_cursor(lines[-1].person_id) if more else None,
    }


class EmployerArrearOut(Schema):
    employer: str
    month: str
    due_on: dt.date
    outstanding_cents: int
    days_late: int
    surcharge_cents: int
    explanation: dict[str, Any]


class EmployerArrearsFilter(PageIn):
    on: Day | None = Field(None, description="The day the arrears stood (default today).")
    employer: str | None = Field(None, max_length=40, description="Staff only: the employer's code.")


@router.get("/employers/arrears", response=responses({200: page_of(EmployerArrearOut)}, 404, 422), tags=["employers"])
def list_employer_arrears(request: HttpRequest, filters: Query[EmployerArrearsFilter]) -> dict[str, Any]:
    """An employer's months not fully paid by the day (default today) after their due day, as they stood
    that day: a later payment counts from the day paid, and the late-payment surcharge (reckoned day by
    day, every stretch in the explanation) stops there. Oldest month first; only the page is reckoned."""
    organisation = _employer(principal_of(request), filters.employer)
    rows, more = employer_arrears_page(
        on=filters.on or timezone.localdate(),
        employer=organisation,
        after=decode_cursor(filters.cursor),
        limit=filters.limit,
    )
    items = [
        {
            "employer": organisation.code,
            "month": a.month,
            "due_on": a.due_on,
            "outstanding_cents": a.outstanding_cents,
            "days_late": a.days_late,
            "surcharge_cents": a.surcharge_cents,
            "explanation": a.explanation(),
        }
        for a in rows
    ]
    return {"items": items, "next_cursor": encode_cursor(rows[-1].position) if more else None}
