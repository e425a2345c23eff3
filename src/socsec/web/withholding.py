"""A worker asks a platform they work through to withhold their own pension or medical contribution at
source, sees their withholdings, and ends one (after a confirmation step). The same services as the API."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from socsec.contributions.own.mandates import (
    withholding_get,
    withholding_mandate_create,
    withholding_mandate_end,
    withholding_of,
)
from socsec.core.errors import DomainError
from socsec.registry import selectors
from socsec.registry.models import Organisation

from .common import refusal_message
from .own import mark_errors, show_refusal, worker_person
from .own_forms import BaseBounds, WithholdingForm


@login_required
def my_withholding(request: HttpRequest) -> HttpResponse:
    p, person = worker_person(request)
    today = timezone.localdate()
    platforms = {
        e.organisation.code: e.organisation.name
        for e in selectors.engagements_of(person=person, active_on=today)
        if e.organisation.kind == Organisation.Kind.PLATFORM
    }
    bounds = BaseBounds.of(person, today)
    data = request.POST if request.method == "POST" else None
    form = WithholdingForm(data, platforms=sorted(platforms.items()), bounds=bounds, today=today)
    error = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            withholding_mandate_create(
                actor=p.actor,
                person=person,
                platform=selectors.organisation_get(code=d["platform"]),
                scheme=d["scheme"],
                declared_base_cents=d["base"],
                valid_from=dt.date.fromisoformat(f"{d['valid_from']}-01"),
                today=today,
            )
        except DomainError as exc:
            error = show_refusal(form, exc)
        else:
            return redirect("web:my_withholding")
    mark_errors(form)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "mandates": list(withholding_of(person_id=person.pk)), "error": error, "today": today}
    return render(request, "web/my_withholding.html", context, status=status)


@login_required
def my_withholding_end(request: HttpRequest, mandate_id: int) -> HttpResponse:
    """Asks first (it cannot be undone); on the confirmation, ends the withholding."""
    p, person = worker_person(request)
    mandate = withholding_get(person_id=person.pk, mandate_id=mandate_id)  # another's answers as absent
    error = None
    if request.method == "POST":
        try:
            withholding_mandate_end(actor=p.actor, mandate=mandate)
        except DomainError as exc:
            error = refusal_message(exc)
        else:
            return redirect("web:my_withholding")
    return render(request, "web/my_withholding_end.html", {"m": mandate, "error": error}, status=409 if error else 200)
