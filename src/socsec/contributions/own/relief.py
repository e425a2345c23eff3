"""Relief groups: an officer records that a person belongs to one for a time (with the certificate or
register it rests on); the group a person is in on a day, and the months of subsidy already had."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, Sum

from socsec.audit.services import Actor, audit_record
from socsec.contributions.errors import ContributionErrorCode
from socsec.contributions.models import ContributionRelief, OwnContribution
from socsec.core.db import lock
from socsec.core.errors import Conflict, ValidationFailed
from socsec.registry.models import Person


def relief_grant(
    *,
    actor: Actor,
    person: Person,
    group: str,
    valid_from: dt.date,
    valid_to: dt.date | None,
    reason: str,
) -> ContributionRelief:
    """An officer records that a person belongs to a relief group for a time, with the reason (which
    certificate or register). A person is in one group at a time: overlapping periods are refused."""
    errors: dict[str, list[str]] = {}
    if group not in ContributionRelief.Group.values:
        errors["group"] = [f"{group!r} is not one of {', '.join(ContributionRelief.Group.values)}."]
    if valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = [f"{valid_to.isoformat()} is before valid_from {valid_from.isoformat()}."]
    if not reason.strip() or len(reason) > 300:
        errors["reason"] = ["is required (at most 300 characters): the certificate or register it rests on."]
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        lock(Person.objects).filter(pk=person.pk).first()
        for other in ContributionRelief.objects.filter(person=person):
            ends_after = other.valid_to is None or other.valid_to >= valid_from
            starts_before = valid_to is None or other.valid_from <= valid_to
            if ends_after and starts_before:
                raise Conflict(
                    "overlaps the %(group)s period from %(valid_from)s",
                    field="valid_from",
                    code=ContributionErrorCode.OVERLAP,
                    params={"group": other.group, "valid_from": other.valid_from.isoformat()},
                )
        relief = ContributionRelief.objects.create(
            person=person, group=group, valid_from=valid_from, valid_to=valid_to, reason=reason.strip()
        )
        audit_record(actor=actor, action="contribution.relief.grant", instance=relief)
    return relief


def relief_group_on(person: Person, day: dt.date, groups: tuple[str, ...]) -> str:
    """The person's relief group on the day among ``groups`` (empty when none)."""
    relief = (
        ContributionRelief.objects.filter(person=person, group__in=groups, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .first()
    )
    return relief.group if relief else ""


def subsidised_months_of(person: Person, scheme: str, group: str) -> int:
    """Months of a group's subsidy the person has had on a scheme's contributions."""
    rows = OwnContribution.objects.filter(person=person, scheme=scheme, relief_group=group)
    return int(rows.aggregate(total=Sum("subsidised_months"))["total"] or 0)
