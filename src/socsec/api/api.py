"""REST API (django-ninja). Thin: parse, check permission, call a service or selector, serialise.

Organisations authenticate with ``Authorization: Bearer <token>``; people with their session.
Errors are ``{"code", "message", "field"?, "details"?}`` with a 4xx status, mapped once here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from socsec.accounts.models import Role, User
from socsec.accounts.permissions import (
    Principal,
    may_credit_interest,
    may_manage_activations,
    may_register_workers,
    may_view_audit,
    may_view_coverage,
    may_view_person,
    may_view_platform_account,
    may_write_registry,
    require,
)
from socsec.accounts.services import token_authenticate
from socsec.api.claims import router as claims_router
from socsec.api.projections import router as projections_router
from socsec.audit.selectors import audit_entries
from socsec.contributions.assessment.adjustments import adjustment_set
from socsec.contributions.collection.arrears import arrears
from socsec.contributions.collection.payments import payment_record
from socsec.contributions.models import OrderBatch, WithholdingMandate
from socsec.contributions.orders.ingest import orders_ingest
from socsec.contributions.orders.selectors import batch_get, error_report_csv
from socsec.contributions.own.mandates import (
    withholding_get,
    withholding_mandate_create,
    withholding_mandate_end,
    withholding_of,
)
from socsec.contributions.own.payments import own_contribution_pay
from socsec.contributions.own.relief import relief_grant
from socsec.contributions.statements import contribution_record, platform_statement, worker_statement
from socsec.core.errors import DomainError, Forbidden, ValidationFailed
from socsec.coverage import services as coverage_services
from socsec.coverage.models import SchemeActivation
from socsec.coverage.selectors import PersonCoverage, coverage_for
from socsec.coverage.selectors import activations as coverage_activations
from socsec.pension_accounts.services import interest_credit
from socsec.registry import selectors, services
from socsec.registry.models import Engagement, Organisation, Person

# --- authentication -------------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = token_authenticate(token)
        return Principal.of_token(found) if found else None


class UserSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return Principal.of_user(user)
        return None


class Utf8JSONRenderer(JSONRenderer):
    """Names and places in Chinese stay readable in the JSON (UTF-8, not \\u escapes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="SocSec API",
    version="1",
    description="Registry, engagements and coverage for workers in new forms of employment.",
    auth=[TokenAuth(), UserSessionAuth()],
    urls_namespace="api",
    renderer=Utf8JSONRenderer(),
)


def principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined, no-any-return]


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "payload", "query", "path")]
        fields.setdefault(".".join(loc) or "body", []).append(str(err.get("msg", "invalid")))
    first = next(iter(fields))
    message = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    return api.create_response(
        request,
        {"code": "invalid", "message": message, "field": first, "details": {"fields": fields}},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own 4xx, e.g. a body that is not JSON."""
    body: dict[str, Any] = {"code": "http_error", "message": str(exc)}
    if exc.status_code == 400 and "parse request body" in str(exc):
        body = {"code": "malformed", "message": "The request body is not valid JSON.", "field": "body"}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "unauthenticated", "message": "Log in, or send 'Authorization: Bearer <token>'."},
        status=401,
    )


# --- schemas --------------------------------------------------------------------------------------


class OrganisationIn(Schema):
    code: str
    name: str
    kind: str
    name_zh: str = ""
    credit_code: str | None = None
    registered_region: str | None = None


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
    resident_id: str
    name: str
    residence_region: str
    birth_date: dt.date | None = None
    sex: str | None = None


class PersonOut(Schema):
    id: int
    resident_id: str
    name: str
    birth_date: dt.date
    sex: str
    residence_region: str

    @staticmethod
    def of(p: Person) -> dict[str, Any]:
        return {
            "id": p.pk,
            "resident_id": p.resident_id,
            "name": p.name,
            "birth_date": p.birth_date,
            "sex": p.sex,
            "residence_region": p.residence_region.code,
        }


class EngagementFields(Schema):
    category: str
    sector: str
    work_region: str
    start_date: dt.date
    end_date: dt.date | None = None
    external_ref: str = ""


class EngagementIn(EngagementFields):
    person_id: int
    organisation: str | None = None


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
    end_date: dt.date


class WorkerIn(Schema):
    person: PersonIn
    engagement: EngagementFields
    organisation: str | None = None


class WorkerOut(Schema):
    person: PersonOut
    engagement: EngagementOut
    person_created: bool


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
    scheme: str = "OIP"
    region: str
    organisation: str | None = None
    sector: str | None = None
    start_date: dt.date
    end_date: dt.date | None = None
    reference: str = ""


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


class AuditOut(Schema):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class MeOut(Schema):
    role: str
    username: str | None
    organisation: str | None
    person: PersonOut | None


class RegionOut(Schema):
    code: str
    name: str
    name_zh: str
    level: str
    parent: str | None


# --- endpoints ------------------------------------------------------------------------------------

router = Router()


@router.get("/me", response=MeOut, tags=["me"])
def me(request: HttpRequest) -> dict[str, Any]:
    p = principal(request)
    person = selectors.person_get(person_id=p.person_id) if p.person_id else None
    return {
        "role": p.role.value,
        "username": p.user.username if p.user else None,
        "organisation": p.organisation.code if p.organisation else None,
        "person": PersonOut.of(person) if person else None,
    }


@router.get("/me/coverage", response=CoverageOut, tags=["me"])
def my_coverage(request: HttpRequest, on: dt.date | None = None, explain: bool = False) -> dict[str, Any]:
    p = principal(request)
    require(p.person_id is not None, "only a worker account has its own coverage")
    person = selectors.person_get(person_id=p.person_id)  # type: ignore[arg-type]
    return CoverageOut.of(coverage_for(person, on or timezone.localdate()), explain)


@router.get("/regions", response=list[RegionOut], tags=["registry"])
def list_regions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": r.code,
            "name": r.name,
            "name_zh": r.name_zh,
            "level": r.level,
            "parent": r.parent.code if r.parent else None,
        }
        for r in selectors.regions()
    ]


@router.get("/organisations", response=list[OrganisationOut], tags=["registry"])
def list_organisations(request: HttpRequest, kind: str | None = None) -> list[dict[str, Any]]:
    p = principal(request)
    if p.role == Role.PLATFORM and p.organisation is not None:
        return [OrganisationOut.of(p.organisation)]
    require(p.is_staff, "workers cannot list organisations")
    return [OrganisationOut.of(o) for o in selectors.organisations(kind=kind)]


@router.post("/organisations", response={201: OrganisationOut}, tags=["registry"])
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status:
    p = principal(request)
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


@router.get("/organisations/{code}", response=OrganisationOut, tags=["registry"])
def get_organisation(request: HttpRequest, code: str) -> dict[str, Any]:
    p = principal(request)
    org = selectors.organisation_get(code=code)
    require(
        p.is_staff or (p.organisation is not None and p.organisation.pk == org.pk),
        "you may only read your own organisation",
    )
    return OrganisationOut.of(org)


@router.get("/persons", response=list[PersonOut], tags=["registry"])
def search_persons(request: HttpRequest, q: str = "", limit: int = Query(50, ge=1, le=200)) -> list[dict[str, Any]]:
    p = principal(request)
    require(p.is_staff or p.role == Role.PLATFORM, "workers read themselves at /api/me")
    found = selectors.person_search(query=q, organisation=None if p.is_staff else p.organisation, limit=limit)
    return [PersonOut.of(x) for x in found]


@router.post("/persons", response={201: PersonOut}, tags=["registry"])
def register_person(request: HttpRequest, payload: PersonIn) -> Status:
    p = principal(request)
    require(
        may_write_registry(p),
        "only officers and supervisors register persons directly; platforms use POST /api/workers",
    )
    person = services.person_register(actor=p.actor, **payload.dict())
    return Status(201, PersonOut.of(person))


def _visible_person(request: HttpRequest, person_id: int) -> tuple[Principal, Person]:
    p = principal(request)
    person = selectors.person_get(person_id=person_id)
    require(may_view_person(p, person), "you may not see this person")
    return p, person


@router.get("/persons/{person_id}", response=PersonOut, tags=["registry"])
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    _, person = _visible_person(request, person_id)
    return PersonOut.of(person)


@router.get("/persons/{person_id}/engagements", response=list[EngagementOut], tags=["registry"])
def person_engagements(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    p, person = _visible_person(request, person_id)
    own = p.organisation if p.role == Role.PLATFORM else None
    return [EngagementOut.of(e) for e in selectors.engagements_of(person=person, organisation=own)]


@router.get("/persons/{person_id}/coverage", response=CoverageOut, tags=["coverage"])
def person_coverage(
    request: HttpRequest, person_id: int, on: dt.date | None = None, explain: bool = False
) -> dict[str, Any]:
    p = principal(request)
    person = selectors.person_get(person_id=person_id)
    require(may_view_coverage(p, person), "you may not see this person's coverage")
    return CoverageOut.of(coverage_for(person, on or timezone.localdate()), explain)


def _target_organisation(p: Principal, code: str | None) -> Organisation:
    if p.role == Role.PLATFORM:
        assert p.organisation is not None
        if code and code != p.organisation.code:
            raise Forbidden(
                "an organisation may only register engagements with itself",
                field="organisation",
                code="other_organisation",
            )
        return p.organisation
    if not code:
        raise ValidationFailed("organisation: is required.", field="organisation")
    return selectors.organisation_get(code=code)


@router.post("/engagements", response={201: EngagementOut}, tags=["registry"])
def create_engagement(request: HttpRequest, payload: EngagementIn) -> Status:
    p = principal(request)
    require(may_register_workers(p), "you may not register engagements")
    org = _target_organisation(p, payload.organisation)
    person = selectors.person_get(person_id=payload.person_id)
    if p.role == Role.PLATFORM:
        require(may_view_person(p, person), "register a new worker with POST /api/workers")
    data = payload.dict(exclude={"person_id", "organisation"})
    engagement = services.engagement_create(actor=p.actor, person=person, organisation=org, **data)
    return Status(201, EngagementOut.of(engagement))


@router.post("/engagements/{engagement_id}/end", response=EngagementOut, tags=["registry"])
def end_engagement(request: HttpRequest, engagement_id: int, payload: EngagementEndIn) -> dict[str, Any]:
    p = principal(request)
    require(may_register_workers(p), "you may not change engagements")
    engagement = selectors.engagement_get(engagement_id=engagement_id)
    if p.role == Role.PLATFORM:
        require(
            p.organisation is not None and engagement.organisation_id == p.organisation.pk,
            "an organisation may only change its own engagements",
        )
    return EngagementOut.of(services.engagement_end(actor=p.actor, engagement=engagement, end_date=payload.end_date))


@router.post("/workers", response={201: WorkerOut}, tags=["registry"])
def register_worker(request: HttpRequest, payload: WorkerIn) -> Status:
    p = principal(request)
    require(may_register_workers(p), "you may not register workers")
    org = _target_organisation(p, payload.organisation)
    person, engagement, created = services.worker_register(
        actor=p.actor, organisation=org, person=payload.person.dict(), engagement=payload.engagement.dict()
    )
    body = {
        "person": PersonOut.of(person),
        "engagement": EngagementOut.of(engagement),
        "person_created": created,
    }
    return Status(201, body)


@router.get("/activations", response=list[ActivationOut], tags=["coverage"])
def list_activations(request: HttpRequest) -> list[dict[str, Any]]:
    p = principal(request)
    require(p.is_staff, "only agency staff see the pilot switches")
    return [ActivationOut.of(a) for a in coverage_activations()]


@router.post("/activations", response={201: ActivationOut}, tags=["coverage"])
def create_activation(request: HttpRequest, payload: ActivationIn) -> Status:
    p = principal(request)
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


@router.get("/audit", response=list[AuditOut], tags=["audit"])
def list_audit(
    request: HttpRequest,
    object_type: str | None = None,
    object_id: str | None = None,
    limit: int = Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    p = principal(request)
    require(may_view_audit(p), "only auditors and supervisors read the audit trail")
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


# --- orders ---------------------------------------------------------------------------------------


class OrderBatchOut(Schema):
    id: int
    platform: str
    idempotency_key: str
    status: str
    rows_total: int
    rows_valid: int
    rows_invalid: int
    orders_new: int
    orders_void: int
    orders_amend: int
    months: list[str]
    errors_url: str | None

    @staticmethod
    def of(b: OrderBatch) -> dict[str, Any]:
        return {
            "id": b.pk,
            "platform": b.platform.code,
            "idempotency_key": b.idempotency_key,
            "status": b.status,
            "rows_total": b.rows_total,
            "rows_valid": b.rows_valid,
            "rows_invalid": b.rows_invalid,
            "orders_new": b.orders_new,
            "orders_void": b.orders_void,
            "orders_amend": b.orders_amend,
            "months": b.months,
            "errors_url": f"/api/orders/batches/{b.pk}/errors.csv" if b.errors else None,
        }


@router.post("/orders/batches", response={201: OrderBatchOut}, tags=["orders"])
def report_orders(request: HttpRequest) -> HttpResponse:
    """A batch of orders as JSON lines (one order per line: order_id, action NEW|VOID|AMEND, resident_id,
    region, sector, order_date, fare_cents). Send the platform's ``Idempotency-Key`` header: the same
    key with the same body is accepted once and answered the same; with another body it is refused (409).
    Valid rows are kept; invalid ones are listed in the batch's error report."""
    p = principal(request)
    require(p.role == Role.PLATFORM and p.organisation is not None, "only a platform reports its orders")
    assert p.organisation is not None
    batch, replayed = orders_ingest(
        actor=p.actor,
        platform=p.organisation,
        content=request.body,
        fmt="jsonl",
        idempotency_key=request.headers.get("Idempotency-Key", ""),
        source="api",
    )
    response = api.create_response(request, OrderBatchOut.of(batch), status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


def _visible_batch(request: HttpRequest, batch_id: int) -> OrderBatch:
    p = principal(request)
    require(p.is_staff or p.role == Role.PLATFORM, "you may not see order batches")
    return batch_get(batch_id=batch_id, platform=None if p.is_staff else p.organisation)


@router.get("/orders/batches/{batch_id}", response=OrderBatchOut, tags=["orders"])
def get_order_batch(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    return OrderBatchOut.of(_visible_batch(request, batch_id))


@router.get("/orders/batches/{batch_id}/errors.csv", tags=["orders"])
def order_batch_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _visible_batch(request, batch_id)
    response = HttpResponse(error_report_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="batch-{batch.pk}-errors.csv"'
    return response


class AdjustmentIn(Schema):
    platform: str
    province: str
    steps: int
    effective_from: dt.date
    reason: str


class AdjustmentOut(Schema):
    id: int
    platform: str
    province: str
    steps: int
    effective_from: dt.date
    reason: str


@router.post("/oip/adjustments", response={201: AdjustmentOut}, tags=["orders"])
def set_adjustment(request: HttpRequest, payload: AdjustmentIn) -> Status:
    """A province's yearly adjustment of a platform's per-order amount, in 10% steps of the sector baseline."""
    p = principal(request)
    require(may_write_registry(p), "only officers and supervisors set per-order amounts")
    a = adjustment_set(
        actor=p.actor,
        platform=selectors.organisation_get(code=payload.platform),
        province_code=payload.province,
        steps=payload.steps,
        effective_from=payload.effective_from,
        reason=payload.reason,
    )
    return Status(
        201,
        {
            "id": a.pk,
            "platform": payload.platform,
            "province": payload.province,
            "steps": a.steps,
            "effective_from": a.effective_from,
            "reason": a.reason,
        },
    )


class PaymentIn(Schema):
    amount_cents: int
    received_on: dt.date
    reference: str


class PaymentOut(Schema):
    id: int
    platform: str
    reference: str
    amount_cents: int
    received_on: dt.date
    allocated: list[dict[str, int]]


@router.post("/payments", response={201: PaymentOut}, tags=["orders"])
def report_payment(request: HttpRequest, payload: PaymentIn) -> HttpResponse:
    """A platform reports a payment by its bank reference; recorded once per reference and allocated to
    its oldest unpaid invoices."""
    p = principal(request)
    require(p.role == Role.PLATFORM and p.organisation is not None, "only a platform reports its payments")
    assert p.organisation is not None
    payment, replayed = payment_record(
        actor=p.actor,
        platform=p.organisation,
        amount_cents=payload.amount_cents,
        received_on=payload.received_on,
        reference=payload.reference,
        source="api",
    )
    body = {
        "id": payment.pk,
        "platform": p.organisation.code,
        "reference": payment.reference,
        "amount_cents": payment.amount_cents,
        "received_on": payment.received_on,
        "allocated": [
            {"invoice": a.invoice_id, "amount_cents": a.amount_cents} for a in payment.allocations.order_by("id")
        ],
    }
    response = api.create_response(request, body, status=201)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    return response


class ArrearOut(Schema):
    invoice: int
    platform: str
    province: str
    month: str
    due_on: dt.date
    outstanding_cents: int
    days_late: int
    surcharge_cents: int
    explanation: dict[str, Any]


@router.get("/arrears", response=list[ArrearOut], tags=["orders"])
def list_arrears(request: HttpRequest, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Invoices past due on the date, with the late-payment surcharge reckoned day by day between
    payments; the explanation lists every stretch of days (from, to, days, unpaid amount, amount)."""
    p = principal(request)
    require(p.is_staff or p.role == Role.PLATFORM, "you may not see arrears")
    rows = arrears(on=on or timezone.localdate(), platform=None if p.is_staff else p.organisation)
    return [
        {
            "invoice": a.invoice.pk,
            "platform": a.invoice.platform.code,
            "province": a.invoice.province.code,
            "month": a.invoice.month,
            "due_on": a.invoice.due_on,
            "outstanding_cents": a.outstanding_cents,
            "days_late": a.days_late,
            "surcharge_cents": a.surcharge_cents,
            "explanation": a.explanation(),
        }
        for a in rows
    ]


class RecordLineOut(Schema):
    month: str
    scheme: str
    platform: str
    paid_by: str
    province: str
    sector: str
    order_count: int
    amount_cents: int
    covered: bool


@router.get("/me/contributions", response=list[RecordLineOut], tags=["me"])
def my_contributions(request: HttpRequest) -> list[dict[str, Any]]:
    """The worker's record, month by month: scheme, province, the platform that paid, orders, amount."""
    p = principal(request)
    require(p.person_id is not None, "only a worker account has its own record")
    return [line.__dict__ for line in contribution_record(person_id=p.person_id)]  # type: ignore[arg-type]


class LedgerLineOut(Schema):
    booked_on: dt.date
    description: str
    source: str
    debit_cents: int
    credit_cents: int
    balance_cents: int


class AccountStatementOut(Schema):
    code: str
    start: dt.date
    end: dt.date
    opening_cents: int
    lines: list[LedgerLineOut]
    closing_cents: int


class SchemeYearOut(Schema):
    scheme: str
    months_covered: int
    self_cents: int
    government_cents: int
    platform_cents: int


class WorkerStatementOut(Schema):
    year: int
    schemes: list[SchemeYearOut]
    lines: list[RecordLineOut]
    individual_account: AccountStatementOut


class PlatformStatementOut(Schema):
    platform: str
    account: AccountStatementOut
    invoices: list[int]


@router.get("/me/statement", response=WorkerStatementOut, tags=["me"])
def my_statement(request: HttpRequest, year: int) -> dict[str, Any]:
    """The worker's statement for a year: per scheme the months covered and what they, the government and
    platforms paid; the individual pension account from the balance brought forward to the one carried
    forward."""
    p = principal(request)
    require(p.person_id is not None, "only a worker account has its own statement")
    if not 1990 <= year <= 2200:
        raise ValidationFailed(f"year: {year} is out of range", field="year")
    st = worker_statement(person_id=p.person_id, year=year)  # type: ignore[arg-type]
    return {
        "year": st.year,
        "schemes": [s.__dict__ for s in st.schemes],
        "lines": [line.__dict__ for line in st.lines],
        "individual_account": {
            **st.individual_account.__dict__,
            "lines": [x.__dict__ for x in st.individual_account.lines],
        },
    }


@router.get("/organisations/{code}/statement", response=PlatformStatementOut, tags=["contributions"])
def platform_account_statement(request: HttpRequest, code: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """A platform's account with the agency from ``start`` to ``end``: invoices, payments and credit
    notes with the running balance it owes, and the invoices issued in the period."""
    p = principal(request)
    platform = selectors.organisation_get(code=code)
    require(may_view_platform_account(p, platform), "a platform sees only its own account")
    if start > end:
        raise ValidationFailed(f"end: {end.isoformat()} is before start {start.isoformat()}", field="end")
    st = platform_statement(platform=platform, start=start, end=end)
    return {
        "platform": platform.code,
        "account": {**st.account.__dict__, "lines": [x.__dict__ for x in st.account.lines]},
        "invoices": [s.invoice.pk for s in st.invoices],
    }


class OwnContributionIn(Schema):
    scheme: str
    period_start: dt.date
    months: int = 1
    declared_base_cents: int | None = None
    tier: str = ""


class OwnContributionOut(Schema):
    id: int
    scheme: str
    period_start: dt.date
    months: int
    paid_cents: int
    subsidy_cents: int
    individual_account_cents: int
    pooled_cents: int
    explanation: dict[str, Any]


@router.post("/me/contributions/own", response={201: OwnContributionOut}, tags=["me"])
def pay_own_contribution(request: HttpRequest, payload: OwnContributionIn) -> Status:
    """A flexible worker pays their employee pension on a base they choose (monthly, quarterly or
    yearly), or a resident pays a residents' pension tier; the answer explains the amounts."""
    p = principal(request)
    require(p.person_id is not None, "only a worker pays their own contribution here")
    person = selectors.person_get(person_id=p.person_id)  # type: ignore[arg-type]
    c = own_contribution_pay(actor=p.actor, person=person, **payload.dict())
    return Status(
        201,
        {
            "id": c.pk,
            "scheme": c.scheme,
            "period_start": c.period_start,
            "months": c.months,
            "paid_cents": c.paid_cents,
            "subsidy_cents": c.subsidy_cents,
            "individual_account_cents": c.individual_account_cents,
            "pooled_cents": c.pooled_cents,
            "explanation": c.explanation,
        },
    )


class WithholdingIn(Schema):
    platform: str
    scheme: str
    declared_base_cents: int
    valid_from: dt.date


class WithholdingOut(Schema):
    id: int
    platform: str
    scheme: str
    declared_base_cents: int
    valid_from: dt.date
    valid_to: dt.date | None


def _withholding_out(m: WithholdingMandate) -> dict[str, Any]:
    return {
        "id": m.pk,
        "platform": m.platform.code,
        "scheme": m.scheme,
        "declared_base_cents": m.declared_base_cents,
        "valid_from": m.valid_from,
        "valid_to": m.valid_to,
    }


@router.get("/me/withholding", response=list[WithholdingOut], tags=["me"])
def my_withholding(request: HttpRequest) -> list[dict[str, Any]]:
    """The worker's withholding mandates: which platform withholds which own contribution, from when."""
    p = principal(request)
    require(p.person_id is not None, "only a worker has withholding mandates")
    return [_withholding_out(m) for m in withholding_of(person_id=p.person_id)]  # type: ignore[arg-type]


@router.post("/me/withholding", response={201: WithholdingOut}, tags=["me"])
def create_withholding(request: HttpRequest, payload: WithholdingIn) -> Status:
    """Ask a platform you work through to withhold your own pension or medical contribution at source:
    each month you take orders on it, it deducts the month's contribution on the base you choose, spread
    over your orders, and pays it with its invoice."""
    p = principal(request)
    require(p.person_id is not None, "only a worker sets up withholding of their own contribution")
    m = withholding_mandate_create(
        actor=p.actor,
        person=selectors.person_get(person_id=p.person_id),  # type: ignore[arg-type]
        platform=selectors.organisation_get(code=payload.platform),
        scheme=payload.scheme,
        declared_base_cents=payload.declared_base_cents,
        valid_from=payload.valid_from,
    )
    return Status(201, _withholding_out(m))


@router.post("/me/withholding/{mandate_id}/end", response=WithholdingOut, tags=["me"])
def end_withholding(request: HttpRequest, mandate_id: int) -> dict[str, Any]:
    """Stop withholding at the end of the current month; one that starts in a later month is withdrawn
    (it ends the day before it starts)."""
    p = principal(request)
    require(p.person_id is not None, "only a worker ends their withholding")
    mandate = withholding_get(person_id=p.person_id, mandate_id=mandate_id)  # type: ignore[arg-type]
    withholding_mandate_end(actor=p.actor, mandate=mandate)
    mandate.refresh_from_db()
    return _withholding_out(mandate)


class ReliefIn(Schema):
    group: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    reason: str


class ReliefOut(Schema):
    id: int
    person_id: int
    group: str
    valid_from: dt.date
    valid_to: dt.date | None
    reason: str


@router.post("/persons/{person_id}/reliefs", response={201: ReliefOut}, tags=["contributions"])
def grant_relief(request: HttpRequest, person_id: int, payload: ReliefIn) -> Status:
    """An officer records a person's relief group (employment difficulties, graduate, severe disability,
    minimum living allowance, extreme poverty) for a time, with the certificate it rests on; the rules
    then subsidise or pay part of their own contributions."""
    p = principal(request)
    require(may_write_registry(p), "only officers and supervisors record relief groups")
    person = selectors.person_get(person_id=person_id)
    r = relief_grant(actor=p.actor, person=person, **payload.dict())
    return Status(201, {**payload.dict(), "id": r.pk, "person_id": person.pk, "reason": r.reason})


class InterestCreditIn(Schema):
    year: int


class InterestCreditOut(Schema):
    person_id: int
    province: str
    opening_balance_cents: int
    amount_cents: int
    transaction: int


class InterestRunOut(Schema):
    year: int
    credited: int
    already_credited: int
    amount_cents: int
    credits: list[InterestCreditOut]


@router.post("/pension/interest-credits", response=InterestRunOut, tags=["pension"])
def credit_interest(request: HttpRequest, payload: InterestCreditIn) -> dict[str, Any]:
    """Credit a year's interest to the employee-pension individual accounts at the year's published rate;
    a re-run credits nobody twice. Officers only."""
    p = principal(request)
    require(may_credit_interest(p), "only officers credit interest to individual accounts")
    run = interest_credit(actor=p.actor, year=payload.year)
    return {
        "year": run.year,
        "credited": len(run.credited),
        "already_credited": run.already_credited,
        "amount_cents": run.amount_cents,
        "credits": [
            {
                "person_id": c.person_id,
                "province": c.province,
                "opening_balance_cents": c.opening_balance_cents,
                "amount_cents": c.amount_cents,
                "transaction": c.transaction_id,
            }
            for c in run.credited
        ],
    }


api.add_router("", router)
api.add_router("", projections_router)
api.add_router("", claims_router)
