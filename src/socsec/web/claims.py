"""Claim pages: a worker claims a benefit (a guided form in two steps) and follows their claims; officers
work the queue and decide, assess and award; a platform sees the claims on its workers and what it owes.
Thin: reads through the benefits selectors, writes through its services; a refused change shows its
reason (role=alert) and changes nothing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import access_claim, principal_of, require, require_platform, require_staff, require_worker
from socsec.accounts.permissions import Principal, may_decide_claims
from socsec.benefits import selectors as claim_selectors
from socsec.benefits.assessment import BOUNDS, parse_assessment
from socsec.benefits.claims import MOVES, OPEN
from socsec.benefits.decisions import claim_approve, claim_assess, claim_decide, claim_send_back
from socsec.benefits.intake import claim_submit, claim_withdraw
from socsec.benefits.models import Claim
from socsec.benefits.review import claim_appeal
from socsec.core.errors import DomainError
from socsec.core.money import MAX_YUAN, parse_yuan
from socsec.registry import selectors

from .common import is_htmx, posted_version, refusal_message

K = Claim.Kind
S = Claim.Status
INJURY = (K.OCCUPATIONAL_INJURY, K.WORK_INJURY)

KIND_HELP = {
    K.OCCUPATIONAL_INJURY: gettext_lazy("You were hurt while working through a platform (delivery, rides, freight)."),
    K.WORK_INJURY: gettext_lazy("You were hurt at work as an employee with a labour contract."),
    K.PENSION: gettext_lazy("You are reaching retirement age and want your old-age pension."),
    K.UNEMPLOYMENT: gettext_lazy("Your job ended against your will and you are looking for work."),
    K.LONG_TERM_CARE: gettext_lazy("You can no longer look after yourself in daily life and need care."),
    K.SKILL_SUBSIDY: gettext_lazy("You obtained a vocational skill certificate while insured as an employee."),
}


def _engagement_choices(person_id: int) -> list[tuple[str, str]]:
    person = selectors.person_get(person_id=person_id)
    choices = []
    for e in selectors.engagements_of(person=person):
        until = f"{e.end_date:%Y-%m-%d}" if e.end_date else ""
        choices.append((str(e.pk), f"{e.organisation.name} · {e.start_date:%Y-%m-%d}–{until}"))
    return choices


class _ClaimDetails(forms.Form):
    event_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, person_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "engagement" in self.fields:
            self.fields["engagement"].choices = [("", _("Choose your work")), *_engagement_choices(person_id)]  # type: ignore[attr-defined]

    def facts(self) -> dict[str, Any]:
        return {"description": self.cleaned_data["description"]} if "description" in self.cleaned_data else {}


class InjuryDetails(_ClaimDetails):
    engagement = forms.ChoiceField(label=gettext_lazy("The work you were doing"))
    order_id = forms.CharField(label=gettext_lazy("The order in progress (optional)"), required=False, max_length=64)
    description = forms.CharField(
        label=gettext_lazy("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("Day of the injury")


class PensionDetails(_ClaimDetails):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("The day you retire")


class UnemploymentDetails(_ClaimDetails):
    engagement = forms.ChoiceField(label=gettext_lazy("The work that ended"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("The day the job ended")


class CareDetails(_ClaimDetails):
    description = forms.CharField(
        label=gettext_lazy("What help you need"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("Since when you need care")


class SkillDetails(_ClaimDetails):
    level = forms.ChoiceField(
        label=gettext_lazy("Certificate level"),
        choices=[
            ("ELEMENTARY", gettext_lazy("elementary (level 5)")),
            ("INTERMEDIATE", gettext_lazy("intermediate (level 4)")),
            ("ADVANCED", gettext_lazy("advanced (level 3)")),
        ],
    )
    certificate = forms.CharField(label=gettext_lazy("Certificate number"), max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_date"].label = _("The day the certificate was issued")

    def facts(self) -> dict[str, Any]:
        return {"level": self.cleaned_data["level"], "certificate": self.cleaned_data["certificate"]}


DETAIL_FORMS: dict[str, type[_ClaimDetails]] = {
    K.OCCUPATIONAL_INJURY: InjuryDetails,
    K.WORK_INJURY: InjuryDetails,
    K.PENSION: PensionDetails,
    K.UNEMPLOYMENT: UnemploymentDetails,
    K.LONG_TERM_CARE: CareDetails,
    K.SKILL_SUBSIDY: SkillDetails,
}


def _worker(request: HttpRequest) -> Principal:
    p = principal_of(request)
    require_worker(p)
    return p


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    """Step 1: the kind (each with a line in plain words); step 2: the details of that kind, loaded with
    htmx (or by the Next button without JavaScript); then submit and go to the claim."""
    p = _worker(request)
    assert p.person_id is not None
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind", "")
    form_class = DETAIL_FORMS.get(kind)
    error, status = None, 422
    if request.method == "POST" and form_class is None:
        error = _("Choose the kind of benefit first.")
    form = None
    if form_class is not None:
        form = form_class(request.POST if request.method == "POST" else None, person_id=p.person_id)
    if request.method == "POST" and form is not None:
        if form.is_valid():
            engagement_id = form.cleaned_data.get("engagement")
            engagement = selectors.engagement_get(engagement_id=int(engagement_id)) if engagement_id else None
            try:
                claim = claim_submit(
                    actor=p.actor,
                    person=selectors.person_get(person_id=p.person_id),
                    kind=kind,
                    event_date=form.cleaned_data["event_date"],
                    engagement=engagement,
                    order_id=form.cleaned_data.get("order_id", ""),
                    facts=form.facts(),
                )
            except DomainError as exc:
                error = refusal_message(exc)
                status = exc.status
            else:
                return redirect("web:my_claim", claim_id=claim.pk)
        else:
            error = _("Please correct the fields marked below.")
    context = {
        "kinds": [(k, KIND_HELP[k]) for k in K.values],
        "kind": kind,
        "form": form,
        "error": error,
    }
    template = "web/_claim_details.html" if is_htmx(request) else "web/claim_new.html"
    return render(request, template, context, status=status if error else 200)


@login_required
def my_claims(request: HttpRequest) -> HttpResponse:
    p = _worker(request)
    assert p.person_id is not None
    return render(request, "web/my_claims.html", {"claims": list(claim_selectors.claims_of(person_id=p.person_id))})


def _claimant_actions(claim: Claim) -> dict[str, bool]:
    moves = MOVES[claim.status]
    return {"may_appeal": S.UNDER_REVIEW in moves, "may_withdraw": S.WITHDRAWN in moves}


@login_required
def my_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The worker's claim: its history in plain words, the decision, the awards explained; appeal or
    withdraw where the claim allows it."""
    p = _worker(request)
    claim = access_claim(p, claim_id)  # a worker's own: another's answers as absent
    error, status = None, 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        version = posted_version(request)
        status = 422
        try:
            if version is None:
                error = _("The form was incomplete; reload the page and try again.")
            elif action == "appeal":
                claim_appeal(
                    actor=p.actor, claim=claim, expected_version=version, reason=request.POST.get("reason", "")
                )
            elif action == "withdraw":
                claim_withdraw(actor=p.actor, claim=claim, expected_version=version)
            else:
                error = _("Unknown action.")
        except DomainError as exc:
            error, status = refusal_message(exc), exc.status
        if error is None:
            return redirect("web:my_claim", claim_id=claim.pk)
        claim = claim_selectors.claim_get(claim_id=claim.pk)
    context = {
        "claim": claim,
        "events": list(claim.events.all()),
        "awards": list(claim.awards.all()),
        "error": error,
        "reason": request.POST.get("reason", ""),
        **_claimant_actions(claim),
    }
    return render(request, "web/my_claim.html", context, status=status)


