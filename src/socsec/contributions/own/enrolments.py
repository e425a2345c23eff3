"""Joining a voluntary scheme: a worker joins one that the coverage rules leave voluntary for them (the
employee pension or medical insurance as a flexible worker, the residents' pension) and then pays it
themself or asks a platform to withhold it; the schemes they may join and those they joined."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import OwnContribution, VoluntaryEnrolment
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.registry.models import Person
from socsec.rules.coverage import SCHEME_LABELS, Status
from socsec.rules.coverage import Scheme as RuleScheme

JOINABLE = tuple(OwnContribution.Scheme.values)  # the schemes a person pays themself


def joinable_schemes(person: Person, on: dt.date) -> list[str]:
    """The schemes the person may join on the day: those the coverage rules leave voluntary for them."""
    from socsec.coverage.selectors import coverage_for

    coverage = coverage_for(person, on)
    return [s for s in JOINABLE if coverage.scheme(RuleScheme(s)).status == Status.VOLUNTARY]


def enrolments_of(*, person_id: int) -> QuerySet[VoluntaryEnrolment]:
    return VoluntaryEnrolment.objects.filter(person_id=person_id).select_related("region")


def enrolment_join(*, actor: Actor, person: Person, scheme: str, today: dt.date | None = None) -> VoluntaryEnrolment:
    """The person joins a scheme from today. Only one the coverage rules leave voluntary for them today,
    and once: joining again is refused."""
    from socsec.coverage.selectors import coverage_for

    today = today or timezone.localdate()
    if actor.organisation_id is not None:
        raise Forbidden("the worker or an officer joins a scheme, not a platform", field="person")
    if scheme not in JOINABLE:
        raise ValidationFailed(
            "%(scheme)s is not a scheme you pay yourself", field="scheme", params={"scheme": scheme[:30]}
        )
    label = SCHEME_LABELS[RuleScheme(scheme)]
    coverage = coverage_for(person, today).scheme(RuleScheme(scheme))
    if coverage.status != Status.VOLUNTARY:
        raise ValidationFailed(
            "%(scheme)s is not open to you to join: %(reason)s",
            field="scheme",
            params={"scheme": label, "reason": coverage.reason.text},
        )
    with transaction.atomic():
        lock(Person.objects).filter(pk=person.pk).first()
        if VoluntaryEnrolment.objects.filter(person=person, scheme=scheme).exists():
            raise Conflict(
                "you joined %(scheme)s already",
                field="scheme",
                code=ContributionErrorCode.ALREADY_JOINED,
                params={"scheme": label},
            )
        enrolment = VoluntaryEnrolment.objects.create(
            person=person, scheme=scheme, region=person.residence_region, joined_on=today
        )
        audit_record(actor=actor, action="contribution.enrolment.join", instance=enrolment)
    return enrolment
