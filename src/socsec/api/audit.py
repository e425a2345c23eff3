"""The audit trail over the API, for auditors and supervisors: who changed what, before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_view_audit
from socsec.api.responses import PageIn, page_of, paginate, responses
from socsec.audit.models import AuditEntry
from socsec.audit.selectors import audit_entries

router = Router()


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditFilter(PageIn):
    object_type: str | None = Field(None, max_length=100)
    object_id: str | None = Field(None, max_length=100)


@router.get("/audit", response=responses({200: page_of(AuditOut)}), tags=["audit"])
def list_audit_entries(request: HttpRequest, filters: Query[AuditFilter]) -> dict[str, Any]:
    """Audit entries, the newest first."""
    require(may_view_audit(principal_of(request)), "only auditors and supervisors read the audit trail")
    rows = audit_entries(object_type=filters.object_type, object_id=filters.object_id)
    return paginate(rows, filters, _entry, newest_first=True)


def _entry(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "actor": e.actor_label,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "before": e.before,
        "after": e.after,
    }
