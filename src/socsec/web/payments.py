"""The officer's page of payments platforms declared: those waiting for the bank or an officer, where an
officer confirms one (with the day the money arrived and a reason), a second officer approves a large
one, or an officer rejects one; and those whose bank line differs (MISMATCHED), for review."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from socsec.accounts.access import principal_of, require, require_staff
from socsec.accounts.permissions import Principal, may_confirm_payments
from socsec.contributions.collection.declarations import (
    OPEN,
    payment_declaration_approve,
    payment_declaration_confirm,
    payment_declaration_reject,
    second_officer_threshold_cents,
)
from socsec.contributions.collection.selectors import declaration_get, declarations_list
from socsec.contributions.models import PaymentDeclaration
from socsec.core.errors import DomainError

from .common import refusal_message
from .paging import page_of


@login_required
def officer_payments(request: HttpRequest) -> HttpResponse:
    """Declared payments not yet booked, oldest first, a page at a time, with the forms their state allows."""
    p = principal_of(request)
    require_staff(p)
    error: str | None = None
    status = 200
    if request.method == "POST":
        require(may_confirm_payments(p), "only an officer confirms, approves or rejects a declared payment")
        error, status = _post(request, p)
        if error is None:
            return redirect("web:officer_payments")
    page = page_of(request, declarations_list(statuses=[*OPEN, PaymentDeclaration.Status.MISMATCHED]))
    context = {
        "rows": page.items,
        "page": page,
        "threshold": second_officer_threshold_cents(timezone.localdate()),
        "may_act": may_confirm_payments(p),
        "me": p.actor.user_id,
        "error": error,
        "today": timezone.localdate(),
    }
    return render(request, "web/officer_payments.html", context, status=status)


def _post(request: HttpRequest, p: Principal) -> tuple[str | None, int]:
    raw_id = request.POST.get("declaration", "")
    if not (raw_id.isascii() and raw_id.isdigit()):
        return _("The form was incomplete; reload the page and try again."), 422
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        declaration = declaration_get(declaration_id=int(raw_id))
        if action == "confirm":
            try:
                received_on = dt.date.fromisoformat(request.POST.get("received_on", ""))
            except ValueError:
                return _("Enter the day the money arrived."), 422
            payment_declaration_confirm(actor=p.actor, declaration=declaration, received_on=received_on, reason=reason)
        elif action == "approve":
            payment_declaration_approve(actor=p.actor, declaration=declaration)
        elif action == "reject":
            payment_declaration_reject(actor=p.actor, declaration=declaration, reason=reason)
        else:
            return _("Unknown action."), 422
    except DomainError as exc:
        return refusal_message(exc), exc.status
    return None, 200
