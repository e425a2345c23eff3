"""A worker's own contributions on the pages: join a scheme the rules leave voluntary for them, pay one
they joined through the payment provider (the amount explained first), see how the payment went, and ask a
platform to withhold. The same services as the API; their refusals shown at the field they concern."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from socsec.accounts.access import access_person, principal_of, require_worker
from socsec.accounts.permissions import Principal
from socsec.contributions.own.checkout import own_payment_start, provider_payment_get, provider_payments_of
from socsec.contributions.own.enrolments import enrolment_join, enrolments_of, joinable_schemes
from socsec.contributions.own.payments import own_contribution_quote
from socsec.core.errors import DomainError
from socsec.coverage.selectors import coverage_for
from socsec.registry.models import Person
from socsec.rules.coverage import Scheme as RuleScheme

from .common import is_htmx, refusal_message
from .own_forms import FIELD_OF, BaseBounds, PayForm


def worker_person(request: HttpRequest) -> tuple[Principal, Person]:
    p = principal_of(request)
    return p, access_person(p, require_worker(p))


def show_refusal(form: forms.Form, exc: DomainError) -> str | None:
    """Puts a service's refusal at the form's field it concerns; the message when no field fits."""
    message = refusal_message(exc)
    field = FIELD_OF.get(exc.field or "")
    if field in form.fields:
        form.add_error(field, message)
        return None
    return message


@login_required
def my_join(request: HttpRequest) -> HttpResponse:
    """The schemes the worker may join today, with why, and those they joined."""
    p, person = worker_person(request)
    today = timezone.localdate()
    error, status = None, 200
    if request.method == "POST":
        try:
            enrolment_join(actor=p.actor, person=person, scheme=request.POST.get("scheme", "")[:30], today=today)
        except DomainError as exc:
            error, status = refusal_message(exc), exc.status
        else:
            return redirect("web:my_join")
    joined = list(enrolments_of(person_id=person.pk))
    joined_schemes = {e.scheme for e in joined}
    coverage = coverage_for(person, today)
    open_to_join = [coverage.scheme(RuleScheme(s)) for s in joinable_schemes(person, today) if s not in joined_schemes]
    context = {"joined": joined, "open_to_join": open_to_join, "error": error, "today": today}
    return render(request, "web/my_join.html", context, status=status)


@login_required
def my_pay(request: HttpRequest) -> HttpResponse:
    """Step 1: scheme, base or tier, first month and how many; step 2 (action "quote", htmx swaps the
    form): the amount explained; step 3 (action "pay"): the payment starts and the person goes to the
    payment provider. Bad values are refused at their field and nothing is written."""
    p, person = worker_person(request)
    today = timezone.localdate()
    schemes = [e.scheme for e in enrolments_of(person_id=person.pk)]
    bounds = BaseBounds.of(person, today)
    form = PayForm(request.POST if request.method == "POST" else None, schemes=schemes, bounds=bounds, today=today)
    quote: dict[str, Any] | None = None
    error = None
    if request.method == "POST" and form.is_valid():
        args = form.service_args()
        try:
            amounts, plan = own_contribution_quote(actor=p.actor, person=person, today=today, **args)
            quote = {"a": amounts, "months": plan.months, "args": args, "changed": False}
            if request.POST.get("action") == "pay":
                if request.POST.get("quoted") == str(amounts.paid):
                    _payment, started = own_payment_start(actor=p.actor, person=person, today=today, **args)
                    return _go(request, started.redirect_url)
                quote["changed"] = True  # the form changed since the amount was shown: show it again
        except DomainError as exc:
            error = show_refusal(form, exc)
    mark_errors(form)
    status = 422 if request.method == "POST" and (form.errors or error) else 200
    context = {"form": form, "quote": quote, "error": error, "schemes": schemes}
    template = "web/_pay_form.html" if is_htmx(request) else "web/my_pay.html"
    return render(request, template, context, status=status)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect; for htmx, the header that makes it load the page whole."""
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def mark_errors(form: forms.Form) -> None:
    """Ties each refused field's input to its message (``<p id="ID-error">``) for screen readers."""
    for name in form.errors:
        if name in form.fields:
            bound = form[name]
            form.fields[name].widget.attrs.update(
                {"aria-describedby": f"{bound.auto_id}-error", "aria-invalid": "true"}
            )


@login_required
def my_payment(request: HttpRequest, reference: str) -> HttpResponse:
    """One payment: waiting for the provider, paid and booked, cancelled, or not booked (to be refunded)."""
    _p, person = worker_person(request)
    payment = provider_payment_get(person_id=person.pk, reference=reference)
    return render(request, "web/my_payment.html", {"payment": payment})


def recent_payments(person_id: int) -> list[Any]:
    return list(provider_payments_of(person_id=person_id)[:10])
