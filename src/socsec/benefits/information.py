"""More information on a claim: an officer asks the claimant for what is missing, the claim waits for
them, and their answer sends it back to the state it was in (and so back to the officer's queue). When no
answer comes, an officer stops waiting, with the reason: the claim goes back the same way.

This is not ``claim_send_back`` (``decisions``), which is the checker returning an assessment to the
officer who made it; here the claimant is asked, and told on their portal."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, ValidationFailed

from .claims import ASKING, move, require_officer
from .errors import BenefitErrorCode
from .models import Claim, InformationRequest
from .notices import NoticeKind, notice_send

S = Claim.Status
LONGEST = 2000


def _words(text: str, field: str) -> str:
    """A question, an answer or a reason as written (its caller refuses it empty), refused when too long."""
    text = text.strip()
    if len(text) > LONGEST:
        raise ValidationFailed(
            "%(field)s: is at most %(longest)s characters", field=field, params={"field": field, "longest": LONGEST}
        )
    return text


def claim_request_information(
    *, actor: Actor, claim: Claim, expected_version: int, question: str, today: dt.date | None = None
) -> InformationRequest:
    """An officer asks the claimant for more: the claim waits for the answer; the claimant is told."""
    require_officer(actor)
    today = today or timezone.localdate()
    question = _words(question, "question")
    if not question:
        raise ValidationFailed("question: is required - say what the claimant should send", field="question")
    if claim.status not in ASKING:
        raise Conflict(
            "this claim is %(now)s; more information is asked only before a decision or an assessment",
            code=BenefitErrorCode.BAD_TRANSITION,
            params={"now": claim.get_status_display()},
        )
    if actor.user_id is None:
        raise ValidationFailed("an officer asks for information")
    with transaction.atomic():
        was = claim.status
        claim = move(
            claim,
            actor=actor,
            expected_version=expected_version,
            to=S.WAITING_FOR_CLAIMANT,
            note="more information asked of the claimant",
            today=today,
        )
        request = InformationRequest.objects.create(
            claim=claim, question=question, asked_by_id=actor.user_id, asked_on=today, return_status=was
        )
        audit_record(actor=actor, action="benefit.claim.information_request", instance=request)
        notice_send(person_id=claim.person_id, kind=NoticeKind.INFORMATION_REQUESTED, claim=claim, question=question)
    return request


def open_request(claim: Claim) -> InformationRequest | None:
    """The question the claim waits on, if it waits."""
    if claim.status != S.WAITING_FOR_CLAIMANT:
        return None
    open_ = claim.information_requests.filter(answered_on__isnull=True, stopped_on__isnull=True)
    return open_.order_by("-id").first()


def claim_answer_information(
    *, actor: Actor, claim: Claim, expected_version: int, answer: str, today: dt.date | None = None
) -> Claim:
    """The claimant answers: the claim goes back to the state it was in when asked, to the officer."""
    today = today or timezone.localdate()
    answer = _words(answer, "answer")
    if not answer:
        raise ValidationFailed("answer: is required - write what the officer asked for", field="answer")
    request = open_request(claim)
    if request is None:
        raise Conflict("this claim is not waiting for information from you", code=BenefitErrorCode.BAD_TRANSITION)
    return _close_request(
        request,
        claim,
        actor=actor,
        expected_version=expected_version,
        note="the claimant sent the information asked",
        fields={"answer": answer, "answered_on": today},
        action="benefit.claim.information_answer",
        today=today,
    )


def claim_stop_waiting(
    *, actor: Actor, claim: Claim, expected_version: int, reason: str, today: dt.date | None = None
) -> Claim:
    """An officer stops waiting for an answer that did not come: the claim goes back to the state it was in
    when asked (and so to the officer's queue), the reason in its history."""
    require_officer(actor)
    today = today or timezone.localdate()
    reason = _words(reason, "reason")
    if not reason:
        raise ValidationFailed("reason: is required - say why the claim no longer waits", field="reason")
    request = open_request(claim)
    if request is None:
        raise Conflict(
            "this claim is %(now)s; it is not waiting for the claimant",
            code=BenefitErrorCode.BAD_TRANSITION,
            params={"now": claim.get_status_display()},
        )
    return _close_request(
        request,
        claim,
        actor=actor,
        expected_version=expected_version,
        note=f"stopped waiting for the claimant: {reason}",
        fields={"stopped_on": today, "stopped_reason": reason},
        action="benefit.claim.information_stop",
        today=today,
    )


def _close_request(
    request: InformationRequest,
    claim: Claim,
    *,
    actor: Actor,
    expected_version: int,
    note: str,
    fields: dict[str, object],
    action: str,
    today: dt.date,
) -> Claim:
    """The open request is closed (answered or no longer waited for): the claim goes back to the state it
    was in when asked, the request keeps ``fields``, and the audit row says ``action``."""
    with transaction.atomic():
        claim = move(
            claim, actor=actor, expected_version=expected_version, to=request.return_status, note=note, today=today
        )
        for name, value in fields.items():
            setattr(request, name, value)
        request.save(update_fields=list(fields))
        audit_record(actor=actor, action=action, instance=request)
    return claim
