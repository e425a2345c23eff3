"""An officer's claim pages: the work queue of open claims, and a claim with its evidence and history where
they decide it, assess it, approve the awards or send it back."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from socsec.accounts.access import access_claim, principal_of, require, require_staff
from socsec.accounts.permissions import Principal, may_decide_claims
from socsec.accounts.reads import record_read
from socsec.benefits import selectors as claim_selectors
from socsec.benefits.assessment import parse_assessment
from socsec.benefits.claims import ASKING, MOVES, OPEN
from socsec.benefits.decisions import claim_approve, claim_assess, claim_decide, claim_send_back
from socsec.benefits.figures import figures_missing_for_claim
from socsec.benefits.information import claim_request_information, claim_stop_waiting
from socsec.benefits.models import Claim
from socsec.benefits.suspensions import suspensions_of_claim, work_reports_of_claim
from socsec.core.errors import DomainError
from socsec.core.masking import dependant_disclosure, mask_dependants

from ..common import is_htmx, posted_version, refusal_message
from ..paging import page_of
from .assessment_form import (
    DEPENDANT_KINDS,
    DEPENDANT_ROWS,
    INJURY,
    OUTCOMES,
    SETTINGS,
    assessment_fields,
    posted_assessment,
)

K = Claim.Kind
S = Claim.Status


@login_required
def officer_queue(request: HttpRequest) -> HttpResponse:
    """Open claims, the most urgent first, with the days left to the due date, a page at a time; filters by
    htmx GET."""
    p = principal_of(request)
    require_staff(p)
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    kind = kind if kind in K.values else ""
    status = status if status in OPEN else ""
    overdue_only = request.GET.get("overdue") == "1"
    today = timezone.localdate()
    claims = claim_selectors.work_queue_claims(on=today, kind=kind, status=status, overdue_only=overdue_only)
    page = page_of(request, claims)
    rows = claim_selectors.queue_rows(page.items, today)
    record_read(p, [r.claim.person_id for r in rows], "claim queue")
    context = {
        "rows": rows,
        "page": page,
        "total": claims.count(),
        "kind": kind,
        "status": status,
        "overdue_only": overdue_only,
        "kinds": K.values,
        "statuses": list(OPEN),
        "today": today,
    }
    template = "web/_claim_queue.html" if is_htmx(request) else "web/officer_claims.html"
    return render(request, template, context)


def _officer_forms(claim: Claim) -> dict[str, bool]:
    moves = MOVES[claim.status]
    return {
        "may_decide": S.ACCEPTED in moves and S.REJECTED in moves,
        "may_assess": claim.status == S.ACCEPTED,
        "may_approve": claim.status == S.ASSESSED,
        "may_ask": claim.status in ASKING,
        "may_stop_waiting": claim.status == S.WAITING_FOR_CLAIMANT,
    }


@login_required
def officer_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The claim with the registry and platform evidence, its history, and the forms its state allows."""
    p = principal_of(request)
    require_staff(p)
    claim = access_claim(p, claim_id)
    error: str | None = None
    field_errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        require(may_decide_claims(p), "only officers decide claims")
        error, field_errors, status = _officer_post(request, p, claim)
        if error is None:
            return redirect("web:officer_claim", claim_id=claim.pk)
        claim = claim_selectors.claim_get(claim_id=claim.pk)
    record_read(p, [claim.person_id], "claim")
    activity = claim.evidence.get("platform_activity") or {}
    by_day = activity.get("orders_by_day") or {}
    peak = max(by_day.values(), default=0) or 1
    shown = dependant_disclosure(p.role)
    context = {
        "claim": claim,
        "facts": mask_dependants(claim.facts, shown),
        "events": list(claim.events.all()),
        "awards": list(claim.awards.all()),
        "information_requests": list(claim.information_requests.all()),
        "suspensions": list(suspensions_of_claim(claim_id=claim.pk)),
        "missing_figures": figures_missing_for_claim(claim),
        "work_reports": (reports := work_reports_of_claim(claim_id=claim.pk)),
        "reported_orders": sum(r.orders for r in reports),
        "reported_order_months": len({r.month for r in reports if r.orders}),
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
            for n, label, spec, hint in assessment_fields(claim.kind)
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
        "field_errors": field_errors,
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
            entered, errors = posted_assessment(claim.kind, request.POST)
            if errors:
                return _("Please correct the fields marked below."), errors, 422
            assessment = parse_assessment(claim.kind, entered)
            claim_assess(actor=p.actor, claim=claim, expected_version=version, assessment=assessment)
        elif action == "approve":
            claim_approve(actor=p.actor, claim=claim, expected_version=version)
        elif action == "ask":
            if not request.POST.get("question", "").strip():
                message = _("Write what the claimant should send.")
                return message, {"question": message}, 422
            claim_request_information(
                actor=p.actor, claim=claim, expected_version=version, question=request.POST.get("question", "")
            )
        elif action == "stop_waiting":
            if not request.POST.get("reason", "").strip():
                message = _("Say why the claim no longer waits for the claimant.")
                return message, {"stop_reason": message}, 422
            claim_stop_waiting(
                actor=p.actor, claim=claim, expected_version=version, reason=request.POST.get("reason", "")
            )
        elif action == "send_back":
            claim_send_back(actor=p.actor, claim=claim, expected_version=version, reason=request.POST.get("reason", ""))
        else:
            return _("Unknown action."), {}, 422
    except DomainError as exc:
        return refusal_message(exc), {}, exc.status
    return None, {}, 200
