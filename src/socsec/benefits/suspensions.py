"""The officer's review of the automatic decisions against a person: each stop a payment run made from
registry data (``stops``) waits, with what triggered it, until an officer confirms it or lifts it, with the
reason. Lifting restarts payment from the stopped month: the next payment run pays the months withheld and
gives back what the stop recovered (``payments._due``); a review no longer carries the stop over, and the
stop is not made again for the same trigger. The person is told either way."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.errors import Conflict, NotFound, ValidationFailed

from .claims import require_officer
from .errors import BenefitErrorCode
from .models import Award, Suspension, WorkReport
from .notices import NoticeKind, notice_send
from .stops import replaced_key

St = Suspension.Status


def suspensions_to_review(*, status: str = St.PENDING) -> QuerySet[Suspension]:
    """The stops of one state (those waiting for an officer by default), oldest first."""
    rows = Suspension.objects.select_related("award__claim", "person")
    return rows.filter(status=status) if status else rows


def suspension_get(*, suspension_id: int) -> Suspension:
    found = Suspension.objects.select_related("award__claim", "person").filter(pk=suspension_id).first()
    if found is None:
        raise NotFound("no suspension %(id)s", params={"id": suspension_id})
    return found


def suspensions_of(*, person_id: int) -> QuerySet[Suspension]:
    return Suspension.objects.filter(person_id=person_id).select_related("award__claim").order_by("-id")


def suspensions_of_claim(*, claim_id: int) -> QuerySet[Suspension]:
    return Suspension.objects.filter(award__claim_id=claim_id).order_by("-id")


def work_reports_of_claim(*, claim_id: int) -> list[WorkReport]:
    """The work found while the claim's unemployment benefit was paid that did not stop it, by month."""
    return list(WorkReport.objects.filter(award__claim_id=claim_id).order_by("month", "id"))


def _decide(actor: Actor, suspension: Suspension, reason: str, today: dt.date | None, to: str) -> Suspension:
    require_officer(actor)
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("reason: is required - say what you checked and why", field="reason")
    if len(reason) > 2000:
        raise ValidationFailed("reason: is at most 2000 characters", field="reason")
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if locked.status != St.PENDING:
            raise Conflict(
                "this suspension was already %(status)s",
                code=BenefitErrorCode.BAD_TRANSITION,
                params={"status": locked.get_status_display()},
            )
        before = snapshot(locked)
        if to == St.LIFTED:
            _resume(actor, locked)
        locked.status, locked.decided_by_id, locked.decided_on = to, actor.user_id, today
        locked.decision_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_on", "decision_reason"])
        action = "benefit.suspension.lift" if to == St.LIFTED else "benefit.suspension.confirm"
        audit_record(actor=actor, action=action, instance=locked, before=before)
        kind = NoticeKind.SUSPENSION_LIFTED if to == St.LIFTED else NoticeKind.SUSPENSION_CONFIRMED
        notice_send(
            person_id=locked.person_id, kind=kind, claim=locked.award.claim, month=locked.from_month, reason=reason
        )
    return locked


def _resume(actor: Actor, suspension: Suspension) -> None:
    """Take the stop off the award and off those that replaced it after a review (which carried it over)."""
    key = replaced_key(suspension.award)
    awards = Award.objects.filter(
        claim_id=suspension.award.claim_id, item=suspension.award.item, suspended_from=suspension.from_month
    ).order_by("id")
    for award in awards.select_for_update():
        if replaced_key(award) != key:  # another beneficiary's (encrypted: compared here)
            continue
        before = snapshot(award)
        award.suspended_from, award.suspended_reason = "", ""
        award.save(update_fields=["suspended_from", "suspended_reason"])
        audit_record(actor=actor, action="benefit.award.resume", instance=award, before=before)


def suspension_confirm(
    *, actor: Actor, suspension: Suspension, reason: str, today: dt.date | None = None
) -> Suspension:
    """The officer checked the evidence and the stop stands."""
    return _decide(actor, suspension, reason, today, St.CONFIRMED)


def suspension_lift(*, actor: Actor, suspension: Suspension, reason: str, today: dt.date | None = None) -> Suspension:
    """The officer found the stop wrong: payment restarts from the stopped month."""
    return _decide(actor, suspension, reason, today, St.LIFTED)
