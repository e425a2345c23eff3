"""Filing a claim: a worker (portal), a platform or employer (API) or an officer reports it, with the
rules' deadlines set. Refused with a clear reason: an event in the future, a person the scheme did not
cover on that date, a second claim for the same event. The automated checks then approve what the
registry and the platform's order data confirm and route the rest (a late report among them) to an
officer; they never reject. The claimant may withdraw a claim not yet assessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, ValidationFailed
from socsec.notifications import recipients
from socsec.notifications.services import notify_many
from socsec.registry.models import Engagement, Person
from socsec.rules.coverage import Category, Status
from socsec.rules.texts import N_

from .claims import CLAIM_SCHEME, INJURY, deadline_days, move
from .errors import BenefitErrorCode
from .models import Claim, ClaimEvent
from .selectors import activity_around

S = Claim.Status
K = Claim.Kind


def claim_submit(
    *,
    actor: Actor,
    person: Person,
    kind: str,
    event_date: dt.date,
    engagement: Engagement | None = None,
    order_id: str = "",
    facts: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> Claim:
    """A worker (portal), a platform or employer (API) or an officer reports a claim. Refused with a
    clear reason: an event in the future, a person the scheme did not cover on that date, a second
    claim for the same event. A late report is not refused: the checks route it to an officer."""
    from socsec.coverage.selectors import coverage_for
    from socsec.risk.tasks import risk_screen_after  # risk reads benefits: imported when used

    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in K.values:
        errors["kind"] = [f"{kind!r} is not one of {', '.join(K.values)}."]
    if event_date > today:
        errors["event_date"] = [f"{event_date.isoformat()} is in the future."]
    if kind in INJURY and engagement is None:
        errors["engagement"] = ["is required: the work during which the injury happened."]
    if engagement is not None and engagement.person_id != person.pk:
        errors["engagement"] = [f"engagement {engagement.pk} is not this person's."]
    if actor.organisation_id is not None and (
        engagement is None or engagement.organisation_id != actor.organisation_id
    ):
        errors["engagement"] = ["a platform or employer reports only for work done through it."]
    if len(order_id) > 64:
        errors["order_id"] = ["is at most 64 characters."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    coverage = coverage_for(person, event_date, date_field="event_date")
    scheme = coverage.scheme(CLAIM_SCHEME[kind])
    if kind in INJURY:
        assert engagement is not None
        on_this = [e for e in scheme.engagements if e.engagement.pk == engagement.pk]
        status = on_this[0].reason.status if on_this else scheme.reason.status
        reason = on_this[0].reason.text if on_this else scheme.reason.text
        if kind == K.WORK_INJURY and engagement.category != Category.LABOUR_RELATION:
            status, reason = Status.NOT_ELIGIBLE, N_("work-related injury insurance covers labour relations only")
    else:
        status, reason = scheme.reason.status, scheme.reason.text
    if kind != K.PENSION and status not in (Status.MANDATORY, Status.VOLUNTARY):
        raise ValidationFailed(
            "event_date: not covered by %(scheme)s on %(day)s - %(reason)s",
            field="event_date",
            params={"scheme": scheme.label, "day": event_date.isoformat(), "reason": reason},
        )
    reporter = (
        Claim.Reporter.ORGANISATION
        if actor.organisation_id is not None
        else Claim.Reporter.WORKER
        if actor.user_id is not None and person.pk == _person_of(actor)
        else Claim.Reporter.OFFICER
    )
    decision_days, decision_basis = deadline_days("decision", today)
    deadlines: dict[str, Any] = {"decision": decision_basis}
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = Claim.objects.create(
                    person=person,
                    kind=kind,
                    event_date=event_date,
                    engagement=engagement,
                    order_id=order_id,
                    reported_by=reporter,
                    reporter_organisation_id=actor.organisation_id,
                    facts=dict(facts or {}),
                    submitted_on=today,
                    decision_due=today + dt.timedelta(days=decision_days),
                    deadlines=deadlines,
                )
        except IntegrityError:
            raise Conflict(
                "%(kind)s claim for %(day)s already exists",
                field="event_date",
                code=BenefitErrorCode.DUPLICATE_CLAIM,
                params={"kind": Claim.Kind(kind).label, "day": event_date.isoformat()},
            ) from None
        ClaimEvent.objects.create(claim=claim, on=today, actor=actor.label, to_status=S.SUBMITTED, note="")
        audit_record(actor=actor, action="benefit.claim.submit", instance=claim)
        _tell_received(claim)
        _check(claim, actor=Actor.system("automated checks"), today=today)
        risk_screen_after(trigger="CLAIM", persons=[person.pk])
    claim.refresh_from_db()
    return claim


def _tell_received(claim: Claim) -> None:
    """The claimant, and the platform or employer of the work the claim rests on, are told of it."""
    with translation.override(None):  # the kind's words as the catalogue's msgid, shown translated
        kind = str(Claim.Kind(claim.kind).label)
    context = {"claim": claim.pk, "kind": kind, "day": claim.event_date.isoformat(), "due": claim.decision_due}
    notify_many(event="claim.received", rows=[(recipients.person(claim.person_id), context, str(claim.pk))])
    if claim.engagement is not None:
        organisation = recipients.organisation(claim.engagement.organisation_id)
        notify_many(event="claim.reported", rows=[(organisation, context, str(claim.pk))])


def _person_of(actor: Actor) -> int | None:
    from socsec.accounts.models import User

    if actor.user_id is None:
        return None
    return User.objects.filter(pk=actor.user_id).values_list("person_id", flat=True).first()


def _check(claim: Claim, *, actor: Actor, today: dt.date) -> None:
    """Automated checks: approve when the registry and platform data confirm the claim, otherwise
    route to an officer with the reason. They never reject."""
    routes: list[str] = []
    evidence: dict[str, Any] = {}
    if claim.kind in INJURY:
        reporter_days, basis = deadline_days(
            "report_by_organisation" if claim.reported_by == Claim.Reporter.ORGANISATION else "report_by_worker",
            claim.event_date,
        )
        claim.deadlines["report"] = basis
        late = (claim.submitted_on - claim.event_date).days
        if late > reporter_days:
            routes.append(f"reported {late} days after the injury; the time limit is {reporter_days} days")
        if claim.kind == K.OCCUPATIONAL_INJURY:
            assert claim.engagement is not None
            activity = activity_around(claim.person, claim.engagement.organisation, claim.event_date)
            evidence["platform_activity"] = activity.as_dict()
            if not activity.orders_on_day:
                routes.append("the platform's order data show no order of this worker on the day of the injury")
            elif claim.order_id and claim.order_id not in activity.order_ids:
                routes.append(f"order {claim.order_id} is not among the worker's orders on that day")
        else:
            routes.append("work-related injury: the employer's account of the accident is read by an officer")
    else:
        routes.append("an officer checks the registry record before deciding")
    Claim.objects.filter(pk=claim.pk).update(evidence=evidence, deadlines=claim.deadlines)
    claim.refresh_from_db()
    if routes:
        move(
            claim,
            actor=actor,
            expected_version=claim.version,
            to=S.GATHERING_EVIDENCE,
            note="; ".join(routes),
            today=today,
            routed_reason="; ".join(routes)[:300],
        )
        return
    clear_days, basis = deadline_days("decision_clear", claim.submitted_on)
    move(
        claim,
        actor=actor,
        expected_version=claim.version,
        to=S.ACCEPTED,
        note="confirmed by the platform's order data: no certificate needed",
        today=today,
        decision_reason="The platform's own order data confirm the worker was taking orders when injured.",
        decided_on=today,
        decision_due=claim.submitted_on + dt.timedelta(days=clear_days),
        deadlines={**claim.deadlines, "decision_clear": basis},
    )


def claim_withdraw(*, actor: Actor, claim: Claim, expected_version: int, today: dt.date | None = None) -> Claim:
    """The claimant withdraws a claim not yet assessed."""
    return move(
        claim,
        actor=actor,
        expected_version=expected_version,
        to=S.WITHDRAWN,
        note="withdrawn by the claimant",
        today=today or timezone.localdate(),
    )
