"""The audit trail. Every service write calls ``audit_record`` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditEntry


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
    """The concrete field values of a row, JSON-ready (foreign keys by id)."""
    out: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal):
            value = str(value)
        out[field.attname] = value
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
        before=before,
        after=after,
    )


def audit_record(
    *, actor: Actor, action: str, instance: models.Model, before: dict[str, Any] | None = None
) -> AuditEntry:
    entry = _entry(actor, action, instance, before, snapshot(instance), timezone.now())
    entry.save(force_insert=True)
    return entry


def audit_record_many(*, actor: Actor, action: str, instances: Iterable[models.Model]) -> int:
    now = timezone.now()
    entries = [_entry(actor, action, obj, None, snapshot(obj), now) for obj in instances]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)
