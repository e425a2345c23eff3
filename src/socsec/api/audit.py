"""The audit trail over the API, for auditors and supervisors: who changed what, before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params import functions as param

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_view_audit
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


@router.get("/audit", response=list[AuditOut], tags=["audit"])
def list_audit(
    request: HttpRequest,
    object_type: str | None = None,
    object_id: str | None = None,
    limit: int = param.Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    require(may_view_audit(principal_of(request)), "only auditors and supervisors read the audit trail")
    rows = audit_entries(object_type=object_type, object_id=object_id)[:limit]
    return [
        {
            "id": e.pk,
            "at": e.at,
            "actor": e.actor_label,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "before": e.before,
            "after": e.after,
        }
        for e in rows
    ]
