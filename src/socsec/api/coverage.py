"""Coverage over the API: a person's coverage by scheme on a date, with reasons and (on request) the
rules' explanations, for the worker themself or those allowed to see them; and the pilot switches
(scheme activations by region, platform and sector) that supervisors turn on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from socsec.accounts.access import (
    access_person,
    access_person_coverage,
    principal_of,
    require,
    require_staff,
    require_worker,
)
from socsec.accounts.permissions import may_manage_activations
from socsec.accounts.reads import record_read
from socsec.api.bounds import Code, Day, Reference
from socsec.api.responses import PageIn, page_of, paginate_list, responses
from socsec.coverage import services as coverage_services
from socsec.coverage.models import SchemeActivation
from socsec.coverage.selectors import PersonCoverage, coverage_for
from socsec.coverage.selectors import activations as coverage_activations

router = Router()


class EngagementCoverageOut(Schema):
    engagement_id: int
    organisation: str
    status: str
    reason_code: int
    reason: str


class SchemeCoverageOut(Schema):
    scheme: str
    label: str
    status: str
    reason_code: int
    reason: str
    references: list[str]
    engagements: list[EngagementCoverageOut]
    explanation: dict[str, Any] | None


class CoverageOut(Schema):
    person_id: int
    on: dt.date
    schemes: list[SchemeCoverageOut]

    @staticmethod
    def of(c: PersonCoverage, explain: bool) -> dict[str, Any]:
        return {
            "person_id": c.person.pk,
            "on": c.on,
            "schemes": [
                {
                    "scheme": s.scheme.value,
                    "label": s.label,
                    "status": s.status.name,
                    "reason_code": s.reason.code,
                    "reason": s.reason.text,
                    "references": s.references,
                    "engagements": [
                        {
                            "engagement_id": e.engagement.pk,
                            "organisation": e.engagement.organisation.code,
                            "status": e.reason.status.name,
                            "reason_code": e.reason.code,
                            "reason": e.reason.text,
                        }
                        for e in s.engagements
                    ]
                    if s.scheme == "OIP"
                    else [],
                    "explanation": s.explanation.as_dict() if explain and s.explanation else None,
                }
                for s in c.schemes
            ],
        }


class ActivationIn(Schema):
    scheme: Code = "OIP"
    region: Code
    organisation: Code | None = None
    sector: Code | None = None
    start_date: Day
    end_date: Day | None = None
    reference: Reference = ""


class ActivationOut(Schema):
    id: int
    scheme: str
    region: str
    organisation: str | None
    sector: str | None
    start_date: dt.date
    end_date: dt.date | None
    reference: str

    @staticmethod
    def of(a: SchemeActivation) -> dict[str, Any]:
        return {
            "id": a.pk,
            "scheme": a.scheme,
            "region": a.region.code,
            "organisation": a.organisation.code if a.organisation else None,
            "sector": a.sector or None,
            "start_date": a.start_date,
            "end_date": a.end_date,
            "reference": a.reference,
        }


@router.get("/me/coverage", response=responses({200: CoverageOut}), tags=["me"])
def my_coverage(request: HttpRequest, on: Day | None = None, explain: bool = False) -> dict[str, Any]:
    p = principal_of(request)
    person = access_person(p, require_worker(p, "only a worker account has its own coverage"))
    return CoverageOut.of(coverage_for(person, on or timezone.localdate()), explain)


@router.get("/persons/{person_id}/coverage", response=responses({200: CoverageOut}, 404), tags=["coverage"])
def person_coverage(
    request: HttpRequest, person_id: int, on: Day | None = None, explain: bool = False
) -> dict[str, Any]:
    p = principal_of(request)
    person = access_person_coverage(p, person_id)
    record_read(p, [person.pk], "coverage")
    return CoverageOut.of(coverage_for(person, on or timezone.localdate()), explain)


@router.get("/activations", response=responses({200: page_of(ActivationOut)}), tags=["coverage"])
def list_activations(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    require_staff(principal_of(request), "only agency staff see the pilot switches")
    return paginate_list([ActivationOut.of(a) for a in coverage_activations()], page, key=lambda a: int(a["id"]))


@router.post("/activations", response=responses({201: ActivationOut}, 404, 409), tags=["coverage"])
def create_activation(request: HttpRequest, payload: ActivationIn) -> Status[dict[str, Any]]:
    p = principal_of(request)
    require(may_manage_activations(p), "only supervisors switch pilots on")
    a = coverage_services.activation_create(
        actor=p.actor,
        scheme=payload.scheme,
        region_code=payload.region,
        organisation_code=payload.organisation,
        sector=payload.sector,
        start_date=payload.start_date,
        end_date=payload.end_date,
        reference=payload.reference,
    )
    return Status(201, ActivationOut.of(a))
