"""The officers' risk pages: the queue of cases by score, a case with the rows and values that triggered it
where the officer records the outcome, and the rules with their references, parameters and precision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import principal_of, require, require_staff
from socsec.accounts.permissions import may_decide_claims
from socsec.accounts.reads import record_read
from socsec.core.errors import DomainError
from socsec.risk.definitions import RiskRule
from socsec.risk.models import RiskCase
from socsec.risk.selectors import case_get, case_queue, rule_of, rule_standings
from socsec.risk.services import risk_case_decide

from .common import refusal_message

PER_PAGE = 25
S = RiskCase.Status

# the evidence columns the rules return, in words
EVIDENCE_LABELS = {
    "first_claim": gettext_lazy("First claim"),
    "second_claim": gettext_lazy("Second claim"),
    "first_injured_on": gettext_lazy("First injury on"),
    "second_injured_on": gettext_lazy("Second injury on"),
    "first_organisation": gettext_lazy("First claim's platform or employer"),
    "second_organisation": gettext_lazy("Second claim's platform or employer"),
    "first_region": gettext_lazy("First claim's region"),
    "second_region": gettext_lazy("Second claim's region"),
    "claim_id": gettext_lazy("Claim"),
    "injured_on": gettext_lazy("Injured on"),
    "orders_that_day": gettext_lazy("Orders that day"),
    "last_order_before": gettext_lazy("Last order before"),
    "orders_in_lookback": gettext_lazy("Orders in the days looked back"),
    "award_id": gettext_lazy("Award"),
    "claim_kind": gettext_lazy("Benefit"),
    "died_on": gettext_lazy("Died on"),
    "death_source": gettext_lazy("Death reported by"),
    "months_paid_after_death": gettext_lazy("Months paid after the death"),
    "first_month_after_death": gettext_lazy("First month paid after the death"),
    "last_month_after_death": gettext_lazy("Last month paid after the death"),
    "amount_cents_after_death": gettext_lazy("Paid after the death (cents)"),
    "months_paid_while_working": gettext_lazy("Months paid while taking orders"),
    "months": gettext_lazy("Months"),
    "orders_in_those_months": gettext_lazy("Orders in those months"),
    "served_on": gettext_lazy("Orders served on"),
    "provinces": gettext_lazy("Provinces"),
    "orders_per_province": gettext_lazy("Orders per province"),
    "month": gettext_lazy("Month"),
    "silent_claims": gettext_lazy("Claims with no order reported"),
    "claims": gettext_lazy("Claims"),
    "engagements": gettext_lazy("Engagements"),
    "sector": gettext_lazy("Sector"),
    "orders": gettext_lazy("Orders"),
    "platform_median": gettext_lazy("Platform's median"),
    "platform_mad": gettext_lazy("Platform's median absolute deviation"),
    "platform_workers": gettext_lazy("Platform's workers in the month"),
    "platform_z": gettext_lazy("Robust z-score against the platform"),
    "sector_median": gettext_lazy("Sector's median"),
    "sector_mad": gettext_lazy("Sector's median absolute deviation"),
    "sector_z": gettext_lazy("Robust z-score against the sector"),
    "earlier_from": gettext_lazy("Earlier window from"),
    "recent_from": gettext_lazy("Recent window from"),
    "orders_earlier": gettext_lazy("Orders in the earlier window"),
    "orders_recent": gettext_lazy("Orders in the recent window"),
    "claims_earlier": gettext_lazy("Injury claims in the earlier window"),
    "claims_recent": gettext_lazy("Injury claims in the recent window"),
}
STATUS_LABELS = {
    S.OPEN: gettext_lazy("Open"),
    S.CONFIRMED: gettext_lazy("Confirmed"),
    S.FALSE_POSITIVE: gettext_lazy("False positive"),
}


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[
            (S.CONFIRMED, gettext_lazy("Confirmed: the risk is real")),
            (S.FALSE_POSITIVE, gettext_lazy("False positive: nothing wrong")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note: what you checked"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def rule_label(rule: RiskRule | None, name: str) -> str:
    if rule is None:
        return name
    return rule.label_zh if translation.get_language() == "zh-hans" else rule.label


def rule_reference(rule: RiskRule | None) -> str:
    if rule is None:
        return ""
    return rule.reference_zh if translation.get_language() == "zh-hans" else rule.reference


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


@login_required
def risk_queue(request: HttpRequest) -> HttpResponse:
    """The cases of one state (open by default), highest score first, paged; filtered by rule."""
    p = principal_of(request)
    require_staff(p)
    status = request.GET.get("status", S.OPEN)
    status = status if status in S.values or status == "all" else S.OPEN
    rules = {s.rule.name: s.rule for s in rule_standings(timezone.localdate())}
    rule = request.GET.get("rule", "")
    rule = rule if rule in rules else ""
    cases = case_queue(status=None if status == "all" else status, rule=rule or None)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    record_read(p, [c.person_id for c in page.object_list if c.person_id], "risk queue")
    rows = [
        {"case": c, "rule": rule_label(rules.get(c.rule), c.rule), "status": STATUS_LABELS[S(c.status)]}
        for c in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": [(s, STATUS_LABELS[S(s)]) for s in S.values],
        "rule": rule,
        "rules": [(name, rule_label(r, name)) for name, r in rules.items()],
    }
    return render(request, "web/officer_risk_cases.html", context)


@login_required
def risk_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case with its evidence and the rule's parameters; an open case takes the officer's outcome."""
    p = principal_of(request)
    require_staff(p)
    case = case_get(case_id)
    if case is None:
        raise Http404
    form = OutcomeForm(request.POST if request.method == "POST" else None)
    error, status = None, 200
    if request.method == "POST":
        require(may_decide_claims(p), "only officers decide risk cases")
        if not form.is_valid():
            error, status = _("Please correct the fields marked below."), 422
        else:
            try:
                risk_case_decide(
                    actor=p.actor, case=case, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
                )
            except DomainError as exc:
                error, status = refusal_message(exc), exc.status
            else:
                return redirect("web:officer_risk_case", case_id=case.pk)
    if case.person_id:
        record_read(p, [case.person_id], "risk case")
    rule = rule_of(case)
    context = {
        "case": case,
        "rule": rule,
        "rule_label": rule_label(rule, case.rule),
        "reference": rule_reference(rule),
        "status_label": STATUS_LABELS[S(case.status)],
        "evidence": [(EVIDENCE_LABELS.get(k, k), _shown(v)) for k, v in case.evidence.items()],
        "parameters": [(k, _shown(v)) for k, v in case.parameters.items()],
        "form": form,
        "error": error,
        "may_act": may_decide_claims(p) and case.status == S.OPEN,
    }
    return render(request, "web/officer_risk_case.html", context, status=status)


@login_required
def risk_rules(request: HttpRequest) -> HttpResponse:
    """Each rule with its reference, dates, parameters on the day and its precision (confirmed / decided)."""
    require_staff(principal_of(request))
    today = timezone.localdate()
    rows = [
        {
            "s": s,
            "label": rule_label(s.rule, s.rule.name),
            "reference": rule_reference(s.rule),
            "parameters": [(n, _shown(prm.on(today))) for n, prm in s.rule.parameters.items()],
            "percent": None if s.precision is None else round(100 * s.precision),
        }
        for s in rule_standings(today)
    ]
    return render(request, "web/officer_risk_rules.html", {"rows": rows, "today": today})
