"""The tax exchange on the pages: officers see each handover document's state and results (a page at a
time, filtered by month and state, the lists refreshed by htmx); an employer sees, per employee, month
and scheme, what the tax authority collected of its contributions: paid, part paid or unpaid."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from socsec.accounts.access import principal_of, require_platform, require_staff
from socsec.accounts.reads import record_read
from socsec.core.months import month_of
from socsec.employers.undeclared import employers_not_declaring, undeclared_row
from socsec.registry.selectors import as_declared
from socsec.taxexchange.models import CollectionResult, Handover
from socsec.taxexchange.selectors import (
    employer_results,
    handover_counts,
    handover_get,
    handover_results,
    handovers_list,
)

from .common import is_htmx
from .paging import page_of
from .uploads import row_error_text

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _month(request: HttpRequest) -> str:
    month = request.GET.get("month", "").strip()
    return month if MONTH.match(month) else ""


def _choice(request: HttpRequest, name: str, values: list[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in values else ""


@login_required
def officer_tax_handovers(request: HttpRequest) -> HttpResponse:
    """The handover documents, the latest month first, with their state."""
    require_staff(principal_of(request))
    month, state = _month(request), _choice(request, "state", Handover.State.values)
    page = page_of(request, handovers_list(month=month, state=state))
    context = {"page": page, "month": month, "state": state, "states": Handover.State.choices}
    template = "web/_tax_handovers.html" if is_htmx(request) else "web/officer_tax_handovers.html"
    return render(request, template, context)


@login_required
def officer_tax_handover(request: HttpRequest, handover_id: int) -> HttpResponse:
    """One document: its state, receipt, attempts, refused results, and its results a page at a time."""
    require_staff(principal_of(request))
    handover = handover_get(handover_id=handover_id)
    page = page_of(request, handover_results(handover))
    refused = [{**r, "reason": row_error_text({"message": r["reason"], **r})} for r in handover.refused or []]
    context = {"handover": handover, "counts": handover_counts(handover), "page": page, "refused": refused}
    template = "web/_tax_results.html" if is_htmx(request) else "web/officer_tax_handover.html"
    return render(request, template, context)


@login_required
def officer_employers_not_declaring(request: HttpRequest) -> HttpResponse:
    """The employers with labour relations in force in a month (last month unless asked) that did not declare
    it, a page at a time: from the tax collection's go-live on, their employees have no month on record."""
    require_staff(principal_of(request))
    month = _month(request) or month_of(timezone.localdate(), -1)
    go_live = str(settings.SOCSEC_TAX_EXCHANGE.get("collected_from") or "")
    page = page_of(request, employers_not_declaring(month=month))
    rows = [undeclared_row(month, r) for r in page.items]
    context = {"page": page, "rows": rows, "month": month, "go_live": go_live, "before_go_live": month < go_live}
    template = "web/_employers_not_declaring.html" if is_htmx(request) else "web/officer_employers_not_declaring.html"
    return render(request, template, context)


@login_required
def employer_tax_results(request: HttpRequest) -> HttpResponse:
    """The employer's contributions as the tax authority collected them, per employee, month and scheme."""
    p = principal_of(request)
    employer = require_platform(p)
    month, status = _month(request), _choice(request, "status", CollectionResult.Status.values)
    page = page_of(request, employer_results(employer=employer, month=month, status=status))
    declared = {x.pk: x for x in as_declared([r.person for r in page.items], employer)}
    record_read(p, list(declared), "contributions collected")
    rows = [{"result": r, "name": declared[r.person_id].name} for r in page.items]
    context = {
        "page": page,
        "rows": rows,
        "month": month,
        "status": status,
        "statuses": CollectionResult.Status.choices,
    }
    template = "web/_employer_tax_results.html" if is_htmx(request) else "web/employer_tax_results.html"
    return render(request, template, context)
