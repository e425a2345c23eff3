"""Claims: submission with the rules' deadlines, automated checks that approve or route to an officer
(never reject), decisions with reasons, assessment, awards with maker-checker, review and appeal.

Every change of state goes through ``socsec.benefits.claims.move`` (guarded by the version the caller
saw).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.registry.models import Engagement, Organisation, Person
from socsec.rules.coverage import Category, Status
from socsec.rules.parameters import load_parameters

from .assessment import Assessment
from .awards import awards_for
from .claims import CLAIM_SCHEME, INJURY, deadline_days, move, require_officer
from .models import Award, Claim, ClaimEvent, RetentionRebate
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
    coverage = coverage_for(person, event_date)
    scheme = coverage.scheme(CLAIM_SCHEME[kind])
    if kind in INJURY:
        assert engagement is not None
        on_this = [e for e in scheme.engagements if e.engagement.pk == engagement.pk]
        status = on_this[0].reason.status if on_this else scheme.reason.status
        reason = on_this[0].reason.text if on_this else scheme.reason.text
        if kind == K.WORK_INJURY and engagement.category != Category.LABOUR_RELATION:
            status, reason = Status.NOT_ELIGIBLE, "work-related injury insurance covers labour relations only"
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
                code="duplicate_claim",
                params={"kind": Claim.Kind(kind).label, "day": event_date.isoformat()},
            ) from None
        ClaimEvent.objects.create(claim=claim, on=today, actor=actor.label, to_status=S.SUBMITTED, note="")
        audit_record(actor=actor, action="benefit.claim.submit", instance=claim)
        _check(claim, actor=Actor.system("automated checks"), today=today)
    claim.refresh_from_db()
    return claim


def _person_of(actor: Actor) -> int | None:
    from socsec.accounts.models import User

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
            from .review import end_in_force

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
            note=", ".join(f"{k} {v}" for k, v in stored.items()),
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
    threshold = int(load_parameters().value("claims.maker_checker", today) * 100)
    total = award_total_cents(claim)
    if total >= threshold and actor.user_id is not None and actor.user_id == claim.awarded_by_id:
        raise Forbidden(
            "awards of %(yuan)s yuan or more need a second officer: you assessed this one",
            code="maker_checker",
            params={"yuan": f"{threshold // 100:,}"},
        )
    from .review import put_in_force

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
    return claim


def claim_send_back(
    *, actor: Actor, claim: Claim, expected_version: int, reason: str, today: dt.date | None = None
) -> Claim:
    """The checker sends an assessment back to be redone (only an assessed claim, with the reason)."""
    require_officer(actor)
    if claim.status != S.ASSESSED:
        raise Conflict("only an assessed claim can be sent back", code="bad_transition")
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


def claim_appeal(
    *, actor: Actor, claim: Claim, expected_version: int, reason: str, today: dt.date | None = None
) -> Claim:
    """The claimant asks for a review of a rejection or of an award."""
    if not reason.strip():
        raise ValidationFailed("reason: is required - say what you disagree with", field="reason")
    return move(
        claim,
        actor=actor,
        expected_version=expected_version,
        to=S.UNDER_REVIEW,
        note=reason,
        today=today or timezone.localdate(),
    )


def claim_withdraw(*, actor: Actor, claim: Claim, expected_version: int, today: dt.date | None = None) -> Claim:
    return move(
        claim,
        actor=actor,
        expected_version=expected_version,
        to=S.WITHDRAWN,
        note="withdrawn by the claimant",
        today=today or timezone.localdate(),
    )


def retention_rebate_decide(
    *,
    actor: Actor,
    organisation: Organisation,
    year: int,
    staff: int,
    laid_off: int,
    enterprise_size: str,
    premiums_last_year_cents: int,
    today: dt.date | None = None,
) -> RetentionRebate:
    """An officer decides an enterprise's job-retention rebate for a year from its staff, layoffs, size and
    last year's premiums: the rules say whether it qualifies and how much; the fund pays it to the
    enterprise (one balanced ledger transaction). Once per enterprise and year."""
    from socsec.ledger.services import post as ledger_post
    from socsec.rules.engine import RuleViolation, calc

    require_officer(actor)
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if not 2000 <= year < today.year:
        errors["year"] = [f"{year} is not a finished year (up to {today.year - 1})"]
    if not 0 < staff <= 10**7:
        errors["staff"] = ["must be from 1 to 10,000,000"]
    if not 0 <= laid_off <= max(staff, 0):
        errors["laid_off"] = [f"{laid_off} is not between 0 and the staff ({staff})"]
    if enterprise_size not in RetentionRebate.Size.values:
        errors["enterprise_size"] = [f"{enterprise_size!r} is not LARGE or SME"]
    if not 0 <= premiums_last_year_cents <= 10**13:
        errors["premiums_last_year_cents"] = ["must be from 0 to 100 billion yuan, in cents"]
    if organisation.registered_region is None:
        errors["organisation"] = [f"{organisation.code} has no registered region: no fund to pay from"]
    if errors:
        raise ValidationFailed.from_fields(errors)
    on = dt.date(year, 12, 31)
    inputs = {"staff": staff, "laid_off": laid_off, "enterprise_size": enterprise_size}
    try:
        check = calc("job_retention_rebate_check", on, **inputs)
        if int(check.value or 0) != 0:
            raise ValidationFailed(f"laid_off: not eligible - {check.meaning}", field="laid_off")
        amount = calc("job_retention_rebate", on, premiums_last_year=premiums_last_year_cents, **inputs)
    except RuleViolation as exc:
        raise ValidationFailed(f"year: {exc}", field="year") from None
    assert organisation.registered_region is not None
    province = organisation.registered_region.province_code
    with transaction.atomic():
        try:
            with transaction.atomic():
                rebate = RetentionRebate.objects.create(
                    organisation=organisation,
                    year=year,
                    staff=staff,
                    laid_off=laid_off,
                    enterprise_size=enterprise_size,
                    premiums_last_year_cents=premiums_last_year_cents,
                    amount_cents=int(amount.value or 0),
                    explanation=amount.as_dict(),
                    decided_on=today,
                )
        except IntegrityError:
            raise Conflict(f"{organisation.code}'s rebate for {year} is decided already", code="duplicate") from None
        if rebate.amount_cents:
            ledger_post(
                entries=[
                    (f"fund:UNEMPLOYMENT:{province}", rebate.amount_cents),
                    (f"payable:organisation:{organisation.code}", -rebate.amount_cents),
                ],
                description=f"job-retention rebate {year} of {organisation.code}",
                source=f"retention-rebate:{rebate.pk}",
                idempotency_key=f"retention-rebate:{rebate.pk}",
                booked_on=today,
            )
        audit_record(actor=actor, action="benefit.retention_rebate", instance=rebate)
    return rebate
