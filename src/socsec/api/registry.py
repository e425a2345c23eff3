"""The registry over the API: regions, organisations, persons, their engagements, and ``POST /api/workers``
that registers a worker and their engagement in one go. Platforms see and register only their own workers;
``POST /api/workers`` answers a platform the same whether the resident ID was registered before or not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from socsec.accounts.access import (
    access_engagement,
    access_organisation,
    access_person,
    access_person_shown,
    acting_organisation,
    principal_of,
    require,
    require_staff_or_platform,
)
from socsec.accounts.permissions import (
    Principal,
    may_decide_engagement_ends,
    may_register_workers,
    may_write_registry,
    person_disclosure,
)
from socsec.accounts.reads import record_read
from socsec.api.bounds import Code, Day, Id, Name, Reference, Text
from socsec.api.responses import (
    PageIn,
    as_is,
    page_of,
    paginate,
    paginate_ordered,
    responses,
)
from socsec.registry import selectors, services
from socsec.registry.models import Engagement, Organisation, Person

router = Router()


class OrganisationIn(Schema):
    code: Code
    name: Name
    kind: Code
    name_zh: Name = ""
    credit_code: Code | None = None
    registered_region: Code | None = None


class OrganisationOut(Schema):
    code: str
    name: str
    name_zh: str
    kind: str
    credit_code: str | None
    registered_region: str | None

    @staticmethod
    def of(org: Organisation) -> dict[str, Any]:
        return {
            "code": org.code,
            "name": org.name,
            "name_zh": org.name_zh,
            "kind": org.kind,
            "credit_code": org.credit_code,
            "registered_region": org.registered_region.code if org.registered_region else None,
        }


class PersonIn(Schema):
    resident_id: Code
    name: Name
    residence_region: Code
    birth_date: Day | None = None
    sex: Code | None = None
    retirement_group: Code | None = None  # MEN_60, WOMEN_55 or WOMEN_50; by default men 60, women 55


class PersonOut(Schema):
    """A person; the resident ID and the name masked unless the reader's role needs them
    (``socsec.core.masking``: ``110***********123X``, ``张**``)."""

    id: int
    resident_id: str
    name: str
    birth_date: dt.date
    sex: str
    retirement_group: str
    residence_region: str

    @staticmethod
    def of(p: Person, reader: Principal, *, listing: bool = False) -> dict[str, Any]:
        """A platform is shown the name and home region it declared, never the registry's
        (``selectors.as_declared``). In a list (``listing``) an officer too is shown both masked: in full
        only when reading the one person."""
        own = reader.own_organisation
        if own is not None:
            p = selectors.as_declared([p], own)[0]
        shown = person_disclosure(reader, p.pk, listing=listing)
        return {
            "id": p.pk,
            "resident_id": shown.resident_id(p.resident_id),
            "name": shown.name(p.name),
            "birth_date": p.birth_date,
            "sex": p.sex,
            "retirement_group": p.retirement_group,
            "residence_region": p.residence_region.code,
        }


class EngagementFields(Schema):
    category: Code
    sector: Code
    work_region: Code
    start_date: Day
    end_date: Day | None = None
    external_ref: Reference = ""


class EngagementIn(EngagementFields):
    person_id: Id
    organisation: Code | None = None


class EngagementOut(Schema):
    id: int
    person_id: int
    organisation: str
    category: str
    sector: str
    work_region: str
    start_date: dt.date
    end_date: dt.date | None
    external_ref: str

    @staticmethod
    def of(e: Engagement) -> dict[str, Any]:
        return {
            "id": e.pk,
            "person_id": e.person_id,
            "organisation": e.organisation.code,
            "category": e.category,
            "sector": e.sector,
            "work_region": e.work_region.code,
            "start_date": e.start_date,
            "end_date": e.end_date,
            "external_ref": e.external_ref,
        }


class EngagementEndIn(Schema):
    end_date: Day


class EngagementEndDecisionIn(Schema):
    end_date: Day | None  # none: the engagement is reopened
    reason: Text


class WorkerIn(Schema):
    person: PersonIn
    engagement: EngagementFields
    organisation: Code | None = None


class WorkerOut(Schema):
    person: PersonOut
    engagement: EngagementOut
    person_created: bool | None  # told to agency staff only: null for a platform


class RegionOut(Schema):
    code: str
    name: str
    name_zh: str
    level: str
    parent: str | None


@router.get("/regions", response=responses({200: page_of(RegionOut)}), tags=["registry"])
def list_regions(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    """Regions by code (the cursor is a place in that order)."""
    out = paginate_ordered(selectors.regions(), page)  # a page read from the database
    out["items"] = [
        {
            "code": r.code,
            "name": r.name,
            "name_zh": r.name_zh,
            "level": r.level,
            "parent": r.parent.code if r.parent else None,
        }
        for r in out["items"]
    ]
    return out


class OrganisationFilter(PageIn):
    kind: str | None = Field(None, max_length=20)


@router.get("/organisations", response=responses({200: page_of(OrganisationOut)}), tags=["registry"])
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilter]) -> dict[str, Any]:
    """Staff: every organisation (of one kind). A platform: itself."""
    own = require_staff_or_platform(principal_of(request), "workers cannot list organisations")
    if own is not None:
        return {"items": [OrganisationOut.of(own)], "next_cursor": None}
    return paginate(selectors.organisations(kind=filters.kind), filters, OrganisationOut.of)


@router.post("/organisations", response=responses({201: OrganisationOut}, 404, 409), tags=["registry"])
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status[dict[str, Any]]:
    p = principal_of(request)
    require(may_write_registry(p), "only officers and supervisors register organisations")
    org = services.organisation_create(
        actor=p.actor,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        name_zh=payload.name_zh,
        credit_code=payload.credit_code,
        registered_region_code=payload.registered_region,
    )
    return Status(201, OrganisationOut.of(org))


@router.get("/organisations/{code}", response=responses({200: OrganisationOut}, 404), tags=["registry"])
def get_organisation(request: HttpRequest, code: str) -> dict[str, Any]:
    return OrganisationOut.of(access_organisation(principal_of(request), code))


class PersonFilter(PageIn):
    q: str = Field("", max_length=100, description="The whole resident ID or the whole name; empty lists everyone.")


@router.get("/persons", response=responses({200: page_of(PersonOut)}), tags=["registry"])
def search_persons(request: HttpRequest, filters: Query[PersonFilter]) -> dict[str, Any]:
    """Persons by the whole resident ID or the whole name (they are stored encrypted: parts are not
    searched), by id; a platform finds only its own workers. Resident IDs and names are masked for agency
    staff too: an officer reads one in full at GET /api/persons/{person_id}."""
    p = principal_of(request)
    own = require_staff_or_platform(p, "workers read themselves at /api/me")
    out = paginate(selectors.persons_matching(query=filters.q, organisation=own), filters, as_is)
    shown: list[Person] = out["items"]
    record_read(p, [x.pk for x in shown], "person search")
    out["items"] = [PersonOut.of(x, p, listing=True) for x in shown]
    return out


@router.post("/persons", response=responses({201: PersonOut}, 404, 409), tags=["registry"])
def register_person(request: HttpRequest, payload: PersonIn) -> Status[dict[str, Any]]:
    p = principal_of(request)
    require(
        may_write_registry(p),
        "only officers and supervisors register persons directly; platforms use POST /api/workers",
    )
    person = services.person_register(actor=p.actor, **payload.dict())
    return Status(201, PersonOut.of(person, p))


@router.get("/persons/{person_id}", response=responses({200: PersonOut}, 404), tags=["registry"])
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    p = principal_of(request)
    person = access_person_shown(p, person_id)
    record_read(p, [person.pk], "person")
    return PersonOut.of(person, p)


@router.get(
    "/persons/{person_id}/engagements", response=responses({200: page_of(EngagementOut)}, 404), tags=["registry"]
)
def list_person_engagements(request: HttpRequest, person_id: int, page: Query[PageIn]) -> dict[str, Any]:
    """A person's engagements by id; a platform sees only its own with the person."""
    p = principal_of(request)
    person = access_person(p, person_id)
    record_read(p, [person.pk], "engagements")
    rows = Engagement.objects.filter(person=person).select_related("organisation", "work_region")
    if p.own_organisation is not None:
        rows = rows.filter(organisation=p.own_organisation)
    return paginate(rows, page, EngagementOut.of)


