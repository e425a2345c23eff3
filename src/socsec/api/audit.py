"""The audit trail over the API, for auditors and supervisors: who changed what, before and after; and the
log of reads of personal data (the worker's own view of it is ``GET /api/me/data-access``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_view_audit
from socsec.api.bounds import Id, Moment
from socsec.api.responses import PageIn, page_of, paginate, responses
from socsec.audit.models import AuditEntry, PersonalDataAccess, ReadPurpose
from socsec.audit.reads import personal_reads, reader_of, reads_load_spooled
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
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


class DataAccessOut(Schema):
    id: int
    at: dt.datetime
    person_id: int
    reader_role: str
    reader: str  # the organisation's or officer's name; empty for an export run by the system
    purpose: str
    what: str
    agreement: str | None  # a partner's read: the reference of the agreement it read under


def data_access_item(read: PersonalDataAccess) -> dict[str, Any]:
    """One read of personal data as the API shows it: the reader by role and name, not by internal ids."""
    role, name = reader_of(read)
    return {
        "id": read.pk,
        "at": read.at,
        "person_id": read.person_id,
        "reader_role": role,
        "reader": name,
        "purpose": read.purpose,
        "what": read.what,
        "agreement": read.agreement,
    }


class DataAccessFilter(PageIn):
    person_id: Id | None = None
    actor_username: str | None = Field(None, max_length=150)
    actor_organisation: str | None = Field(None, max_length=64)
    since: Moment | None = None
    until: Moment | None = None
    agreement: str | None = Field(None, max_length=40, description="A partner agreement's reference.")
    purpose: ReadPurpose | None = None


@router.get("/personal-data-access", response=responses({200: page_of(DataAccessOut)}), tags=["audit"])
def list_personal_data_access(request: HttpRequest, filters: Query[DataAccessFilter]) -> dict[str, Any]:
    """Auditors and supervisors: who read whose personal data, why and when, newest first, filtered by
    person, reader (a user's username or an organisation's code), partner agreement, purpose and time. The
    log names persons by number only: querying it reads no person's data (it is not logged)."""
    require(may_view_audit(principal_of(request)), "only auditors and supervisors read the data access log")
    reads_load_spooled()  # reads logged while a batch job held the database
    reads = personal_reads(
        person_id=filters.person_id,
        since=filters.since,
        until=filters.until,
        agreement=filters.agreement,
        purpose=filters.purpose,
    )
    if filters.actor_username:
        reads = reads.filter(actor_user__username=filters.actor_username)
    if filters.actor_organisation:
        reads = reads.filter(actor_organisation__code=filters.actor_organisation)
    return paginate(reads, filters, data_access_item, newest_first=True)
