"""The officer records a payment received (platform, the bank reference or invoice number, amount, day)
as a declared payment (the service the platforms' API calls), then reconciles it on the payments page:
confirmed with a reason (a second officer above the threshold), or matched to a line of the bank
statement uploaded here (the service ``socsec ingest payments`` calls)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_confirm_payments
from socsec.contributions.collection.bank_statements import bank_statement_import
from socsec.contributions.collection.declarations import payment_declare
from socsec.contributions.errors import ContributionErrorCode
from socsec.core.errors import DomainError
from socsec.registry import selectors
from socsec.registry.models import Organisation

from .common import refusal_message
from .fields import YuanField, describe_inputs

MAX_STATEMENT_BYTES = 5 * 1024 * 1024


class PaymentRecordForm(forms.Form):
    platform = forms.ChoiceField(label=gettext_lazy("Platform"))
    reference = forms.CharField(
        label=gettext_lazy("Reference"),
        max_length=100,
        help_text=gettext_lazy("The bank reference of the transfer, or the invoice number the platform quoted."),
    )
    amount = YuanField(label=gettext_lazy("Amount (yuan)"), min_cents=1)
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["platform"]
        assert isinstance(field, forms.ChoiceField)
        platforms = selectors.organisations(kind=Organisation.Kind.PLATFORM).order_by("name")
        field.choices = [("", _("Choose a platform")), *((o.code, o.name) for o in platforms)]

    def describe(self) -> PaymentRecordForm:
        """Tie each input to its hint and its error (``aria-describedby``), as the template names them."""
        describe_inputs(self)
        return self

    def clean_received_on(self) -> Any:
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The day the money arrived cannot be in the future."), code="future")
        return day


@login_required
def payment_record_page(request: HttpRequest) -> HttpResponse:
    p = principal_of(request)
    require(may_confirm_payments(p), "only an officer records a payment received")
    form = PaymentRecordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                declaration, _replayed = payment_declare(
                    actor=p.actor,
                    platform=selectors.organisation_get(code=data["platform"]),
                    amount_cents=data["amount"],
                    declared_received_on=data["received_on"],
                    reference=data["reference"],
                )
            except DomainError as exc:
                status = exc.status
                form.add_error("reference" if exc.field == "reference" else None, _refusal(exc, data["reference"]))
            else:
                return redirect(reverse("web:officer_payments") + f"#declaration-{declaration.pk}")
    return render(request, "web/payment_record.html", {"form": form.describe()}, status=status)


def _refusal(exc: DomainError, reference: str) -> str:
    if exc.code == ContributionErrorCode.PAYMENT_REFERENCE_REUSED:
        return _("Reference %(reference)s was recorded before with another amount or day: check the reference.") % {
            "reference": reference
        }
    return refusal_message(exc)


@login_required
def bank_statement_page(request: HttpRequest) -> HttpResponse:
    """Upload the collection account's statement: each line is booked, and the declared payments with
    its references are matched to it."""
    p = principal_of(request)
    require(may_confirm_payments(p), "only an officer imports a bank statement")
    context: dict[str, Any] = {"results": None, "error": None, "problems": []}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("statement")
        if upload is None or not upload.size:
            context["error"], status = _("Choose the bank statement's CSV file."), 422
        elif upload.size > MAX_STATEMENT_BYTES:
            context["error"], status = _("The file is larger than 5 MB: split the statement."), 422
        else:
            try:
                results = bank_statement_import(
                    actor=p.actor, content=upload.read(), source=f"bank:{(upload.name or 'statement')[:80]}"
                )
            except DomainError as exc:
                context["error"], status = _("The statement was refused; nothing was recorded."), exc.status
                context["problems"] = [
                    {**row, "message": _(str(row.get("message", "")))} for row in exc.details.get("rows", [])
                ] or [{"row": "", "field": exc.field or "", "message": refusal_message(exc)}]
            else:
                context["results"] = results
                context["counts"] = Counter(str(r.outcome) for r in results)
    return render(request, "web/bank_statement.html", context, status=status)
