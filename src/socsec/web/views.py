"""Pages. Thin: read the request, check permission through ``socsec.accounts.access`` (its refusals become
403 and 404 pages in ``socsec.web.middleware``), call a selector, render. htmx requests get the fragment
only."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socsec.accounts.access import (
    access_person,
    access_person_shown,
    principal_of,
    require,
    require_platform,
    require_staff,
    require_staff_or_platform,
    require_worker,
)
from socsec.accounts.models import Role
from socsec.accounts.permissions import may_view_coverage, may_view_projections
from socsec.accounts.reads import record_read
from socsec.contributions.collection.arrears import arrears_page, late_payment_daily_rate
from socsec.contributions.statements import contribution_record, platform_statement, worker_statement
from socsec.core.csvsafe import csv_writer
from socsec.core.errors import ValidationFailed
from socsec.core.money import format_yuan, parse_yuan
from socsec.coverage.overview import coverage_overview
from socsec.coverage.selectors import SCHEME_ORDER, coverage_for
from socsec.coverage.tasks import coverage_counts_request
from socsec.ledger.selectors import AccountStatement
from socsec.registry import selectors
from socsec.rules.coverage import SCHEME_LABELS, Status

from .claims.person import person_claims_context
from .common import date_param as _date_param
from .common import is_htmx
from .data_access import data_access_rows
from .employers import employer_arrears_context, employer_contributions_context
from .ledger_text import described, scheme_text
from .own import recent_payments
from .paging import page_of, size_of
from .partners import person_partner_data_context
from .projections import projection_page, table_csv

T = TypeVar("T")


def _decided_on(read: Callable[[dt.date], T], on: dt.date, date_error: str | None) -> tuple[T, dt.date, str | None]:
    """Coverage read on the date asked, or today's where none can be decided on it (before the rules were
    in force), with a note saying so."""
    try:
        return read(on), on, date_error
    except ValidationFailed:
        today = timezone.localdate()
        note = _("No coverage can be decided on %(value)s; showing %(day)s.") % {
            "value": on.isoformat(),
            "day": today.isoformat(),
        }
        return read(today), today, note


def _year_param(request: HttpRequest) -> tuple[int, str | None]:
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    if not raw:
        return this_year, None
    if raw.isascii() and raw.isdigit() and 1990 <= int(raw) <= this_year + 1:
        return int(raw), None
    return this_year, _("“%(value)s” is not a year; showing %(year)s.") % {"value": raw, "year": this_year}


def _csv_response(rows: list[list[object]], filename: str) -> HttpResponse:
    out = io.StringIO()
    csv_writer(out).writerows(rows)
    return _csv_text_response(out.getvalue(), filename)


def _csv_text_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")  # BOM: opens in Excel
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _ledger_rows(st: AccountStatement, debit: str, credit: str) -> list[list[object]]:
    """A statement as CSV rows in the reader's language (its lines described by ``ledger_text``)."""
    st = described(st)
    rows: list[list[object]] = [[_("Date"), _("Description"), debit, credit, _("Balance (yuan)")]]
    rows.append([st.start.isoformat(), _("Balance brought forward"), "", "", format_yuan(st.opening_cents)])
    for line in st.lines:
        rows.append(
            [
                line.booked_on.isoformat(),
                line.description,
                format_yuan(line.debit_cents) if line.debit_cents else "",
                format_yuan(line.credit_cents) if line.credit_cents else "",
                format_yuan(line.balance_cents),
            ]
        )
    rows.append([st.end.isoformat(), _("Balance carried forward"), "", "", format_yuan(st.closing_cents)])
    return rows


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    p = principal_of(request)
    if p.role == Role.WORKER:
        return redirect("web:my_coverage")
    if p.role == Role.AUDITOR:
        return redirect("web:audit")
    if p.role == Role.SUPERVISOR:
        return redirect("web:overview")
    if p.role == Role.PLATFORM:
        return redirect("web:platform_orders")
    return redirect("web:person_search")


@login_required
def my_coverage(request: HttpRequest) -> HttpResponse:
    p = principal_of(request)
    person = access_person(p, require_worker(p))
    coverage, on, date_error = _decided_on(partial(coverage_for, person), *_date_param(request))
    context = {
        "person": person,
        "engagements": selectors.engagements_of(person=person),
        "coverage": coverage,
        "on": on,
        "date_error": date_error,
    }
    if is_htmx(request):
        return render(request, "web/_coverage.html", context)
    return render(request, "web/my_coverage.html", {**context, "reads": data_access_rows(person.pk)})


@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    """The worker's record month by month: who paid for their cover, through which platform, where."""
    person_id = require_worker(principal_of(request))
    lines = contribution_record(person_id=person_id)
    by_month: dict[str, int] = {}
    for line in lines:
        by_month[line.month] = by_month.get(line.month, 0) + (line.amount_cents if line.covered else 0)
    peak = max(by_month.values(), default=0) or 1
    bars = [{"month": m, "cents": c, "share": 100 * c / peak} for m, c in sorted(by_month.items())]
    context = {"lines": lines, "bars": bars, "payments": recent_payments(person_id)}
    return render(request, "web/my_contributions.html", context)


