"""Reads of the audit trail. The trail can hold millions of entries: every filter here is on an indexed
column (time, actor, action, object), and pages are read by id (keyset), never by counting past rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from .models import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    """What the trail is narrowed to. ``actor`` is an actor's label as recorded (``user:NAME``,
    ``token:ORG:PREFIX``, ``system``) or a username alone. ``since``/``until`` are instants: since
    inclusive, until exclusive."""

    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def audit_entries(
    *,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEntry]:
    """The entries that match every filter given, the newest first."""
    qs = AuditEntry.objects.select_related("actor_user").order_by("-at", "-id")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    if actor:
        labels = [actor] if ":" in actor or actor == "system" else [actor, f"user:{actor}"]
        qs = qs.filter(actor_label__in=labels)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs


def audit_matching(f: AuditFilter) -> QuerySet[AuditEntry]:
    return audit_entries(
        object_type=f.object_type,
        object_id=f.object_id,
        action=f.action,
        actor=f.actor,
        since=f.since,
        until=f.until,
    )


@dataclass(frozen=True)
class AuditPage:
    """One page of the matching entries, newest first. ``older``/``newer``: the id to page on from (None
    at either end); ``first``: the 1-based position of the page's first entry among all that match."""

    entries: list[AuditEntry]
    total: int
    first: int
    older: int | None
    newer: int | None


def audit_page(f: AuditFilter, *, size: int, older_than: int | None = None, newer_than: int | None = None) -> AuditPage:
    """``size`` entries that match ``f``: the newest, or those just older than the id ``older_than``, or
    just newer than ``newer_than``. Entries are in id order (the order they were written)."""
    qs = audit_matching(f).order_by()
    if newer_than is not None:
        rows = list(qs.filter(id__gt=newer_than).order_by("id")[: size + 1])
        more_newer = len(rows) > size
        entries = rows[:size][::-1]
        more_older = qs.filter(id__lte=newer_than).exists()
    else:
        window = qs.filter(id__lt=older_than) if older_than is not None else qs
        rows = list(window.order_by("-id")[: size + 1])
        more_older = len(rows) > size
        entries = rows[:size]
        more_newer = older_than is not None and qs.filter(id__gte=older_than).exists()
    total = qs.count()
    first = qs.filter(id__gt=entries[0].pk).count() + 1 if entries else 0
    return AuditPage(
        entries=entries,
        total=total,
        first=first,
        older=entries[-1].pk if entries and more_older else None,
        newer=entries[0].pk if entries and more_newer else None,
    )


def audit_iter(f: AuditFilter, *, chunk: int = 2000) -> Iterator[list[AuditEntry]]:
    """Every matching entry, newest first, in chunks read by id: memory stays flat for any size."""
    qs = audit_matching(f).order_by("-id")
    last: int | None = None
    while True:
        window = qs.filter(id__lt=last) if last is not None else qs
        rows = list(window[:chunk])
        if not rows:
            return
        yield rows
        last = rows[-1].pk
