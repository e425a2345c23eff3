"""A claim's states and the one way to change them.

Every change goes through ``move``: one UPDATE guarded by the version the caller saw, so of two officers
deciding one claim at once, one succeeds and the other gets a conflict. Every change is an event on the
claim and an entry in the audit trail. Also here: the moves allowed from each state, the kinds of claim
and the scheme each rests on, the rules' time limits, and the check that only officers decide.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.errors import Conflict, Forbidden
from socsec.notifications import recipients
from socsec.notifications.services import notify
from socsec.rules.coverage import Scheme
from socsec.rules.parameters import load_parameters

from .errors import BenefitErrorCode
from .models import Claim, ClaimEvent
from .selectors import OPEN_STATUSES

S = Claim.Status
K = Claim.Kind

# which scheme's coverage a claim rests on
CLAIM_SCHEME: dict[str, Scheme] = {
    K.OCCUPATIONAL_INJURY: Scheme.OIP,
    K.WORK_INJURY: Scheme.WORK_INJURY,
    K.PENSION: Scheme.EMPLOYEE_PENSION,
    K.UNEMPLOYMENT: Scheme.UNEMPLOYMENT,
    K.LONG_TERM_CARE: Scheme.LONG_TERM_CARE,
    K.SKILL_SUBSIDY: Scheme.UNEMPLOYMENT,
}
INJURY = (K.OCCUPATIONAL_INJURY, K.WORK_INJURY)
OPEN = OPEN_STATUSES  # the states an officer still has work in

# the moves an officer (or the checks) may make; anything else is refused
# (an officer may ask the claimant for more in the states before a decision or an assessment; the answer
# sends the claim back to the state it was in: ``socsec.benefits.information``)
ASKING = (S.SUBMITTED, S.GATHERING_EVIDENCE, S.ACCEPTED, S.UNDER_REVIEW)
MOVES: dict[str, tuple[str, ...]] = {
    S.SUBMITTED: (S.GATHERING_EVIDENCE, S.ACCEPTED, S.REJECTED, S.WITHDRAWN, S.WAITING_FOR_CLAIMANT),
    S.GATHERING_EVIDENCE: (S.ACCEPTED, S.REJECTED, S.WITHDRAWN, S.WAITING_FOR_CLAIMANT),
    S.ACCEPTED: (S.ASSESSED, S.WITHDRAWN, S.WAITING_FOR_CLAIMANT),
    S.ASSESSED: (S.AWARDED, S.ACCEPTED),  # ACCEPTED again: the checker sends the assessment back
    S.AWARDED: (S.PAID, S.UNDER_REVIEW),
    S.PAID: (S.UNDER_REVIEW,),
    S.REJECTED: (S.UNDER_REVIEW,),
    S.UNDER_REVIEW: (S.ACCEPTED, S.REJECTED, S.WAITING_FOR_CLAIMANT),
    S.WAITING_FOR_CLAIMANT: ASKING,
    S.WITHDRAWN: (),
}


def deadline_days(path: str, on: dt.date) -> tuple[int, dict[str, Any]]:
    """A time limit of the rules (``claims.deadlines.<path>``) in force on a day, in days, with the
    parameter it came from."""
    leaf = load_parameters().leaf(f"claims.deadlines.{path}").resolve(on)
    return leaf.as_int(), leaf.as_dict()


def require_officer(actor: Actor) -> None:
    """Refuse a platform or employer: only officers decide."""
    if actor.organisation_id is not None:
        raise Forbidden("only officers decide claims")


def move(
    claim: Claim,
    *,
    actor: Actor,
    expected_version: int,
    to: str,
    note: str = "",
    today: dt.date,
    **fields: Any,
) -> Claim:
    """Change a claim's state if it is still at the version the caller saw."""
    stale = Conflict(
        "this claim was changed by someone else since you opened it; reload it and decide again",
        field="version",
        code=BenefitErrorCode.STALE,
    )
    if claim.version != expected_version:
        raise stale
    if to not in MOVES[claim.status]:
        raise Conflict(
            "this claim is %(now)s; it cannot become %(to)s",
            code=BenefitErrorCode.BAD_TRANSITION,
            params={"now": claim.get_status_display(), "to": S(to).label},
        )
    before = snapshot(claim)
    with transaction.atomic():  # the move, its event and its audit entry: all or none
        changed = Claim.objects.filter(pk=claim.pk, version=expected_version, status=claim.status).update(
            status=to, version=F("version") + 1, **fields
        )
        if not changed:  # someone moved it between our read and this write
            raise stale
        from_status = claim.status
        claim.refresh_from_db()
        ClaimEvent.objects.create(
            claim=claim, on=today, actor=actor.label, from_status=from_status, to_status=to, note=note[:2000]
        )
        audit_record(actor=actor, action=f"benefit.claim.{to.lower()}", instance=claim, before=before)
        if to == S.REJECTED or (to == S.ACCEPTED and from_status != S.ASSESSED):  # a decision (not a send-back)
            notify(
                event=f"claim.{to.lower()}",
                recipient=recipients.person(claim.person_id),
                context={"claim": claim.pk, "reason": claim.decision_reason or note},
                dedupe_key=f"{claim.pk}:{claim.version}",
            )
    return claim
