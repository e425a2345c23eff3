"""A platform registers one of its workers: the person and the engagement together."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from socsec.audit.services import Actor, audit_record
from socsec.core.db import lock
from socsec.core.errors import ValidationFailed

from .. import validation as v
from ..models import Engagement, Organisation, Person
from .engagements import engagement_create
from .organisations import check_actor_may_use
from .persons import clean_person, person_insert


def worker_register(
    *,
    actor: Actor,
    organisation: Organisation,
    person: Mapping[str, Any],
    engagement: Mapping[str, Any],
) -> tuple[Person, Engagement, bool]:
    """A platform registers one of its workers: the person (created, or matched by resident ID) and the
    engagement, together or not at all. Returns (person, engagement, person_was_created).

    The answer must not tell a platform whether a resident ID was registered before (by another platform,
    or by the agency): a registered person is engaged as a new one would be, and a name that differs from
    the registered one is not refused (that refusal would say the ID is known): the registered name is
    kept, and the difference is put on record (``worker.name_differs`` in the audit) for an officer.

    The name and home region the organisation declared are kept on the engagement (``declared_name``,
    ``declared_region``): they are all it is ever shown of them, so a guessed resident ID tells it nothing
    the registry holds. Orders on an engagement whose declared name differs are accepted meanwhile
    (refusing them would say the resident ID is known); the officer settles the difference."""
    check_actor_may_use(actor, organisation)
    errors: v.Errors = {}
    data = clean_person(person, errors)
    if errors or data is None:
        raise ValidationFailed.from_fields({f"person.{k}": m for k, m in errors.items()})
    with transaction.atomic():
        existing = lock(Person.objects.with_resident_id(data.resident_id)).first()
        name_differs = existing is not None and existing.name != data.name
        created = existing is None
        target = existing or person_insert(data)
        if created:
            audit_record(actor=actor, action="person.register", instance=target)
        fields = dict(engagement)
        try:
            eng = engagement_create(actor=actor, person=target, organisation=organisation, **fields)
        except ValidationFailed as exc:
            raise ValidationFailed(
                "engagement.%(exc_message)s",
                field=f"engagement.{exc.field}",
                details=exc.details,
                params={"exc_message": exc.message},
            ) from None
        # what the organisation declared is all it will be shown of the person's name and home region
        eng.declared_name = data.name
        eng.declared_region = data.residence_region.code
        eng.save(update_fields=["declared_name", "declared_name_index", "declared_region"])
        if name_differs:
            audit_record(actor=actor, action="worker.name_differs", instance=eng)
    return target, eng, created
