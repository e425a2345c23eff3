"""Risk cases over the API, for officers and supervisors.

``GET /api/risk/cases?status=OPEN&rule=`` the queue, highest score first; ``GET /api/risk/cases/{id}`` one
case with its evidence (the rows and values that triggered it) and the rule's parameters;
``POST /api/risk/cases/{id}/outcome`` the officer's outcome (``CONFIRMED`` or ``FALSE_POSITIVE``, with a
note); ``GET /api/risk/rules`` each rule with its reference, parameters and precision (confirmed over
decided)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_decide_claims
from socsec.accounts.reads import record_read
from socsec.api.responses import PageIn, page_of, paginate_in_order, paginate_ordered, responses
from socsec.core.errors import NotFound
from socsec.risk.models import RiskCase
from socsec.risk.selectors import case_get, case_queue, rule_standings
from socsec.risk.services import risk_case_decide

router = Router(tags=["risk"])


def _allowed(request: HttpRequest) -> None:
    require(may_decide_claims(principal_of(request)), "only officers and supervisors see risk cases")


class CaseOut(Schema):
    id: int
    rule: str
    case_key: str
    person_id: int | None
    organisation_id: int | None
    score: int
    status: str
    evidence: dict[str, Any]
    parameters: dict[str, Any]
    times_seen: int
    outcome_note: str
    decided_at: str | None
    created_at: str


class RuleOut(Schema):
    name: str
    label: str
    label_zh: str
    reference: str
    reference_zh: str
    valid_from: str
    valid_until: str | None
    score: int
    scope: str
    in_force: bool
    parameters: dict[str, Any]
    open: int
    confirmed: int
    false_positive: int
    decided: int
    precision: float | None


class CaseFilter(PageIn):
    status: str = Field("OPEN", max_length=16, description="OPEN, CONFIRMED, FALSE_POSITIVE, or empty for all.")
    rule: str = Field("", max_length=64)


class OutcomeIn(Schema):
    outcome: str = Field(..., max_length=16, description="CONFIRMED or FALSE_POSITIVE")
    note: str = Field(..., max_length=2000, description="why: kept with the outcome")


def _case(c: RiskCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "rule": c.rule,
        "case_key": c.case_key,
        "person_id": c.person_id,
        "organisation_id": c.organisation_id,
        "score": c.score,
        "status": c.status,
        "evidence": c.evidence,
        "parameters": c.parameters,
        "times_seen": c.times_seen,
        "outcome_note": c.outcome_note,
        "decided_at": c.decided_at.isoformat() if c.decided_at else None,
        "created_at": c.created_at.isoformat(),
    }


def _found(request: HttpRequest, case_id: int) -> RiskCase:
    case = case_get(case_id)
    if case is None:
        raise NotFound("no risk case %(id)s", params={"id": case_id})
    if case.person_id is not None:
        record_read(principal_of(request), [case.person_id], "risk case")
    return case


@router.get("/risk/cases", response=responses({200: page_of(CaseOut)}))
def list_risk_cases(request: HttpRequest, filters: Query[CaseFilter]) -> dict[str, Any]:
    """The officers' queue, highest score first, a page at a time."""
    _allowed(request)
    page = paginate_ordered(case_queue(status=filters.status or None, rule=filters.rule or None), filters)
    record_read(principal_of(request), [c.person_id for c in page["items"] if c.person_id], "risk queue")
    return {**page, "items": [_case(c) for c in page["items"]]}


@router.get("/risk/cases/{case_id}", response=responses({200: CaseOut}, 404))
def get_risk_case(request: HttpRequest, case_id: int) -> dict[str, Any]:
    _allowed(request)
    return _case(_found(request, case_id))


@router.post("/risk/cases/{case_id}/outcome", response=responses({200: CaseOut}, 404, 409))
def post_risk_case_outcome(request: HttpRequest, case_id: int, payload: OutcomeIn) -> dict[str, Any]:
    """Confirmed or false positive, with the officer's note; a case is decided once (409 after)."""
    _allowed(request)
    case = _found(request, case_id)
    decided = risk_case_decide(actor=principal_of(request).actor, case=case, outcome=payload.outcome, note=payload.note)
    return _case(decided)


@router.get("/risk/rules", response=responses({200: page_of(RuleOut)}))
def list_risk_rules(request: HttpRequest, filters: Query[PageIn]) -> dict[str, Any]:
    """Every rule with its parameters on the day and its precision so far, a page at a time."""
    _allowed(request)
    today = timezone.localdate()
    return paginate_in_order([s.as_dict(today) for s in rule_standings(today)], filters)
