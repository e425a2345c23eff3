"""Ending an engagement. The organisation may set (or move, or reopen) the end itself, but not to before
the last order it reported for the worker, not to before the event of a claim on that work, and not
further back than ``work.engagement_end_backdate_days`` before today. Beyond that an officer decides,
with a reason that is kept (``EngagementEndDecision``) with the limits the decision set aside.

The registry knows nothing of orders or claims: the apps that hold them register a limit source here
(``register_end_limit``, from their ``AppConfig.ready``), so every way of ending an engagement is
checked the same."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.db import lock
from socsec.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from socsec.rules.parameters import load_parameters

from .. import validation as v
from ..errors import RegistryErrorCode
from ..models import Engagement, EngagementEndDecision, Person
from .engagements import overlapping_engagement
from .organisations import check_actor_may_use

BACKDATE_PARAMETER = "work.engagement_end_backdate_days"


@dataclass(frozen=True)
class EndLimit:
    """The engagement may not end before ``earliest``: a message template and its parameters say why."""

    earliest: dt.date
    code: StrEnum
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def error(self) -> DomainError:
        return Conflict(self.message, field="end_date", code=self.code, params=self.params)

    def as_dict(self) -> dict[str, str]:
        return {"code": str(self.code), "message": self.message % self.params if self.params else self.message}


# given an engagement and a proposed end: the limit that end breaks, if any
EndLimitSource = Callable[[Engagement, dt.date], EndLimit | None]
_SOURCES: list[EndLimitSource] = []


def register_end_limit(source: EndLimitSource) -> None:
    """Add a limit on engagement ends (once per source: an app's ``ready`` may run twice in tests)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def end_limits(engagement: Engagement, end_date: dt.date | None, today: dt.date) -> list[EndLimit]:
    """Every limit the proposed end breaks: the registered sources' (orders, claims) and the window."""
    if end_date is None or end_date == engagement.end_date:  # reopening or no change narrows nothing
        return []
    broken = [limit for source in _SOURCES if (limit := source(engagement, end_date)) is not None]
    days = load_parameters().value_int(BACKDATE_PARAMETER, today)
    earliest = today - dt.timedelta(days=days)
    if end_date < earliest:
        broken.append(
            EndLimit(
                earliest,
                RegistryErrorCode.END_BACKDATED,
                "an organisation may date an engagement's end at most %(days)s days back (to %(earliest)s); "
                "%(end)s needs an officer's decision",
                {"days": days, "earliest": earliest.isoformat(), "end": end_date.isoformat()},
            )
        )
    return broken


def engagement_end(
    *, actor: Actor, engagement: Engagement, end_date: dt.date, today: dt.date | None = None
) -> Engagement:
    """The organisation (or staff without a decision) sets the engagement's end, within the limits."""
    return _set_end(actor, engagement, end_date, today or timezone.localdate(), reason=None)


def engagement_end_decide(
    *, actor: Actor, engagement: Engagement, end_date: dt.date | None, reason: str, today: dt.date | None = None
) -> Engagement:
    """An officer sets (or reopens, with no date) the engagement's end with a reason, setting aside the
    limits an organisation is held to; the decision is kept with the limits it overrode."""
    _require_officer(actor)
    if not reason.strip():
        raise ValidationFailed("reason: is required: say what the decision rests on.", field="reason")
    return _set_end(actor, engagement, end_date, today or timezone.localdate(), reason=reason.strip())


def _require_officer(actor: Actor) -> None:
    from socsec.accounts.models import Role, User  # accounts reads the registry: imported when used

    if actor.organisation_id is not None or not (
        actor.user_id is not None
        and User.objects.filter(pk=actor.user_id, role__in=[Role.OFFICER, Role.SUPERVISOR]).exists()
    ):
        raise Forbidden("only an officer decides an engagement's end")


def _set_end(
    actor: Actor, engagement: Engagement, end_date: dt.date | None, today: dt.date, reason: str | None
) -> Engagement:
    check_actor_may_use(actor, engagement.organisation)
    errors: v.Errors = {}
    if end_date is not None:
        v.check_dates(engagement.start_date, end_date, errors)
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        lock(Person.objects).filter(pk=engagement.person_id).first()  # as engagement_create
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        clash = overlapping_engagement(
            locked.person, locked.organisation, locked.start_date, end_date, exclude_id=locked.pk
        )
        if clash is not None:
            raise Conflict(
                "ending on %(end_date)s would overlap engagement %(engagement)s from %(start_date)s",
                field="end_date",
                code=RegistryErrorCode.OVERLAPPING_ENGAGEMENT,
                params={
                    "end_date": end_date.isoformat() if end_date else "no date",
                    "engagement": clash.pk,
                    "start_date": clash.start_date.isoformat(),
                },
            )
        broken = end_limits(locked, end_date, today)
        if broken and reason is None:
            raise broken[0].error()
        before = snapshot(locked)
        previous = locked.end_date
        locked.end_date = end_date
        locked.save(update_fields=["end_date"])
        if reason is None:
            audit_record(actor=actor, action="engagement.end", instance=locked, before=before)
            return locked
        assert actor.user_id is not None
        decision = EngagementEndDecision.objects.create(
            engagement=locked,
            previous_end_date=previous,
            end_date=end_date,
            reason=reason,
            overridden=[limit.as_dict() for limit in broken],
            decided_by_id=actor.user_id,
        )
        audit_record(actor=actor, action="engagement.end.decide", instance=locked, before=before)
        audit_record(actor=actor, action="engagement.end.decision", instance=decision)
    return locked