# --- officers -------------------------------------------------------------------------------------------


@login_required
def officer_queue(request: HttpRequest) -> HttpResponse:
    """Open claims, the most urgent first, with the days left to the due date; filters by htmx GET."""
    require_staff(principal_of(request))
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    kind = kind if kind in K.values else ""
    status = status if status in OPEN else ""
    overdue_only = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    rows = claim_selectors.work_queue(on=today, kind=kind, status=status, overdue_only=overdue_only)
    context = {
        "rows": rows,
        "kind": kind,
        "status": status,
        "overdue_only": overdue_only,
        "kinds": K.values,
        "statuses": list(OPEN),
        "today": today,
    }
    template = "web/_claim_queue.html" if is_htmx(request) else "web/officer_claims.html"
    return render(request, template, context)


ASSESSMENT_FIELDS: dict[str, list[tuple[str, str, Any, str]]] = {
    # kind -> (name, label, kind of input, hint); the names are the assessment's keys (benefits/assessment.py)
    "INJURY": [
        ("outcome", gettext_lazy("Outcome"), "outcome", gettext_lazy("a death: name the dependants below")),
        ("grade", gettext_lazy("Disability grade"), "grade", gettext_lazy("1 (most severe) to 10, or none")),
        (
            "care_level",
            gettext_lazy("Care level"),
            BOUNDS["care_level"],
            gettext_lazy("0 none; 1 fully, 2 mostly, 3 partly dependent"),
        ),
        (
            "medical_costs_cents",
            gettext_lazy("Medical costs on the approved lists (yuan)"),
            "yuan",
            gettext_lazy("as checked against the bills; reimbursed at cost"),
        ),
        (
            "months_off_work",
            gettext_lazy("Months off work for treatment"),
            BOUNDS["months_off_work"],
            gettext_lazy("0 to 24"),
        ),
        (
            "monthly_income_cents",
            gettext_lazy("Monthly income before the injury (yuan)"),
            "yuan",
            gettext_lazy("continued during treatment; needed when months off work are given"),
        ),
    ],
    "WORK_INJURY": [
        (
            "average_wage_12m_cents",
            gettext_lazy("Average monthly wage in the 12 months before (yuan)"),
            "yuan",
            gettext_lazy("kept within 60%-300% of the local average wage"),
        ),
    ],
    K.PENSION: [
        ("resident", gettext_lazy("Residents' pension (outside the employee pension)"), "bool", ""),
        (
            "months_before_records",
            gettext_lazy("Contribution months before SocSec's records"),
            BOUNDS["months_before_records"],
            gettext_lazy("from the paper file; the months on record are counted by the system"),
        ),
        (
            "average_indexed_wage_ratio",
            gettext_lazy("Average indexed wage ratio"),
            "ratio",
            gettext_lazy("1.0 = the average wage"),
        ),
        (
            "account_balance_before_records_cents",
            gettext_lazy("Individual account before SocSec's records (yuan)"),
            "yuan",
            "",
        ),
    ],
    K.UNEMPLOYMENT: [
        ("involuntary", gettext_lazy("The job was lost involuntarily"), "bool", ""),
        ("registered", gettext_lazy("Registered as unemployed and seeking work"), "bool", ""),
        (
            "carried_over_months",
            gettext_lazy("Benefit months carried over"),
            BOUNDS["carried_over_months"],
            gettext_lazy("0 to 24"),
        ),
        (
            "rural_contract_worker",
            gettext_lazy("Rural contract worker: a lump-sum living subsidy instead"),
            "bool",
            "",
        ),
    ],
    K.SKILL_SUBSIDY: [],  # the certificate's level was stated with the claim; the months come from the records
    K.LONG_TERM_CARE: [
        (
            "incapacity_score",
            gettext_lazy("Incapacity score"),
            BOUNDS["incapacity_score"],
            gettext_lazy("Barthel index, 0-100"),
        ),
        ("setting", gettext_lazy("Care setting"), "setting", ""),
    ],
}
OUTCOMES = [("DISABILITY", gettext_lazy("injury or disability")), ("DEATH", gettext_lazy("death"))]
DEPENDANT_KINDS = [("SPOUSE", gettext_lazy("spouse")), ("OTHER", gettext_lazy("other dependant"))]
DEPENDANT_ROWS = 4  # rows of the form; an empty name leaves a row out
SETTINGS = [
    ("HOME", gettext_lazy("at home")),
    ("COMMUNITY", gettext_lazy("in the community")),
    ("INSTITUTION", gettext_lazy("in an institution")),
]


