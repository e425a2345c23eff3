"""A platform's invoices on the page: each one's lines (province, sector, orders, per-order amount,
amount), its status in words, what was paid and what is left, and how to pay it: the agency's account,
the reference to quote and the due date. The statement (CSV) is linked from the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from socsec.accounts.access import principal_of, require_platform
from socsec.contributions.collection.invoice_lines import InvoiceLine, invoice_lines
from socsec.contributions.collection.outstanding import InvoiceState, InvoiceStatus, invoices_of
from socsec.contributions.models import Invoice
from socsec.registry.models import Organisation

PAGE_SIZE = 12


def payment_reference(invoice: Invoice) -> str:
    """The reference a platform quotes when it pays this invoice alone: one per transfer, since the bank
    statement's lines are matched to payments (and declarations) by payer and reference, and a second line
    with a reference already booked is taken as the same payment."""
    return f"INV-{invoice.pk}"


# the badge of each status
STATUS_CLASSES = {
    InvoiceStatus.CREDIT_NOTE: "credit",
    InvoiceStatus.NOTHING_DUE: "paid",
    InvoiceStatus.PAID: "paid",
    InvoiceStatus.PART_PAID: "open",
    InvoiceStatus.UNPAID: "open",
    InvoiceStatus.PART_PAID_OVERDUE: "overdue",
    InvoiceStatus.UNPAID_OVERDUE: "overdue",
}


def invoice_status(state: InvoiceState, today: dt.date) -> tuple[str, str]:
    """The invoice's status in words (``InvoiceStatus``), and a class for its badge."""
    status = replace(state, today=today).status
    return str(status.label), STATUS_CLASSES[status]


@dataclass(frozen=True)
class InvoiceRow:
    state: InvoiceState
    status: str
    status_class: str
    paid_cents: int  # paid or credited
    lines: list[InvoiceLine] | None
    reference: str


def payer_words(platform: Organisation) -> SafeString:
    """The payer as the bank transfer names it: the platform's name (a name) and its code (a code)."""
    name = format_html('<span class="name">{}</span>', platform.name)
    if platform.credit_code:
        words = _("%(name)s, unified social credit code %(code)s")
        code = format_html("<code>{}</code>", platform.credit_code)
    else:
        words = _("%(name)s, platform code %(code)s")
        code = format_html("<code>{}</code>", platform.code)
    return mark_safe(words % {"name": name, "code": code})  # the translation is ours; both values are escaped


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
        "payer": payer_words(platform),
        "account_number": account["number"],
        "account_name": account["name_zh"] if chinese else account["name"],
        "account_bank": account["bank_zh"] if chinese else account["bank"],
        "year_start": dt.date(today.year, 1, 1),
        "today": today,
    }
    return render(request, "web/platform_invoices.html", context)
