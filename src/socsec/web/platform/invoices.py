"""A platform's invoices on the page: each one's lines (province, sector, orders, per-order amount,
amount), its status in words, what was paid and what is left, and how to pay it: the agency's account,
the reference to quote and the due date. The statement (CSV) is linked from the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from socsec.accounts.access import principal_of, require_platform
from socsec.contributions.collection.invoice_lines import InvoiceLine, invoice_lines
from socsec.contributions.collection.outstanding import InvoiceState, invoices_of
from socsec.contributions.models import Invoice
from socsec.registry.models import Organisation

PAGE_SIZE = 12


def payment_reference(invoice: Invoice) -> str:
    """The reference a platform quotes when it pays this invoice alone: one per transfer, since the bank
    statement's lines are matched to payments (and declarations) by payer and reference, and a second line
    with a reference already booked is taken as the same payment."""
    return f"INV-{invoice.pk}"


def invoice_status(state: InvoiceState, today: dt.date) -> tuple[str, str]:
    """The invoice's status in words, and a class for its badge."""
    amount, left = state.invoice.amount_cents, state.outstanding_cents
    if amount < 0:
        return _("Credit note: taken off your oldest unpaid invoices"), "credit"
    if amount == 0:
        return _("Nothing to pay"), "paid"
    if left == 0:
        return _("Paid"), "paid"
    overdue = state.invoice.due_on < today
    if left < amount:
        return (_("Partly paid, overdue") if overdue else _("Partly paid")), "overdue" if overdue else "open"
    return (_("Unpaid, overdue") if overdue else _("Unpaid")), "overdue" if overdue else "open"


@dataclass(frozen=True)
class InvoiceRow:
    state: InvoiceState
    status: str
    status_class: str
    paid_cents: int  # paid or credited
    lines: list[InvoiceLine] | None
    reference: str


@login_required
def platform_invoices(request: HttpRequest) -> HttpResponse:
    platform = require_platform(principal_of(request))
    today = timezone.localdate()
    page = Paginator(invoices_of(platform=platform), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for state in page.object_list:
        status, css = invoice_status(state, today)
        amount = state.invoice.amount_cents
        rows.append(
            InvoiceRow(
                state,
                status,
                css,
                amount - state.outstanding_cents if amount > 0 else 0,
                invoice_lines(state.invoice),
                payment_reference(state.invoice),
            )
        )
    account = settings.SOCSEC_COLLECTION_ACCOUNT
    chinese = (get_language() or "").startswith("zh")
    context = {
        "rows": rows,
        "page": page,
        "platform": platform,
        "payer": _payer(platform),
        "account_number": account["number"],
        "account_name": account["name_zh"] if chinese else account["name"],
        "account_bank": account["bank_zh"] if chinese else account["bank"],
        "year_start": dt.date(today.year, 1, 1),
        "today": today,
    }
    return render(request, "web/platform_invoices.html", context)


def _payer(platform: Organisation) -> str:
    """Who pays, as the bank transfer names them: the name and the credit code (or the platform's code), the
    code marked as code."""
    if platform.credit_code:
        text, code = _("%(name)s, unified social credit code %(code)s"), platform.credit_code
    else:
        text, code = _("%(name)s, platform code %(code)s"), platform.code
    return mark_safe(text % {"name": escape(platform.name), "code": format_html("<code>{}</code>", code)})  # noqa: S308
