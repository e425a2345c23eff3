"""The officer's queue of automatic decisions against a person (a payment run's stops from a death notice,
a new engagement or platform orders while on unemployment benefit), each with what triggered it, where an
officer confirms or lifts it with the reason, after a confirmation step."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require, require_staff
from socsec.accounts.permissions import may_decide_claims
from socsec.accounts.reads import record_read
from socsec.benefits.models import Suspension
from socsec.benefits.suspensions import suspension_confirm, suspension_get, suspension_lift, suspensions_to_review
from socsec.core.errors import DomainError

from ..common import refusal_message

St = Suspension.Status
PER_PAGE = 25
TRIGGER_LABELS = {
    Suspension.Trigger.DEATH: gettext_lazy("A death notice"),
    Suspension.Trigger.ENGAGEMENT: gettext_lazy("A new engagement in the registry"),
    Suspension.Trigger.ORDERS: gettext_lazy("Platform orders while on unemployment benefit"),
}
STATE_LABELS = {
    St.PENDING: gettext_lazy("Waiting for an officer"),
    St.CONFIRMED: gettext_lazy("Confirmed"),
    St.LIFTED: gettext_lazy("Lifted"),
}


class SuspensionDecision(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("confirm", gettext_lazy("Confirm: the benefit stays stopped")),
            ("lift", gettext_lazy("Lift: pay again from the stopped month")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason, in words the person understands"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@login_required
def suspension_queue(request: HttpRequest) -> HttpResponse:
    """The stops of one state, oldest first (those waiting for an officer by default), paged."""
    p = principal_of(request)
    require_staff(p)
    state = request.GET.get("state", St.PENDING)
    state = state if state in St.values or state == "all" else St.PENDING
    rows = suspensions_to_review(status="" if state == "all" else state)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    record_read(p, [s.person_id for s in page.object_list], "suspension queue")
    context = {
        "page": page,
        "state": state,
        "states": [(s, STATE_LABELS[St(s)]) for s in St.values],
        "triggers": TRIGGER_LABELS,
        "state_labels": STATE_LABELS,
    }
    return render(request, "web/officer_suspensions.html", context)


@login_required
def suspension_detail(request: HttpRequest, suspension_id: int) -> HttpResponse:
    """One stop with its evidence; confirm or lift it with the reason (a second step confirms)."""
    p = principal_of(request)
    require_staff(p)
    suspension = suspension_get(suspension_id=suspension_id)
    form = SuspensionDecision(request.POST if request.method == "POST" else None)
    error, status, confirming = None, 200, False
    if request.method == "POST":
        require(may_decide_claims(p), "only officers decide on suspensions")
        if not form.is_valid():
            error, status = _("Please correct the fields marked below."), 422
        elif request.POST.get("confirmed") != "1":
            confirming = True  # the step that says what will happen, before anything is written
        else:
            decide = suspension_lift if form.cleaned_data["decision"] == "lift" else suspension_confirm
            try:
                decide(actor=p.actor, suspension=suspension, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                error, status = refusal_message(exc), exc.status
            else:
                return redirect("web:officer_suspension", suspension_id=suspension.pk)
    record_read(p, [suspension.person_id], "suspension")
    context = {
        "s": suspension,
        "form": form,
        "error": error,
        "confirming": confirming,
        "trigger": TRIGGER_LABELS[Suspension.Trigger(suspension.trigger)],
        "state_label": STATE_LABELS[St(suspension.status)],
        "may_act": may_decide_claims(p) and suspension.status == St.PENDING,
    }
    return render(request, "web/officer_suspension.html", context, status=status)
