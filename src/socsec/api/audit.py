"""The audit trail over the API, for auditors and supervisors: who changed what, before and after; and the
log of reads of personal data (the worker's own view of it is ``GET /api/me/data-access``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params import functions as param

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_view_audit
from socsec.audit.models import PersonalDataAccess
from socsec.audit.reads import personal_reads, reader_of
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
    prev_hash: str  # the hash chain: `socsec audit verify` checks it
    hash: str


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
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in rows
    ]


class DataAccessOut(Schema):
    id: int
    at: dt.datetime
    person_id: int
    reader_role: str
    reader: str  # the organisation's or officer's name; empty for an export run by the system
    purpose: str
    what: str


class DataAccessPage(Schema):
    items: list[DataAccessOut]
    next_before_id: int | None  # pass as before_id for the next (older) page; null on the last page


def data_access_page(reads: QuerySet[PersonalDataAccess], before_id: int | None, limit: int) -> dict[str, Any]:
    """Newest first, ``limit`` a page; the cursor is the id of the last row shown."""
    if before_id is not None:
        reads = reads.filter(id__lt=before_id)
    rows = list(reads[: limit + 1])
    items = []
    for read in rows[:limit]:
        role, name = reader_of(read)
        items.append(
            {
                "id": read.pk,
                "at": read.at,
                "person_id": read.person_id,
                "reader_role": role,
                "reader": name,
                "purpose": read.purpose,
                "what": read.what,
            }
        )
    return {"items": items, "next_before_id": rows[limit - 1].pk if len(rows) > limit else None}


@router.get("/personal-data-access", response=DataAccessPage, tags=["audit"])
def list_personal_data_access(
    request: HttpRequest,
    person_id: int | None = None,
    actor_username: str | None = None,
    actor_organisation: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    before_id: int | None = None,
    limit: int = param.Query(100, ge=1, le=1000),
) -> dict[str, Any]:
    """Auditors and supervisors: who read whose personal data, why and when, filtered by person, reader
    (a user's username or an organisation's code) and time."""
    require(may_view_audit(principal_of(request)), "only auditors and supervisors read the data access log")
    reads = personal_reads(person_id=person_id, since=since, until=until)
    if actor_username:
        reads = reads.filter(actor_user__username=actor_username)
    if actor_organisation:
        reads = reads.filter(actor_organisation__code=actor_organisation)
    return data_access_page(reads, before_id, limit)
