"""The employer's pages: a month's payroll uploaded (the order files' reader, checks report and downloads),
its declarations with their error reports, its statement (per month the totals per scheme, and the
employees page by page with their bases and parts), and its arrears with the late-payment surcharge."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from socsec.accounts.access import access_person, principal_of, require_platform
from socsec.accounts.permissions import Principal
from socsec.accounts.reads import record_read
from socsec.batch.uploads import UPLOAD_FORMATS
from socsec.core.errors import DomainError
from socsec.core.months import month_index, month_name
from socsec.employers.columns import PAYROLL_COLUMNS
from socsec.employers.declarations import EMPLOYER_KINDS, payroll_declare
from socsec.employers.explanations import contribution_explanation
from socsec.employers.models import SCHEMES, EmployerContribution, PayrollDeclaration
from socsec.employers.selectors import (
    contributions_of_person,
    declarations_of,
    statement_lines,
    statement_month,
    statement_months,
    statement_persons,
)
from socsec.registry.models import Organisation
from socsec.taxexchange.arrears import EmployerArrear, employer_arrears_page

from .common import date_param, is_htmx, refusal_message
from .downloads import download_format, table_response
from .paging import page_of, size_of
from .uploads import READ_AS, SHOWN_ERRORS, chosen_upload, error_rows

SCHEME_LABELS = {
    "PENSION": gettext_lazy("Pension"),
    "MEDICAL": gettext_lazy("Medical"),
    "MATERNITY": gettext_lazy("Maternity"),
    "UNEMPLOYMENT": gettext_lazy("Unemployment"),
    "WORK_INJURY": gettext_lazy("Work injury"),
    "LONG_TERM_CARE": gettext_lazy("Long-term care"),
}


def _employer(request: HttpRequest) -> Organisation:
    organisation = require_platform(principal_of(request), "only an employer may do this")
    if organisation.kind not in EMPLOYER_KINDS:
        raise Http404("not an employer")
    return organisation


def payroll_error_headers() -> list[str]:
    return [_("Row number"), _("Employee"), _("Column"), _("Reason"), _("Code")]


def _months() -> list[str]:
    """The months an employer may declare on the page: the last twelve, last month first."""
    this = month_index(timezone.localdate())
    return [month_name(this - k) for k in range(1, 13)]


@login_required
def employer_payroll(request: HttpRequest) -> HttpResponse:
    """An employer uploads a month's payroll file and sees the outcome, the first errors and its
    declarations."""
    p = principal_of(request)
    employer = _employer(request)
    months = _months()
    result, error = None, None
    month = request.POST.get("month", months[0])
    if request.method == "POST":
        upload, fmt, error = chosen_upload(
            request, UPLOAD_FORMATS.values(), _("The file must end in .csv, .xlsx, .parquet or .jsonl.")
        )
        if upload is not None:
            try:
                result, _replayed = payroll_declare(
                    actor=p.actor,
                    employer=employer,
                    month=month,
                    content=upload.read(),
                    fmt=fmt,
                    idempotency_key=request.POST.get("idempotency_key", ""),
                    correction=request.POST.get("correction") == "on",
                    source=f"upload:{upload.name}",
                )
            except DomainError as exc:
                error = refusal_message(exc)
    context = {
        "months": months,
        "month": month,
        "declarations": list(declarations_of(employer=employer)[:50]),
        "result": result,
        "read_as": READ_AS.get(result.read_as, "") if result else "",
        "shown_errors": error_rows(result.errors[:SHOWN_ERRORS], PAYROLL_COLUMNS) if result else [],
        "more_errors": result is not None and result.rows_invalid > SHOWN_ERRORS,
        "error_headers": payroll_error_headers(),
        "error": error,
        "idempotency_key": uuid.uuid4().hex,
    }
    template = "web/_employer_payroll_outcome.html" if is_htmx(request) else "web/employer_payroll.html"
    return render(request, template, context, status=422 if error and not is_htmx(request) else 200)


@login_required
def employer_payroll_errors(request: HttpRequest, declaration_id: int) -> HttpResponse:
    """A declaration's error report in the reader's language, as CSV or (``?format=xlsx``) a workbook."""
    employer = _employer(request)
    declaration = PayrollDeclaration.objects.filter(pk=declaration_id, employer=employer).first()
    if declaration is None:
        raise Http404("no such declaration")
    fmt = download_format(request.GET.get("format", ""))
    rows = error_rows(declaration.errors, PAYROLL_COLUMNS)
    return table_response([(_("Errors"), payroll_error_headers(), rows)], f"payroll-{declaration.pk}-errors", fmt)


@login_required
def employer_payroll_template(request: HttpRequest) -> HttpResponse:
    """An empty payroll file with the headers in the reader's language and one example row."""
    _employer(request)
    fmt = download_format(request.GET.get("format", ""))
    zh = (get_language() or "").startswith("zh")
    headers = PAYROLL_COLUMNS.headers("zh" if zh else "en")
    example = [c.example for c in PAYROLL_COLUMNS.columns]
    return table_response([(_("Payroll"), headers, [example])], "payroll-template", fmt)