@login_required
def person_search(request: HttpRequest) -> HttpResponse:
    own = require_staff_or_platform(principal_of(request), "workers cannot search persons")
    query = request.GET.get("q", "").strip()
    page = page_of(request, selectors.persons_matching(query=query, organisation=own).order_by("id") if query else [])
    people = selectors.as_declared(page.items, own) if own is not None else page.items
    people = sorted(people, key=lambda x: (x.name, x.pk))  # names are encrypted: sorted within the page
    record_read(principal_of(request), [x.pk for x in people], "person search")
    context = {"query": query, "people": people, "page": page}
    template = "web/_person_results.html" if is_htmx(request) else "web/person_search.html"
    return render(request, template, context)


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    p = principal_of(request)
    person = access_person_shown(p, person_id)  # a platform sees the person as it declared them
    on, date_error = _date_param(request)
    coverage = None
    if may_view_coverage(p, person):
        coverage, on, date_error = _decided_on(partial(coverage_for, person), on, date_error)
    if is_htmx(request) and coverage is not None:
        record_read(p, [person.pk], "coverage")
        return render(
            request,
            "web/_coverage.html",
            {"person": person, "coverage": coverage, "on": on, "date_error": date_error},
        )
    context = {
        "person": person,
        "engagements": selectors.engagements_of(person=person, organisation=p.own_organisation),
        "coverage": coverage,
        "on": on,
        "date_error": date_error,
        **person_claims_context(p, person),
        **employer_contributions_context(p, person.pk),
        **person_partner_data_context(p, person.pk),
    }
    record_read(p, [person.pk], "person record")
    return render(request, "web/person_detail.html", context)


STATUS_ORDER = [Status.MANDATORY, Status.VOLUNTARY, Status.COVERED_ELSEWHERE, Status.NOT_ELIGIBLE]


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Everyone's coverage per scheme on a date, as stacked bars with the numbers beside them: the kept
    counts of that date (``coverage_overview``), as of the time they were counted, which staff may have
    counted again (``overview_refresh``)."""
    require_staff(principal_of(request))
    (counts, computed_at), on, date_error = _decided_on(coverage_overview, *_date_param(request))
    rows = []
    by_scheme = counts.by_scheme if counts is not None else {}
    for scheme in SCHEME_ORDER if by_scheme else []:
        by_status = by_scheme[scheme]
        total = sum(by_status.values()) or 1
        parts = [(status, by_status[status], 100 * by_status[status] / total) for status in STATUS_ORDER]
        rows.append({"scheme": scheme, "label": SCHEME_LABELS[scheme], "parts": parts})
    context = {
        "counts": counts,
        "computed_at": computed_at,
        "rows": rows,
        "statuses": STATUS_ORDER,
        "on": on,
        "date_error": date_error,
        "queued": request.GET.get("queued") == "1",
    }
    template = "web/_overview.html" if is_htmx(request) else "web/overview.html"
    return render(request, template, context)


@login_required
@require_POST
def overview_refresh(request: HttpRequest) -> HttpResponse:
    """Queue a count of everyone's coverage on the date shown; the overview says it is under way."""
    require_staff(principal_of(request))
    try:
        on = dt.date.fromisoformat(request.POST.get("on", ""))
    except ValueError:
        on = timezone.localdate()
    try:
        coverage_counts_request(on=on)
    except ValidationFailed:
        return redirect(f"{reverse('web:overview')}?on={on.isoformat()}")
    return redirect(f"{reverse('web:overview')}?on={on.isoformat()}&queued=1")


@login_required
def my_statement(request: HttpRequest) -> HttpResponse:
    """The worker's statement for a year: per scheme the months covered and who paid, and the
    individual pension account from the balance brought forward to the balance carried forward."""
    person_id = require_worker(principal_of(request))
    year, error = _year_param(request)
    st = worker_statement(person_id=person_id, year=year)
    if request.GET.get("format") == "csv":
        header = [_("Scheme"), _("Months covered"), _("You (yuan)"), _("Government (yuan)")]
        rows: list[list[object]] = [[*header, _("Platforms (yuan)"), _("Total (yuan)")]]
        rows += [
            [
                scheme_text(s.scheme),
                s.months_covered,
                *(format_yuan(c) for c in (s.self_cents, s.government_cents, s.platform_cents, s.total_cents)),
            ]
            for s in st.schemes
        ]
        account = _ledger_rows(st.individual_account, _("Taken out (yuan)"), _("Credited (yuan)"))
        return _csv_response([*rows, [], *account], f"statement-{year}.csv")
    years = range(timezone.localdate().year, 2019, -1)
    context = {"st": st, "account": described(st.individual_account), "year": year, "years": years, "error": error}
    return render(request, "web/my_statement.html", context)


