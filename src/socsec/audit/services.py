"""The audit trail. Every service write calls ``audit_record`` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from socsec.core.bulk import copy_rows

from .chain import as_stored, chain_tail, link, lock_chain
from .models import AuditEntry
from .policy import AUDIT_FIELDS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, an organisation's API token, or the system (demo loader, CLI)."""

    label: str
    user_id: int | None = None
    token_id: int | None = None
    organisation_id: int | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(label=label)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The values of a row the audit policy allows, JSON-ready (foreign keys by id). A model the policy
    does not list gives its id alone (see ``socsec.audit.policy``)."""
    fields = AUDIT_FIELDS.get(instance._meta.label)
    if fields is None:
        logger.warning("audit: %s has no audit policy; its snapshot holds the id alone", instance._meta.label)
        return {"id": instance.pk}
    out: dict[str, Any] = {}
    for name in fields.recorded:
        value = getattr(instance, name)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = str(value)
        out[name] = value
    return out


def _entry(
    actor: Actor,
    action: str,
    instance: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    at: dt.datetime,
) -> AuditEntry:
    return AuditEntry(
        at=at,
        actor_user_id=actor.user_id,
        actor_token_id=actor.token_id,
        actor_label=actor.label,
        action=action,
        object_type=instance._meta.label,
        object_id=str(instance.pk),
        before=as_stored(before),
        after=as_stored(after),
    )


def audit_record(
    *, actor: Actor, action: str, instance: models.Model, before: dict[str, Any] | None = None
) -> AuditEntry:
    entry = _entry(actor, action, instance, before, snapshot(instance), timezone.now())
    with transaction.atomic(savepoint=False):  # the lock lasts until the caller's transaction ends
        lock_chain()
        link([entry], chain_tail())
        entry.save(force_insert=True)
    return entry


def audit_record_many(
    *,
    actor: Actor,
    action: str,
    instances: Iterable[models.Model],
    befores: Iterable[dict[str, Any] | None] | None = None,
) -> int:
    """One entry per instance, chained in Python and inserted in bulk: one lock and one read of the tail
    for the lot. ``befores``: each instance's snapshot before the change, in the same order (none by
    default)."""
    now = timezone.now()
    objects = list(instances)
    earlier = list(befores) if befores is not None else [None] * len(objects)
    entries = [_entry(actor, action, obj, was, snapshot(obj), now) for obj, was in zip(objects, earlier, strict=True)]
    if not entries:
        return 0
    with transaction.atomic(savepoint=False):
        lock_chain()
        link(entries, chain_tail())
        columns = [f.attname for f in AuditEntry._meta.concrete_fields if not f.primary_key]
        ids = copy_rows(AuditEntry, columns, [[getattr(e, name) for name in columns] for e in entries])
        for entry, pk in zip(entries, ids, strict=True):
            entry.pk = pk
    return len(entries)
