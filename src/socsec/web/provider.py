"""The payment provider's side: the local provider's page, where the person pays or cancels (it then sends
the signed callback, as a real provider would, and returns the person to their payment), and the callback
endpoint a provider posts to. A callback that changes nothing answers 400 and is recorded by the service."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from socsec.accounts.access import principal_of, require_worker
from socsec.contributions.models import ProviderPayment
from socsec.contributions.own.checkout import own_payment_callback, provider_payment_get
from socsec.contributions.own.providers import CANCELLED, PAID, LocalProvider


@login_required
def local_provider(request: HttpRequest, reference: str) -> HttpResponse:
    """The local provider's page for a payment of the person's: the amount, "pay" or "cancel". Absent
    where the local provider is not registered (the production profile)."""
    if LocalProvider.code not in settings.SOCSEC_PAYMENT_PROVIDERS:
        raise Http404("no such page")
    payment = provider_payment_get(person_id=require_worker(principal_of(request)), reference=reference)
    if request.method == "POST" and payment.status == ProviderPayment.Status.PENDING:
        outcome = PAID if request.POST.get("outcome") == "pay" else CANCELLED
        body, headers = LocalProvider().callback(
            reference=payment.reference, outcome=outcome, amount_cents=payment.amount_cents, now=timezone.now()
        )
        own_payment_callback(provider_code=LocalProvider.code, body=body, headers=headers)
        return redirect("web:my_payment", reference=payment.reference)
    return render(request, "web/local_provider.html", {"payment": payment})


@csrf_exempt  # posted by the provider, not by a browser: the signature is the check
@require_POST
def provider_callback(request: HttpRequest, provider: str) -> JsonResponse:
    payment = own_payment_callback(provider_code=provider[:30], body=request.body, headers=request.headers)
    if payment is None:
        return JsonResponse({"status": "rejected"}, status=400)
    return JsonResponse({"status": payment.status, "reference": payment.reference})
