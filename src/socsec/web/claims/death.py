"""An officer records a death notice from the person's page, after a confirmation step: the next payment
run stops the person's benefits from the month after the death (each stop then waits in the review queue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import access_person, principal_of, require, require_staff
from socsec.accounts.permissions import may_decide_claims
from socsec.accounts.reads import record_read
from socsec.benefits.payments import death_notice_record
from socsec.benefits.selectors import death_notice_of
from socsec.core.errors import DomainError

from ..common import refusal_message


class DeathNoticeForm(forms.Form):
    died_on = forms.DateField(label=gettext_lazy("Date of death"), widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.CharField(
        label=gettext_lazy("Where the notice comes from"),
        max_length=120,
        help_text=gettext_lazy("For example: the civil registry's certificate number, or the hospital."),
    )

    def clean_died_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["died_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of death cannot be in the future."))
        return day

    def tie_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-describedby": f"id_{name}-error", "aria-invalid": "true"})


@login_required
def death_notice_page(request: HttpRequest, person_id: int) -> HttpResponse:
    p = principal_of(request)
    require_staff(p)
    require(may_decide_claims(p), "only officers record a death notice")
    person = access_person(p, person_id)
    notice = death_notice_of(person_id=person.pk)
    form = DeathNoticeForm(request.POST if request.method == "POST" else None)
    error, status, confirming = None, 200, False
    if request.method == "POST" and notice is None:
        if not form.is_valid():
            form.tie_errors()
            error, status = _("Please correct the fields marked below."), 422
        elif request.POST.get("confirmed") != "1":
            confirming = True
        else:
            data: dict[str, Any] = form.cleaned_data
            try:
                death_notice_record(actor=p.actor, person_id=person.pk, died_on=data["died_on"], source=data["source"])
            except DomainError as exc:
                error, status = refusal_message(exc), exc.status
            else:
                return redirect("web:person_detail", person_id=person.pk)
    record_read(p, [person.pk], "death notice")
    context = {"person": person, "notice": notice, "form": form, "error": error, "confirming": confirming}
    return render(request, "web/officer_death_notice.html", context, status=status)
