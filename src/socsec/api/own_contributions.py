"""A worker's own contributions over the API: paying their pension or medical contribution themself,
asking a platform to withhold it at source (mandates), and the relief groups officers record, which
subsidise or pay part of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from socsec.accounts.access import access_person, principal_of, require, require_worker
from socsec.accounts.permissions import may_write_registry
from socsec.api.bounds import Cents, Code, Count, Day, Text
from socsec.api.responses import PageIn, page_of, paginate, responses
from socsec.contributions.models import WithholdingMandate
from socsec.contributions.own.checkout import own_payment_start
from socsec.contributions.own.enrolments import enrolment_join
from socsec.contributions.own.mandates import (
    withholding_get,
    withholding_mandate_create,
    withholding_mandate_end,
    withholding_of,
)
from socsec.contributions.own.relief import relief_grant
from socsec.registry import selectors

router = Router()


class OwnContributionIn(Schema):
    scheme: Code
    period_start: Day
    months: Count = 1
    declared_base_cents: Cents | None = None
    tier: Code = ""


class EnrolmentIn(Schema):
    scheme: Code


class EnrolmentOut(Schema):
    id: int
    scheme: str
    region: str
    joined_on: dt.date


@router.post("/me/enrolments", response=responses({201: EnrolmentOut}, 404, 409), tags=["me"])
def join_scheme(request: HttpRequest, payload: EnrolmentIn) -> Status[dict[str, Any]]:
    """Join a scheme the coverage rules leave voluntary for you (the employee pension or medical insurance
    as a flexible worker, the residents' pension), from today; then pay it or ask a platform to withhold it."""
    p = principal_of(request)
    person = access_person(p, require_worker(p, "only a worker joins a scheme here"))
    e = enrolment_join(actor=p.actor, person=person, scheme=payload.scheme)
    return Status(201, {"id": e.pk, "scheme": e.scheme, "region": e.region.code, "joined_on": e.joined_on})


class ProviderPaymentOut(Schema):
    reference: str
    provider: str
    status: str
    amount_cents: int
    redirect_url: str


@router.post("/me/contributions/own/payments", response=responses({201: ProviderPaymentOut}, 404, 409), tags=["me"])
def start_own_payment(request: HttpRequest, payload: OwnContributionIn) -> Status[dict[str, Any]]:
    """Start paying your own contribution through the payment provider: the answer names the payment and
    where to pay it. It stays PENDING, and nothing is booked, until the provider's signed callback confirms it."""
    p = principal_of(request)
    person = access_person(p, require_worker(p, "only a worker pays their own contribution here"))
    payment, started = own_payment_start(actor=p.actor, person=person, **payload.dict())
    return Status(
        201,
        {
            "reference": payment.reference,
            "provider": payment.provider,
            "status": payment.status,
            "amount_cents": payment.amount_cents,
            "redirect_url": started.redirect_url,
        },
    )


class WithholdingIn(Schema):
    platform: Code
    scheme: Code
    declared_base_cents: Cents
    valid_from: Day


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


@router.get("/me/withholding", response=responses({200: page_of(WithholdingOut)}), tags=["me"])
def list_my_withholding(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    """The worker's withholding mandates: which platform withholds which own contribution, from when."""
    person_id = require_worker(principal_of(request), "only a worker has withholding mandates")
    return paginate(withholding_of(person_id=person_id), page, _withholding_out)


@router.post("/me/withholding", response=responses({201: WithholdingOut}, 404, 409), tags=["me"])
def create_withholding(request: HttpRequest, payload: WithholdingIn) -> Status[dict[str, Any]]:
    """Ask a platform you work through to withhold your own pension or medical contribution at source:
    each month you take orders on it, it deducts the month's contribution on the base you choose, spread
    over your orders, and pays it with its invoice."""
    p = principal_of(request)
    person_id = require_worker(p, "only a worker sets up withholding of their own contribution")
    m = withholding_mandate_create(
        actor=p.actor,
        person=access_person(p, person_id),
        platform=selectors.organisation_get(code=payload.platform),
        scheme=payload.scheme,
        declared_base_cents=payload.declared_base_cents,
        valid_from=payload.valid_from,
    )
    return Status(201, _withholding_out(m))


@router.post("/me/withholding/{mandate_id}/end", response=responses({200: WithholdingOut}, 404, 409), tags=["me"])
def end_withholding(request: HttpRequest, mandate_id: int) -> dict[str, Any]:
    """Stop withholding at the end of the current month; one that starts in a later month is withdrawn
    (it ends the day before it starts)."""
    p = principal_of(request)
    person_id = require_worker(p, "only a worker ends their withholding")
    mandate = withholding_get(person_id=person_id, mandate_id=mandate_id)  # their own: others' are absent
    withholding_mandate_end(actor=p.actor, mandate=mandate)
    mandate.refresh_from_db()
    return _withholding_out(mandate)


class ReliefIn(Schema):
    group: Code
    valid_from: Day
    valid_to: Day | None = None
    reason: Text


class ReliefOut(Schema):
    id: int
    person_id: int
    group: str
    valid_from: dt.date
    valid_to: dt.date | None
    reason: str


@router.post("/persons/{person_id}/reliefs", response=responses({201: ReliefOut}, 404, 409), tags=["contributions"])
def grant_relief(request: HttpRequest, person_id: int, payload: ReliefIn) -> Status[dict[str, Any]]:
    """An officer records a person's relief group (employment difficulties, graduate, severe disability,
    minimum living allowance, extreme poverty) for a time, with the certificate it rests on; the rules
    then subsidise or pay part of their own contributions."""
    p = principal_of(request)
    require(may_write_registry(p), "only officers and supervisors record relief groups")
    person = access_person(p, person_id)
    r = relief_grant(actor=p.actor, person=person, **payload.dict())
    return Status(201, {**payload.dict(), "id": r.pk, "person_id": person.pk, "reason": r.reason})
