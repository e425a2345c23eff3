"""Benefit claims over the API: a worker reports for themself, a platform or employer for work done
through it, officers decide, assess and award; every change names the version it saw (409 otherwise)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from socsec.accounts.access import (
    access_claim,
    access_claim_of_claimant,
    access_claimant,
    access_engagement,
    access_person,
    principal_of,
    require,
    require_platform,
    require_worker,
)
from socsec.accounts.permissions import Principal, may_decide_claims
from socsec.accounts.reads import record_read
from socsec.api.bounds import Cents, Code, Count, Day, Facts, Id, Reference, Text, Year
from socsec.api.responses import PageIn, as_is, page_of, paginate, paginate_ordered, responses
from socsec.benefits import selectors as claim_selectors
from socsec.benefits.assessment import parse_assessment
from socsec.benefits.decisions import claim_approve, claim_assess, claim_decide
from socsec.benefits.intake import claim_submit, claim_withdraw
from socsec.benefits.models import Claim
from socsec.benefits.rebates import retention_rebate_decide
from socsec.benefits.review import claim_appeal
from socsec.benefits.search import ClaimSearch, claim_search
from socsec.core.errors import ValidationFailed
from socsec.core.masking import dependant_disclosure, mask_dependants
from socsec.registry import selectors

router = Router(tags=["claims"])


class ClaimIn(Schema):
    kind: Code
    event_date: Day
    person_id: Id | None = None  # a worker claims for themself; others name the person
    engagement_id: Id | None = None
    order_id: Reference = ""
    facts: Facts = {}


class AwardOut(Schema):
    item: str
    label: str
    payer: str
    periodic: bool
    amount_cents: int
    start_month: str
    end_month: str
    beneficiary: str
    explanation: dict[str, Any]
    status: str  # PROPOSED (not approved yet), ACTIVE (in force), SUPERSEDED (replaced after a review)
    suspended_from: str


class ClaimOut(Schema):
    id: int
    person_id: int
    kind: str
    status: str
    version: int
    event_date: dt.date
    engagement_id: int | None
    order_id: str
    reported_by: str
    submitted_on: dt.date
    decision_due: dt.date
    assessment_due: dt.date | None
    routed_reason: str
    decision_reason: str
    evidence: dict[str, Any]
    assessment: dict[str, Any]
    awards: list[AwardOut]


def _out(c: Claim, reader: Principal) -> dict[str, Any]:
    """The claim as ``reader`` may see it: dependants' names (the awards' beneficiaries, the assessed
    dependants) masked unless the reader is the claimant or an officer (``dependant_disclosure``)."""
    shown = dependant_disclosure(reader.role, own=reader.person_id is not None and reader.person_id == c.person_id)
    fields = {k: getattr(c, k) for k in ClaimOut.model_fields if k != "awards"}
    fields["id"] = c.pk
    fields["assessment"] = mask_dependants(c.assessment, shown)
    fields["awards"] = [
        {**{k: getattr(a, k) for k in AwardOut.model_fields}, "beneficiary": shown.name(a.beneficiary)}
        for a in c.awards.all().order_by("id")
    ]
    return fields


@router.post("/claims", response=responses({201: ClaimOut}, 404, 409))
def submit_claim(request: HttpRequest, payload: ClaimIn) -> Status[dict[str, Any]]:
    """Report a claim. The automated checks run at once: they approve what the registry and the
    platform's order data confirm, and send the rest to an officer; they never reject."""
    p = principal_of(request)
    person = access_claimant(p, payload.person_id)
    engagement = None
    if payload.engagement_id is not None:
        engagement = access_engagement(p, payload.engagement_id)
    claim = claim_submit(
        actor=p.actor,
        person=person,
        kind=payload.kind,
        event_date=payload.event_date,
        engagement=engagement,
        order_id=payload.order_id,
        facts=payload.facts,
    )
    return Status(201, _out(claim, p))


class ClaimFilter(PageIn):
    status: str = Field("", max_length=20, description="Officers: the open claims of one status.")
    kind: str = Field("", max_length=20, description="Officers: the open claims of one kind.")


