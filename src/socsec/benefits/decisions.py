"""An officer's decisions on a claim: accept or reject with the reason (and, after an appeal, the review by
another officer), the assessment whose awards the rules propose, approval with maker-checker above the
threshold, and the checker sending an assessment back.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.core.money import format_yuan
from socsec.notifications import recipients
from socsec.notifications.services import notify
from socsec.rules.parameters import load_parameters

from .assessment import Assessment
from .awards import awards_for
from .claims import INJURY, deadline_days, move, require_officer
from .errors import BenefitErrorCode
from .models import Award, Claim, ClaimEvent
from .review import end_in_force, put_in_force

S = Claim.Status


def claim_decide(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int,
    accept: bool,
    reason: str,
    today: dt.date | None = None,
) -> Claim:
    """An officer accepts or rejects a claim, with the reason in words. A review after an appeal must
    be decided by another officer than the first decision."""
    require_officer(actor)
    today = today or timezone.localdate()
    if not reason.strip():
        raise ValidationFailed("reason: is required - say why, in words the claimant understands", field="reason")
    if claim.status == S.WAITING_FOR_CLAIMANT:
        raise Conflict(
            "this claim waits for the information asked of the claimant; decide it once they answer",
            code=BenefitErrorCode.BAD_TRANSITION,
        )
    if claim.status == S.UNDER_REVIEW and actor.user_id is not None and claim.decided_by_id == actor.user_id:
        raise Forbidden("a review is decided by another officer than the first decision")
    with transaction.atomic():
        claim = move(
            claim,
            actor=actor,
            expected_version=expected_version,
            to=S.ACCEPTED if accept else S.REJECTED,
            note=reason,
            today=today,
            decision_reason=reason.strip(),
            decided_by_id=actor.user_id,
            decided_on=today,
        )
        if not accept and claim.awards.filter(status=Award.Status.ACTIVE).exists():  # a review rejects it
            ended = end_in_force(claim)
            note = "the awards in force end: " + (
                ", ".join(f"{a.item} (paid to {a.end_month or a.start_month})" for a in ended) or "none was paid"
            )
            ClaimEvent.objects.create(
                claim=claim, on=today, actor=actor.label, from_status=S.REJECTED, to_status=S.REJECTED, note=note
            )
        if accept and claim.kind in INJURY:
            days, basis = deadline_days("assessment", today)
            Claim.objects.filter(pk=claim.pk).update(
                assessment_due=today + dt.timedelta(days=days), deadlines={**claim.deadlines, "assessment": basis}
            )
            claim.refresh_from_db()
    return claim


def claim_assess(
    *,
    actor: Actor,
    claim: Claim,
    expected_version: int,
    assessment: Assessment,
    today: dt.date | None = None,
) -> Claim:
    """An officer records the assessment (disability grade, care level, contribution years, ...); the
    rules compute the awards, each with its payer and explanation, proposed until approved. On a claim
    awarded before (a review), the new decision corrects the first: its awards are worked out as of the
    first assessment, and those in force stay in force, and paid, until the new ones are approved
    (``socsec.benefits.review``)."""
    require_officer(actor)
    today = today or timezone.localdate()
    # a review corrects the first decision: the awards are worked out as of the first assessment
    decided = claim.awards.exclude(status=Award.Status.PROPOSED).exists()  # in force, or ended by a review
    first = claim.events.filter(to_status=S.ASSESSED).order_by("id").first() if decided else None
    awards = awards_for(claim, assessment, first.on if first else today)
    stored = assessment.as_dict()
    with transaction.atomic():
        claim = move(
            claim,
            actor=actor,
            expected_version=expected_version,
            to=S.ASSESSED,
            note=_assessment_note(stored),
            today=today,
            assessment=stored,
            awarded_by_id=actor.user_id,
        )
        claim.awards.filter(status=Award.Status.PROPOSED).delete()  # a new assessment replaces the proposal
        for award in awards:
            award.claim = claim
            award.status = Award.Status.PROPOSED
        Award.objects.bulk_create(awards)
    return claim


def award_total_cents(claim: Claim) -> int:
    """What the proposed awards cost in their first year: lump sums plus twelve months of periodic
    amounts."""
    proposed = claim.awards.filter(status=Award.Status.PROPOSED)
    return sum(a.amount_cents * (12 if a.periodic else 1) for a in proposed)


def claim_approve(*, actor: Actor, claim: Claim, expected_version: int, today: dt.date | None = None) -> Claim:
    """Award what was assessed. Above the maker-checker threshold, a second officer approves: the one who
    assessed cannot approve their own award."""
    require_officer(actor)
    today = today or timezone.localdate()
    threshold = int(load_parameters().value_decimal("claims.maker_checker", today) * 100)
    total = award_total_cents(claim)
    if total >= threshold and actor.user_id is not None and actor.user_id == claim.awarded_by_id:
        raise Forbidden(
            "awards of %(yuan)s yuan or more need a second officer: you assessed this one",
            code=BenefitErrorCode.MAKER_CHECKER,
            params={"yuan": f"{threshold // 100:,}"},
        )
    with transaction.atomic():  # the move and the awards put in force: all or none
        claim = move(
            claim,
            actor=actor,
            expected_version=expected_version,
            to=S.AWARDED,
            note=f"awarded: {total} cents in the first year",
            today=today,
            approved_by_id=actor.user_id,
        )
        for note in put_in_force(claim):
            ClaimEvent.objects.create(
                claim=claim, on=today, actor=actor.label, from_status=S.AWARDED, to_status=S.AWARDED, note=note
            )
        notify(
            event="claim.awarded",
            recipient=recipients.person(claim.person_id),
            context={"claim": claim.pk, "amount": format_yuan(total)},
            dedupe_key=f"{claim.pk}:{claim.version}",
        )
    return claim


def claim_send_back(
    *, actor: Actor, claim: Claim, expected_version: int, reason: str, today: dt.date | None = None
) -> Claim:
    """The checker sends an assessment back to be redone (only an assessed claim, with the reason)."""
    require_officer(actor)
    if claim.status != S.ASSESSED:
        raise Conflict("only an assessed claim can be sent back", code=BenefitErrorCode.BAD_TRANSITION)
    if not reason.strip():
        raise ValidationFailed("reason: is required - say what to redo", field="reason")
    return move(
        claim,
        actor=actor,
        expected_version=expected_version,
        to=S.ACCEPTED,
        note=f"sent back: {reason}",
        today=today or timezone.localdate(),
    )


def _assessment_note(stored: dict[str, Any]) -> str:
    """The assessment in the claim's history, dependants by their number only: their names are not
    written into the history, which anyone who reads the claim sees unmasked."""
    shown = {k: (len(v) if k == "dependants" and isinstance(v, list) else v) for k, v in stored.items()}
    return ", ".join(f"{k} {v}" for k, v in shown.items())
