"""Who the caller is: ``GET /api/me`` answers the role, the account and, for a worker, their person."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from socsec.accounts.access import access_person, principal_of
from socsec.api.registry import PersonOut
from socsec.api.responses import responses

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
