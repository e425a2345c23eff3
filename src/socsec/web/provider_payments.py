"""The officers' view of workers' payments through a payment provider that need a person: those paid but
not booked (FAILED: the money is owed back) and the provider's callbacks that were refused. Read-only;
every staff role reads it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require_staff
from socsec.contributions.own.checkout import provider_payments_failed, rejected_callbacks

SHOWN = 200  # the most recent of each list

REASONS = {
    "BAD_SIGNATURE": gettext_lazy("the signature does not match"),
    "MALFORMED": gettext_lazy("the message cannot be read"),
    "STALE": gettext_lazy("the time stamp is too old or in the future"),
    "UNKNOWN_REFERENCE": gettext_lazy("no payment has this reference"),
    "REPLAY": gettext_lazy("sent before, or the payment is settled already"),
    "AMOUNT_MISMATCH": gettext_lazy("the amount differs from the payment's"),
}


@login_required
def officer_provider_payments(request: HttpRequest) -> HttpResponse:
    require_staff(principal_of(request))
    rejected = [(r, REASONS.get(r.reason, r.reason)) for r in rejected_callbacks()[:SHOWN]]
    context = {"failed": list(provider_payments_failed()[:SHOWN]), "rejected": rejected}
    return render(request, "web/officer_provider_payments.html", context)
