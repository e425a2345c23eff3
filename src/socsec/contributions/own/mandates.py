"""Withholding mandates: a worker asks a platform they work through to withhold their own contribution
at source from a month on, and ends (or withdraws) it; the worker's mandates. The month's withholding
itself is done by the assessment run (``contributions.assessment.withholding``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from socsec.audit.services import Actor, audit_record
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import WithholdingMandate
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from socsec.core.months import month_first_day, month_index
from socsec.registry.models import Engagement, Organisation, Person

from .payments import BASED_SCHEMES, MAX_DECLARED_BASE_CENTS


def withholding_mandate_create(
    *,
    actor: Actor,
    person: Person,
    platform: Organisation,
    scheme: str,
    declared_base_cents: int,
    valid_from: dt.date,
    today: dt.date | None = None,
) -> WithholdingMandate:
    """A worker asks a platform they work through to withhold their own contribution at source from a
    month on (not a past one). One mandate per scheme at a time; the base is checked by the rules when
    each month is withheld."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if actor.organisation_id is not None:
        raise Forbidden("the worker or an officer sets up withholding, not the platform", field="platform")
    if scheme not in BASED_SCHEMES:
        errors["scheme"] = [f"{scheme!r}: withholding is open to {', '.join(BASED_SCHEMES)}."]
    if not 0 < declared_base_cents <= MAX_DECLARED_BASE_CENTS:
        errors["declared_base_cents"] = [f"{declared_base_cents} is not a plausible monthly base in cents."]
    if valid_from.day != 1:
        errors["valid_from"] = ["must be the first day of a month."]
    elif valid_from < today.replace(day=1):
        errors["valid_from"] = [f"{valid_from.isoformat()} is a past month; withholding starts this month or later."]
    if platform.kind != Organisation.Kind.PLATFORM:
        errors["platform"] = [f"{platform.code} is not a platform."]
    elif not Engagement.objects.filter(person=person, organisation=platform, end_date__isnull=True).exists():
        errors["platform"] = [f"you have no current engagement with {platform.code}."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        lock(Person.objects).filter(pk=person.pk).first()
        current = WithholdingMandate.objects.filter(person=person, scheme=scheme).filter(
            Q(valid_to__isnull=True) | (Q(valid_to__gte=valid_from) & Q(valid_to__gte=F("valid_from")))
        )  # a withdrawn one (ending before it starts) does not count
        if current.exists():
            raise Conflict(
                "a withholding of %(scheme)s by %(platform)s is in force; end it first",
                field="scheme",
                code=ContributionErrorCode.WITHHOLDING_IN_FORCE,
                params={"scheme": scheme, "platform": current[0].platform.code},
            )
        mandate = WithholdingMandate.objects.create(
            person=person,
            platform=platform,
            scheme=scheme,
            declared_base_cents=declared_base_cents,
            valid_from=valid_from,
        )
        audit_record(actor=actor, action="contribution.withholding.create", instance=mandate)
    return mandate


def withholding_mandate_end(*, actor: Actor, mandate: WithholdingMandate, today: dt.date | None = None) -> None:
    """Stop withholding from the end of the current month (the month in progress is still withheld). A
    withholding that starts in a later month is withdrawn: it ends the day before it starts, so no month
    is withheld, and it no longer stands in the way of another."""
    today = today or timezone.localdate()
    last_day = month_first_day(month_index(today) + 1) - dt.timedelta(days=1)
    with transaction.atomic():
        locked = lock(WithholdingMandate.objects).get(pk=mandate.pk)
        if locked.valid_to is not None and locked.valid_to < locked.valid_from:
            raise Conflict("this withholding was withdrawn before it started", code=ContributionErrorCode.ENDED)
        if locked.valid_to is not None and locked.valid_to <= last_day:
            raise Conflict(
                "this withholding already ends on %(valid_to)s",
                code=ContributionErrorCode.ENDED,
                params={"valid_to": locked.valid_to.isoformat()},
            )
        before = {"valid_to": locked.valid_to.isoformat() if locked.valid_to else None}
        withdrawn = locked.valid_from > last_day
        locked.valid_to = locked.valid_from - dt.timedelta(days=1) if withdrawn else last_day
        locked.save(update_fields=["valid_to"])
        action = "contribution.withholding.withdraw" if withdrawn else "contribution.withholding.end"
        audit_record(actor=actor, action=action, instance=locked, before=before)


def withholding_of(*, person_id: int) -> QuerySet[WithholdingMandate]:
    return WithholdingMandate.objects.filter(person_id=person_id).select_related("platform")


def withholding_get(*, person_id: int, mandate_id: int) -> WithholdingMandate:
    mandate = withholding_of(person_id=person_id).filter(pk=mandate_id).first()
    if mandate is None:
        raise NotFound("no withholding %(mandate_id)s of yours", params={"mandate_id": mandate_id})
    return mandate
