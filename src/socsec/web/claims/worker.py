"""A worker's claim pages: the guided form that files a claim, the list of their claims, and a claim with
its history, decision and awards, where they appeal or withdraw it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socsec.accounts.access import access_claim, access_person, principal_of, require_worker
from socsec.accounts.permissions import Principal
from socsec.benefits import selectors as claim_selectors
from socsec.benefits.claims import MOVES
from socsec.benefits.information import claim_answer_information, open_request
from socsec.benefits.intake import claim_submit, claim_withdraw
from socsec.benefits.models import Claim
from socsec.benefits.notices import notice_text, notices_of
from socsec.benefits.review import claim_appeal
from socsec.core.errors import DomainError
from socsec.registry import selectors

from ..common import is_htmx, posted_version, refusal_message
from ..paging import page_of
from .forms import DETAIL_FORMS, KIND_HELP

K = Claim.Kind
S = Claim.Status


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
                    person=access_person(p, p.person_id),
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
    context = {
        "page": (page := page_of(request, claim_selectors.claims_of(person_id=p.person_id))),
        "claims": page.items,
        "notices": [(n, notice_text(n)) for n in notices_of(person_id=p.person_id)],
    }
    return render(request, "web/my_claims.html", context)


CARE_LEVELS = {  # 《工伤保险条例》第三十四条: the three levels of the need for daily care
    1: gettext_lazy("fully unable to look after oneself"),
    2: gettext_lazy("mostly unable to look after oneself"),
    3: gettext_lazy("partly unable to look after oneself"),
}
CERTIFICATE_LEVELS = {
    "ELEMENTARY": gettext_lazy("elementary (level 5)"),
    "INTERMEDIATE": gettext_lazy("intermediate (level 4)"),
    "ADVANCED": gettext_lazy("advanced (level 3)"),
}


def assessed_levels(claim: Claim) -> list[tuple[str, str]]:
    """The grade or level the claim was assessed at, in words: the disability grade and the need for
    care after an injury, the certificate's level of a skill subsidy."""
    assessed, levels = claim.assessment or {}, []
    grade, care = int(assessed.get("grade") or 0), int(assessed.get("care_level") or 0)
    if grade:
        words = _("grade %(grade)s (grade 1 is the most severe, grade 10 the least)") % {"grade": grade}
        levels.append((_("Disability grade"), words))
    if care in CARE_LEVELS:
        levels.append((_("Need for daily care"), str(CARE_LEVELS[care])))
    certificate = str(assessed.get("level") or claim.facts.get("level") or "")
    if claim.kind == K.SKILL_SUBSIDY and certificate in CERTIFICATE_LEVELS:
        levels.append((_("Certificate level"), str(CERTIFICATE_LEVELS[certificate])))
    return levels


def _claimant_actions(claim: Claim) -> dict[str, bool]:
    moves = MOVES[claim.status]
    return {"may_appeal": S.UNDER_REVIEW in moves, "may_withdraw": S.WITHDRAWN in moves}


@login_required
def my_claim(request: HttpRequest, claim_id: int) -> HttpResponse:
    """The worker's claim: its history in plain words, the decision, the awards explained; appeal or
    withdraw where the claim allows it."""
    p = _worker(request)
    claim = access_claim(p, claim_id)  # a worker's own: another's answers as absent
    error, status, confirm_withdraw = None, 200, False
    if request.method == "POST" and request.POST.get("action") == "withdraw" and request.POST.get("confirmed") != "1":
        confirm_withdraw = True  # the step that asks first; nothing is written
    elif request.method == "POST":
        action = request.POST.get("action", "")
        version = posted_version(request)
        status = 422
        try:
            if version is None:
                error = _("The form was incomplete; reload the page and try again.")
            elif action == "answer":
                if not request.POST.get("answer", "").strip():
                    error = _("Write the information the officer asked for.")
                else:
                    claim_answer_information(
                        actor=p.actor, claim=claim, expected_version=version, answer=request.POST.get("answer", "")
                    )
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
        "awards": list(claim.awards.prefetch_related("payments__run")),
        "levels": assessed_levels(claim),
        "error": error,
        "reason": request.POST.get("reason", ""),
        "answer": request.POST.get("answer", ""),
        "question": open_request(claim),
        "notices": [(n, notice_text(n)) for n in claim.notices.all()],
        "confirm_withdraw": confirm_withdraw and S.WITHDRAWN in MOVES[claim.status],
        **_claimant_actions(claim),
    }
    return render(request, "web/my_claim.html", context, status=status)