def _assessment_fields(kind: str) -> list[tuple[str, str, Any, str]]:
    if kind in INJURY:
        return ASSESSMENT_FIELDS["INJURY"] + (ASSESSMENT_FIELDS["WORK_INJURY"] if kind == K.WORK_INJURY else [])
    return ASSESSMENT_FIELDS[kind]


def _assessment_form(kind: str, data: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The assessment's mapping from the form (for ``parse_assessment``), or the errors per field."""
    out: dict[str, Any] = {}
    errors: dict[str, str] = {}
    death = kind in INJURY and str(data.get("outcome", "")).strip() == "DEATH"
    for name, _label, spec, _hint in _assessment_fields(kind):
        raw = str(data.get(name, "")).strip()
        if death and name in ("grade", "care_level", "months_off_work"):
            continue  # a death has no grade, care level or months off work
        if spec == "outcome":  # injury or disability unless a death is chosen (the rules' default)
            if raw == "DEATH":
                out[name] = raw
            elif raw not in ("", "DISABILITY"):
                errors[name] = _("Choose the outcome.")
        elif spec == "grade":
            if raw == "none":
                out[name] = 0
            elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 10:
                out[name] = int(raw)
            else:
                errors[name] = _("Choose a grade from 1 to 10, or none.")
        elif spec == "setting":
            if raw in dict(SETTINGS):
                out[name] = raw
            else:
                errors[name] = _("Choose a care setting.")
        elif spec == "bool":
            out[name] = raw in ("on", "true", "1")
        elif spec in ("ratio", "yuan") and not raw:
            continue  # optional: the rules say when it is needed
        elif spec in ("ratio", "yuan"):
            try:
                value = Decimal(raw)
            except InvalidOperation:
                errors[name] = _("Enter a number.")
                continue
            if not value.is_finite() or value < 0 or value > MAX_YUAN:
                errors[name] = _("Enter a number of 0 or more.")
            elif spec == "yuan":
                out[name] = parse_yuan(raw)
            else:
                out[name] = float(value)
        else:
            low, high = spec
            if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
                out[name] = int(raw)
            else:
                errors[name] = _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
    if kind in INJURY:
        people, problem = _dependants(data)
        if problem:
            errors["dependants"] = problem
        elif people and not death:
            errors["dependants"] = _("Dependants are for a death: choose death as the outcome, or clear them.")
        elif death:
            out["dependants"] = people
    return out, errors


def _dependants(data: Any) -> tuple[list[dict[str, Any]], str]:
    """The dependants named in the form's rows (rows with no name are left out), or what is wrong."""
    people = []
    for i in range(1, DEPENDANT_ROWS + 1):
        name = str(data.get(f"dependant-{i}-name", "")).strip()
        if not name:
            continue
        relation = str(data.get(f"dependant-{i}-kind", ""))
        if len(name) > 120 or relation not in dict(DEPENDANT_KINDS):
            return [], _("Dependant %(row)s: a name of at most 120 characters and spouse or other.") % {"row": i}
        people.append({"name": name, "kind": relation, "supplement": data.get(f"dependant-{i}-supplement") == "on"})
    return people, ""


def _officer_forms(claim: Claim) -> dict[str, bool]:
    moves = MOVES[claim.status]
    return {
        "may_decide": S.ACCEPTED in moves and S.REJECTED in moves,
        "may_assess": claim.status == S.ACCEPTED,
        "may_approve": claim.status == S.ASSESSED,
    }


@login_required
def officer_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The claim with the registry and platform evidence, its history, and the forms its state allows."""
    p = principal_of(request)
    require_staff(p)
    claim = access_claim(p, claim_id)
    error, field_errors, status = None, {}, 200
    if request.method == "POST":
        require(may_decide_claims(p), "only officers decide claims")
        error, field_errors, status = _officer_post(request, p, claim)
        if error is None:
            return redirect("web:officer_claim", claim_id=claim.pk)
        claim = claim_selectors.claim_get(claim_id=claim.pk)
    activity = claim.evidence.get("platform_activity") or {}
    by_day = activity.get("orders_by_day") or {}
    peak = max(by_day.values(), default=0) or 1
    context = {
        "claim": claim,
        "events": list(claim.events.all()),
        "awards": list(claim.awards.all()),
        "engagement": claim.engagement,
        "activity": activity,
        "activity_days": [
            {"day": day, "orders": n, "share": 100 * n / peak, "incident": day == claim.event_date.isoformat()}
            for day, n in sorted(by_day.items())
        ],
        "assessment_fields": [
            {
                "name": n,
                "label": label,
                "spec": spec,
                "hint": hint,
                "value": request.POST.get(n, ""),
                "error": field_errors.get(n, ""),
            }
            for n, label, spec, hint in _assessment_fields(claim.kind)
        ],
        "settings": SETTINGS,
        "outcomes": OUTCOMES,
        "dependant_kinds": DEPENDANT_KINDS,
        "dependant_rows": [
            {
                "n": i,
                "name": request.POST.get(f"dependant-{i}-name", ""),
                "kind": request.POST.get(f"dependant-{i}-kind", "SPOUSE" if i == 1 else "OTHER"),
                "supplement": request.POST.get(f"dependant-{i}-supplement") == "on",
            }
            for i in range(1, DEPENDANT_ROWS + 1)
        ]
        if claim.kind in INJURY
        else [],
        "dependants_error": field_errors.get("dependants", ""),
        "grades": range(1, 11),
        "error": error,
        "may_act": may_decide_claims(p),
        "post": request.POST if request.method == "POST" else {},
        **_officer_forms(claim),
    }
    return render(request, "web/officer_claim.html", context, status=status)


def _officer_post(request: HttpRequest, p: Principal, claim: Claim) -> tuple[str | None, dict[str, str], int]:
    action = request.POST.get("action", "")
    version = posted_version(request)
    if version is None:
        return _("The form was incomplete; reload the page and try again."), {}, 422
    try:
        if action == "decide":
            decision = request.POST.get("decision", "")
            if decision not in ("accept", "reject"):
                return _("Choose accept or reject."), {"decision": _("Choose accept or reject.")}, 422
            claim_decide(
                actor=p.actor,
                claim=claim,
                expected_version=version,
                accept=decision == "accept",
                reason=request.POST.get("reason", ""),
            )
        elif action == "assess":
            entered, errors = _assessment_form(claim.kind, request.POST)
            if errors:
                return _("Please correct the fields marked below."), errors, 422
            assessment = parse_assessment(claim.kind, entered)
            claim_assess(actor=p.actor, claim=claim, expected_version=version, assessment=assessment)
        elif action == "approve":
            claim_approve(actor=p.actor, claim=claim, expected_version=version)
        elif action == "send_back":
            claim_send_back(actor=p.actor, claim=claim, expected_version=version, reason=request.POST.get("reason", ""))
        else:
            return _("Unknown action."), {}, 422
    except DomainError as exc:
        return refusal_message(exc), {}, exc.status
    return None, {}, 200


# --- platforms ------------------------------------------------------------------------------------------


@login_required
def platform_claims(request: HttpRequest) -> HttpResponse:
    """Claims on the platform's workers and what it owes itself on awarded claims."""
    platform = require_platform(principal_of(request))
    context = {
        "claims": list(claim_selectors.claims_on_platform(organisation=platform)),
        "liability": claim_selectors.liability_of(organisation=platform),
    }
    return render(request, "web/platform_claims.html", context)