@login_required
def employer_statement(request: HttpRequest) -> HttpResponse:
    """The months assessed with their totals; with ``?month=``, that month's employees page by page."""
    employer = _employer(request)
    months = statement_months(employer=employer, limit=24)
    month = request.GET.get("month", "")
    chosen = next((m for m in months if m.month == month), None)
    page = lines = None
    if chosen is not None:
        page = page_of(request, statement_persons(employer=employer, month=month), size=25)
        lines = statement_lines(employer=employer, month=month, persons=list(page.items))
        record_read(principal_of(request), list(page.items), "employer contributions")
    context = {
        "months": months,
        "chosen": chosen if chosen is None else statement_month(employer=employer, month=month),
        "page": page,
        "lines": lines,
        "schemes": [(s, SCHEME_LABELS[s]) for s in SCHEMES],
    }
    return render(request, "web/employer_statement.html", context)


def employer_contributions_context(p: Principal, person_id: int) -> dict[str, object]:
    """What the person's page shows of the employer contributions assessed for them: staff see every
    employer's, an employer its own; anyone else none."""
    if not p.is_staff and p.own_organisation is None:
        return {"employer_contributions": None}
    rows = contributions_of_person(person_id=person_id, employer=None if p.is_staff else p.own_organisation)
    return {"employer_contributions": rows, "scheme_labels": SCHEME_LABELS}


@login_required
def employer_contribution_detail(request: HttpRequest, person_id: int, contribution_id: int) -> HttpResponse:
    """One assessed amount of an employee, with the rules' explanation of both parts."""
    p = principal_of(request)
    person = access_person(p, person_id)
    rows = EmployerContribution.objects.select_related("employer", "line").filter(pk=contribution_id, person=person)
    if not p.is_staff:
        if p.own_organisation is None:
            raise Http404("not visible")
        rows = rows.filter(employer=p.own_organisation)
    contribution = rows.first()
    if contribution is None:
        raise Http404("no such contribution")
    record_read(p, [person.pk], "employer contributions")
    context = {
        "person": person,
        "c": contribution,
        "scheme": SCHEME_LABELS.get(contribution.scheme, contribution.scheme),
        "explanation": contribution_explanation(contribution),
    }
    return render(request, "web/employer_contribution.html", context)


EMPLOYER_ARREARS_PAGE = 25


def _position(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


def employer_arrears_context(
    request: HttpRequest, on: dt.date, *, employer: Organisation | None = None, param: str = "after"
) -> dict[str, object]:
    """A page of the employers' arrears on ``on`` (one employer's, or all), the next page after the last
    month shown (``param`` in the address, so a page may hold other lists); its totals are the page's."""
    after = _position(request.GET.get(param, ""))
    size = size_of(request, EMPLOYER_ARREARS_PAGE)
    rows, more = employer_arrears_page(on=on, limit=size, employer=employer, after=after)
    names = Organisation.objects.in_bulk(sorted({a.employer_id for a in rows}))
    query = request.GET.copy()
    query.pop(param, None)
    first_query = query.urlencode() if after is not None else ""
    if more:
        query[param] = str(rows[-1].position)
    arrears: list[tuple[Organisation, EmployerArrear]] = [(names[a.employer_id], a) for a in rows]
    return {
        "employer_rows": arrears,
        "employer_total_outstanding": sum(a.outstanding_cents for a in rows),
        "employer_total_surcharge": sum(a.surcharge_cents for a in rows),
        "employer_first_query": first_query,
        "employer_next_query": query.urlencode() if more else "",
        "employer_paged": more or after is not None,
    }


@login_required
def employer_arrears(request: HttpRequest) -> HttpResponse:
    """The employer's months not fully collected by the day asked (today by default), as they stood that
    day, with the late-payment surcharge day by day; a page at a time, the oldest month first."""
    employer = _employer(request)
    on, date_error = date_param(request)
    context = {"on": on, "date_error": date_error, **employer_arrears_context(request, on, employer=employer)}
    return render(request, "web/employer_arrears.html", context)
