"""Who the caller is: ``GET /api/me`` answers the role, the account and, for a worker, their person."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.params import functions as param

from socsec.accounts.access import access_person, principal_of, require_worker
from socsec.api.audit import DataAccessPage, data_access_page
from socsec.api.registry import PersonOut
from socsec.audit.reads import personal_reads

router = Router()


class MeOut(Schema):
    role: str
    username: str | None
    organisation: str | None
    person: PersonOut | None


@router.get("/me", response=MeOut, tags=["me"])
def me(request: HttpRequest) -> dict[str, Any]:
    p = principal_of(request)
    person = access_person(p, p.person_id) if p.person_id else None
    return {
        "role": p.role.value,
        "username": p.user.username if p.user else None,
        "organisation": p.organisation.code if p.organisation else None,
        "person": PersonOut.of(person, p) if person else None,
    }


@router.get("/me/data-access", response=DataAccessPage, tags=["me"])
def my_data_access(
    request: HttpRequest, before_id: int | None = None, limit: int = param.Query(50, ge=1, le=200)
) -> dict[str, Any]:
    """Who else read my personal data, newest first: the reader's role and name, why, and what. My own
    reads are not listed."""
    person_id = require_worker(principal_of(request), "only a worker has a data access log of their own")
    return data_access_page(personal_reads(person_id=person_id), before_id, limit)