@login_required
def platform_statement_page(request: HttpRequest) -> HttpResponse:
    """The platform's account with the agency over a period: invoices, payments, credit notes and
    the running balance it owes."""
    platform = require_platform(principal_of(request))
    today = timezone.localdate()
    start, start_error = _date_param(request, "start", dt.date(today.year, 1, 1))
    end, end_error = _date_param(request, "end", today)
    error = start_error or end_error
    if start > end:
        start, end, error = end, start, _("The start came after the end; the dates were swapped.")
    st = platform_statement(platform=platform, start=start, end=end)
    if request.GET.get("format") == "csv":
        rows = _ledger_rows(st.account, _("Invoiced (yuan)"), _("Paid or credited (yuan)"))
        return _csv_response(rows, f"statement-{platform.code}-{start}-{end}.csv")
    context = {"st": st, "account": described(st.account), "start": start, "end": end, "error": error}
    return render(request, "web/platform_statement.html", context)


ARREARS_PAGE = 50


@login_required
def officer_arrears(request: HttpRequest) -> HttpResponse:
    """Unpaid invoices past due with the late-payment surcharge to date, a page at a time: platform by
    platform, each oldest due first, the next page after the last invoice shown (``after``); only the
    page is reckoned, and its totals are the page's."""
    require_staff(principal_of(request))
    on, date_error = _date_param(request)
    size = size_of(request, ARREARS_PAGE)
    after_raw = request.GET.get("after", "")
    after = int(after_raw) if after_raw.isascii() and after_raw.isdigit() and len(after_raw) <= 18 else None
    try:
        rows, more = arrears_page(on=on, limit=size, after=after)
    except ValidationFailed:  # an invoice that is not there: from the start
        rows, more, after = *arrears_page(on=on, limit=size), None
    query = request.GET.copy()
    query.pop("after", None)
    first_query = query.urlencode()
    if more:
        query["after"] = str(rows[-1].invoice.pk)
    context = {
        **employer_arrears_context(request, on, param="employer_after"),
        "rows": rows,
        "on": on,
        "date_error": date_error,
        "total_outstanding": sum(r.outstanding_cents for r in rows),
        "total_surcharge": sum(r.surcharge_cents for r in rows),
        "daily_rate": late_payment_daily_rate(on),
        "paged": more or after is not None,
        "first_query": first_query if after is not None else "",
        "next_query": query.urlencode() if more else "",
    }
    return render(request, "web/arrears.html", context)


@login_required
def projections(request: HttpRequest) -> HttpResponse:
    """Supervisors run shipped scenarios side by side: summary, charts, CSV tables. Bad input runs nothing."""
    require(may_view_projections(principal_of(request)), "only a supervisor may run projections")
    page = projection_page(request.GET, request.path)
    if request.GET.get("format") == "csv" and page.result is not None:
        table = request.GET.get("table", "summary")
        text = table_csv(page, table)
        if text is None:
            return render(request, "web/not_found.html", status=404)
        return _csv_text_response(text, f"projection-{table}.csv")
    template = "web/_projection_result.html" if is_htmx(request) else "web/projections.html"
    return render(request, template, {"page": page}, status=422 if page.error else 200)


@login_required
def my_pension_estimate(request: HttpRequest) -> HttpResponse:
    """The worker's pension estimate at the statutory age, in today's money, with every assumption; the
    base and the months paid a year can be changed (htmx swaps the result)."""
    from socsec.benefits.selectors import pension_estimate

    p = principal_of(request)
    person = access_person(p, require_worker(p))
    error = None
    raw_base, raw_months = request.GET.get("base", ""), request.GET.get("months_per_year", "12")
    base_cents = None
    if raw_base:
        try:
            base_cents = parse_yuan(raw_base)
            if base_cents <= 0:
                raise ValueError(raw_base)
        except ValueError:
            error, base_cents = (
                _("“%(value)s” is not an amount in yuan; the lowest base is used.") % {"value": raw_base},
                None,
            )
    months = int(raw_months) if raw_months.isascii() and raw_months.isdigit() and 0 <= int(raw_months) <= 12 else 12
    estimate = pension_estimate(
        person=person, today=timezone.localdate(), base_cents=base_cents, months_per_year=months
    )
    total = estimate.months_on_record + estimate.months_to_come
    scale = max(total, estimate.minimum_months, 1)
    context = {
        "e": estimate,
        "error": error,
        "base": raw_base,
        "months_per_year": months,
        "total_months": total,
        "shares": {
            "record": 100 * estimate.months_on_record / scale,
            "to_come": 100 * estimate.months_to_come / scale,
            "minimum": 100 * estimate.minimum_months / scale,
        },
        "missing_months": max(0, estimate.minimum_months - total),
    }
    template = "web/_pension_estimate.html" if is_htmx(request) else "web/my_pension_estimate.html"
    return render(request, template, context)