@router.post("/engagements", response=responses({201: EngagementOut}, 404, 409), tags=["registry"])
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Status[dict[str, Any]]:
    p = principal_of(request)
    require(may_register_workers(p), "you may not register engagements")
    org = acting_organisation(p, payload.organisation)
    person = access_person(p, payload.person_id)  # a platform engages only its own workers; new ones via /workers
    data = payload.dict(exclude={"person_id", "organisation"})
    engagement = services.engagement_create(actor=p.actor, person=person, organisation=org, **data)
    return Status(201, EngagementOut.of(engagement))


@router.post("/engagements/{engagement_id}/end", response=responses({200: EngagementOut}, 404, 409), tags=["registry"])
def end_engagement(request: HttpRequest, engagement_id: int, payload: EngagementEndIn) -> dict[str, Any]:
    p = principal_of(request)
    require(may_register_workers(p), "you may not change engagements")
    engagement = access_engagement(p, engagement_id)
    return EngagementOut.of(services.engagement_end(actor=p.actor, engagement=engagement, end_date=payload.end_date))


@router.post(
    "/engagements/{engagement_id}/end-decision", response=responses({200: EngagementOut}, 404, 409), tags=["registry"]
)
def decide_engagement_end(request: HttpRequest, engagement_id: int, payload: EngagementEndDecisionIn) -> dict[str, Any]:
    """An officer sets or reopens an engagement's end with a reason, beyond the limits an organisation is
    held to (its last order, a claim's event, the backdating window); the decision is kept and audited."""
    p = principal_of(request)
    require(may_decide_engagement_ends(p), "only an officer decides an engagement's end")
    engagement = access_engagement(p, engagement_id)
    return EngagementOut.of(
        services.engagement_end_decide(
            actor=p.actor, engagement=engagement, end_date=payload.end_date, reason=payload.reason
        )
    )


@router.post("/workers", response=responses({201: WorkerOut}, 404, 409), tags=["registry"])
def register_worker(request: HttpRequest, payload: WorkerIn) -> Status[dict[str, Any]]:
    p = principal_of(request)
    require(may_register_workers(p), "you may not register workers")
    org = acting_organisation(p, payload.organisation)
    person, engagement, created = services.worker_register(
        actor=p.actor, organisation=org, person=payload.person.dict(), engagement=payload.engagement.dict()
    )
    if p.is_staff:
        return Status(
            201,
            {"person": PersonOut.of(person, p), "engagement": EngagementOut.of(engagement), "person_created": created},
        )
    # A platform gets the same answer whether the resident ID was registered before or not: the person as
    # it declared them (masked as its role is shown a person), under the person's id, and no word on whether
    # they were created.
    return Status(
        201, {"person": PersonOut.of(person, p), "engagement": EngagementOut.of(engagement), "person_created": None}
    )
