"""Who the caller is: ``GET /api/me`` answers the role, the account and, for a worker, their person; and
``GET /api/me/data-access`` who else read the worker's personal data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from socsec.accounts.access import access_person, principal_of, require_worker
from socsec.api.audit import DataAccessOut, data_access_item
from socsec.api.registry import PersonOut
from socsec.api.responses import PageIn, page_of, paginate, responses
from socsec.audit.reads import personal_reads, reads_load_spooled

router = Router()


class MeOut(Schema):
    role: str
    username: str | None
    organisation: str | None
    person: PersonOut | None


@router.get("/me", response=responses({200: MeOut}), tags=["me"])
def get_me(request: HttpRequest) -> dict[str, Any]:
    p = principal_of(request)
    person = access_person(p, p.person_id) if p.person_id else None
    return {
        "role": p.role.value,
        "username": p.user.username if p.user else None,
        "organisation": p.organisation.code if p.organisation else None,
        "person": PersonOut.of(person, p) if person else None,
    }


@router.get("/me/data-access", response=responses({200: page_of(DataAccessOut)}), tags=["me"])
def list_my_data_access(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    """Who else read my personal data, newest first: the reader's role and name, why, and what. My own
    reads are not listed."""
    person_id = require_worker(principal_of(request), "only a worker has a data access log of their own")
    reads_load_spooled()  # reads logged while a batch job held the database
    return paginate(personal_reads(person_id=person_id), page, data_access_item, newest_first=True)
