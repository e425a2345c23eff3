"""The officer's claim search: every state, filtered by state, kind, a date range (submission or event),
the person or the claim's number and the platform; paged, with the whole count, newest or oldest first."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require_staff
from socsec.accounts.reads import record_read
from socsec.benefits.models import Claim
from socsec.benefits.search import ClaimSearch, claim_search
from socsec.registry.models import Organisation

from ..common import is_htmx
from ..ledger_text import organisation_name
from ..templatetags.claim_tags import KIND_LABELS, STATUS_LABELS

PER_PAGE = 25
DATE = {"type": "date"}


class ClaimSearchForm(forms.Form):
    person = forms.CharField(
        label=gettext_lazy("Person or claim number"),
        required=False,
        max_length=64,
        help_text=gettext_lazy("A person's number, whole name or whole resident ID; or the claim's number."),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    platform = forms.ChoiceField(label=gettext_lazy("Platform or employer"), required=False)
    date_field = forms.ChoiceField(
        label=gettext_lazy("Dates of"),
        required=False,
        choices=[("submitted", gettext_lazy("submission")), ("event", gettext_lazy("the event"))],
    )
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(DATE))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(DATE))
    sort = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=[("newest", gettext_lazy("newest first")), ("oldest", gettext_lazy("oldest first"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        kind = self.fields["kind"]
        platform = self.fields["platform"]
        assert isinstance(status, forms.ChoiceField)
        assert isinstance(kind, forms.ChoiceField)
        assert isinstance(platform, forms.ChoiceField)
        status.choices = [("", _("All states")), *((s, STATUS_LABELS.get(s, s)) for s in Claim.Status.values)]
        kind.choices = [("", _("All kinds")), *((k, KIND_LABELS.get(k, k)) for k in Claim.Kind.values)]
        orgs = Organisation.objects.exclude(kind=Organisation.Kind.INTERMEDIARY).order_by("code")
        platform.choices = [("", _("All")), *((o.code, organisation_name(o)) for o in orgs)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data

    def tie_errors(self) -> None:
        """Each field refused points at its error (and keeps its hint), for screen readers."""
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                hint = f"id_{name}_helptext " if field.help_text else ""
                field.widget.attrs.update({"aria-describedby": f"{hint}id_{name}-error", "aria-invalid": "true"})

    def search(self) -> ClaimSearch:
        d = self.cleaned_data
        return ClaimSearch(
            status=d.get("status") or "",
            kind=d.get("kind") or "",
            date_field=d.get("date_field") or "submitted",
            date_from=d.get("date_from"),
            date_to=d.get("date_to"),
            person=d.get("person") or "",
            platform=d.get("platform") or "",
            newest_first=(d.get("sort") or "newest") == "newest",
        )


@login_required
def claim_search_page(request: HttpRequest) -> HttpResponse:
    """Claims in every state; htmx swaps the results as the filters change."""
    p = principal_of(request)
    require_staff(p)
    form = ClaimSearchForm(request.GET)
    page = None
    status = 200
    if form.is_valid():
        paginator = Paginator(claim_search(search=form.search()), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        record_read(p, [c.person_id for c in page.object_list], "claim search")
    else:
        form.tie_errors()
    # htmx swaps only a successful answer: it gets the refusal in the results
    if form.errors and not is_htmx(request):
        status = 422
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "web/_claim_search_results.html" if is_htmx(request) else "web/officer_claim_search.html"
    return render(request, template, context, status=status)
