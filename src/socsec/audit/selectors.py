from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries(
    *, object_type: str | None = None, object_id: str | None = None, action: str | None = None
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("actor_user").order_by("-at", "-id")
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if action:
        qs = qs.filter(action=action)
    return qs