@router.get("/claims", response=responses({200: page_of(ClaimOut)}))
def list_claims(request: HttpRequest, filters: Query[ClaimFilter]) -> dict[str, Any]:
    """Officers: the open claims, most urgent first (the cursor is a place in that queue). Workers: their
    own. Platforms: those on their work. Workers and platforms see the newest first."""
    p = principal_of(request)
    if p.is_staff:
        queue = claim_selectors.work_queue_claims(on=timezone.localdate(), kind=filters.kind, status=filters.status)
        out = paginate_ordered(queue, filters)
    elif p.person_id is not None:
        out = paginate(claim_selectors.claims_of(person_id=p.person_id), filters, as_is, newest_first=True)
    else:
        platform = require_platform(p, "not allowed")
        out = paginate(claim_selectors.claims_on_platform(organisation=platform), filters, as_is, newest_first=True)
    shown: list[Claim] = out["items"]
    record_read(p, [c.person_id for c in shown], "claims")
    out["items"] = [_out(c, p) for c in shown]
    return out


class ClaimSearchIn(PageIn):
    status: str = Field("", max_length=24, description="Any state, open or closed (WITHDRAWN, PAID, ...).")
    kind: str = Field("", max_length=24)
    date_field: str = Field("submitted", pattern="^(submitted|event)$", description="Which date the range reads.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    person: str = Field("", max_length=64, description="A person's id, whole name or resident ID; or a claim's id.")
    platform: str = Field("", max_length=40, description="The organisation's code.")


@router.get("/claims/search", response=responses({200: page_of(ClaimOut)}))
def search_claims(request: HttpRequest, filters: Query[ClaimSearchIn]) -> dict[str, Any]:
    """Staff: claims in every state that match every filter given, newest first (by id)."""
    p = principal_of(request)
    require(p.is_staff, "only agency staff search claims")
    errors = {}
    if filters.status and filters.status not in Claim.Status.values:
        errors["status"] = [f"{filters.status!r} is not one of {', '.join(Claim.Status.values)}."]
    if filters.kind and filters.kind not in Claim.Kind.values:
        errors["kind"] = [f"{filters.kind!r} is not one of {', '.join(Claim.Kind.values)}."]
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        errors["date_to"] = ["is before date_from."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    search = ClaimSearch(
        status=filters.status,
        kind=filters.kind,
        date_field=filters.date_field,
        date_from=filters.date_from,
        date_to=filters.date_to,
        person=filters.person,
        platform=filters.platform,
    )
    out = paginate(claim_search(search=search), filters, as_is, newest_first=True)
    shown: list[Claim] = out["items"]
    record_read(p, [c.person_id for c in shown], "claim search")
    out["items"] = [_out(c, p) for c in shown]
    return out


@router.get("/claims/{claim_id}", response=responses({200: ClaimOut}, 404))
def get_claim(request: HttpRequest, claim_id: int) -> dict[str, Any]:
    p = principal_of(request)
    claim = access_claim(p, claim_id)
    record_read(p, [claim.person_id], "claim")
    return _out(claim, p)


class DecisionIn(Schema):
    version: Count
    accept: bool
    reason: Text


@router.post("/claims/{claim_id}/decision", response=responses({200: ClaimOut}, 404, 409))
def decide_claim(request: HttpRequest, claim_id: int, payload: DecisionIn) -> dict[str, Any]:
    """Accept or reject, with the reason. 409 when someone changed the claim since the version you saw."""
    p = principal_of(request)
    require(may_decide_claims(p), "only officers decide claims")
    claim = access_claim(p, claim_id)
    return _out(
        claim_decide(
            actor=p.actor, claim=claim, expected_version=payload.version, accept=payload.accept, reason=payload.reason
        ),
        p,
    )


class AssessmentIn(Schema):
    version: Count
    assessment: Facts


@router.post("/claims/{claim_id}/assessment", response=responses({200: ClaimOut}, 404, 409))
def assess_claim(request: HttpRequest, claim_id: int, payload: AssessmentIn) -> dict[str, Any]:
    """Record the assessment (grade, care level, ...); the rules propose the awards with explanations."""
    p = principal_of(request)
    require(may_decide_claims(p), "only officers assess claims")
    claim = access_claim(p, claim_id)
    assessment = parse_assessment(claim.kind, payload.assessment)
    return _out(claim_assess(actor=p.actor, claim=claim, expected_version=payload.version, assessment=assessment), p)


class VersionIn(Schema):
    version: Count


class ReasonIn(Schema):
    version: Count
    reason: Text


@router.post("/claims/{claim_id}/approval", response=responses({200: ClaimOut}, 404, 409))
def approve_claim(request: HttpRequest, claim_id: int, payload: VersionIn) -> dict[str, Any]:
    """Award what was assessed; above the threshold a second officer must approve."""
    p = principal_of(request)
    require(may_decide_claims(p), "only officers approve awards")
    claim = access_claim(p, claim_id)
    return _out(claim_approve(actor=p.actor, claim=claim, expected_version=payload.version), p)


@router.post("/claims/{claim_id}/appeal", response=responses({200: ClaimOut}, 404, 409))
def appeal_claim(request: HttpRequest, claim_id: int, payload: ReasonIn) -> dict[str, Any]:
    """The claimant asks for a review of a decision."""
    p = principal_of(request)
    claim = access_claim_of_claimant(p, claim_id, "only the claimant appeals")
    return _out(claim_appeal(actor=p.actor, claim=claim, expected_version=payload.version, reason=payload.reason), p)


@router.post("/claims/{claim_id}/withdrawal", response=responses({200: ClaimOut}, 404, 409))
def withdraw_claim(request: HttpRequest, claim_id: int, payload: VersionIn) -> dict[str, Any]:
    p = principal_of(request)
    claim = access_claim_of_claimant(p, claim_id, "only the claimant withdraws")
    return _out(claim_withdraw(actor=p.actor, claim=claim, expected_version=payload.version), p)


class PensionEstimateOut(Schema):
    retirement_date: dt.date
    retirement_age_months: int
    months_on_record: int
    months_to_come: int
    minimum_months: int
    account_now_cents: int
    account_at_retirement_cents: int
    monthly_cents: int | None
    assumptions: dict[str, Any]
    explanation: dict[str, Any] | None


@router.get("/me/pension-estimate", response=responses({200: PensionEstimateOut}), tags=["me"])
def my_pension_estimate(request: HttpRequest, base_cents: Cents | None = None, months_per_year: Count = 12) -> Any:
    """The worker's pension estimate at the statutory age, in today's money, with its assumptions: the
    months on record plus those to come at the chosen rhythm, the account with the latest credited rate."""
    p = principal_of(request)
    person_id = require_worker(p, "only a worker has a pension estimate here")
    if not 0 <= months_per_year <= 12:
        raise ValidationFailed("months_per_year: from 0 to 12", field="months_per_year")
    if base_cents is not None and base_cents <= 0:
        raise ValidationFailed("base_cents: a positive amount in cents", field="base_cents")
    person = access_person(p, person_id)
    return claim_selectors.pension_estimate(
        person=person, today=timezone.localdate(), base_cents=base_cents, months_per_year=months_per_year
    )


class RebateIn(Schema):
    organisation: Code
    year: Year
    staff: Count
    laid_off: Count
    enterprise_size: Code
    premiums_last_year_cents: Cents


class RebateOut(Schema):
    id: int
    organisation: str
    year: int
    amount_cents: int
    explanation: dict[str, Any]


@router.post("/retention-rebates", response=responses({201: RebateOut}, 404, 409))
def decide_retention_rebate(request: HttpRequest, payload: RebateIn) -> Status[dict[str, Any]]:
    """An officer decides an enterprise's job-retention rebate for a year (staff kept, layoffs within the
    target): a share of last year's unemployment-insurance premiums, from the fund, once a year."""
    p = principal_of(request)
    require(may_decide_claims(p), "only officers decide rebates")
    fields = payload.dict()
    organisation = selectors.organisation_get(code=fields.pop("organisation"))
    rebate = retention_rebate_decide(actor=p.actor, organisation=organisation, **fields)
    return Status(
        201,
        {
            "id": rebate.pk,
            "organisation": organisation.code,
            "year": rebate.year,
            "amount_cents": rebate.amount_cents,
            "explanation": rebate.explanation,
        },
    )
