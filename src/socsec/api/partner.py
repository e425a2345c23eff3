"""The partner API: other departments under agreements (``socsec.partners``), authenticated by an OAuth2
access token (client credentials at ``/oauth/token/``) whose scopes are those of the partner's agreement.
A lookup answers only the fields asked for, each named by the agreement (a field outside it is refused
whole, ``field_outside_agreement``); a feed is checked row by row and applied through the agency's
services. An agreement not in force, a scope or a field outside it: 403 with the reason, kept in the
partner's refusals; every person a lookup answers is logged in the read log with the agreement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer
from oauth2_provider.oauth2_backends import get_oauthlib_core

from socsec.accounts.tokens import token_authenticate
from socsec.api.responses import responses
from socsec.core.errors import Forbidden
from socsec.partners.access import PartnerCall
from socsec.partners.errors import FeedRowErrorCode, PartnerErrorCode
from socsec.partners.feeds import FEED_MAX_ROWS, feed_receive
from socsec.partners.lookups import LOOKUP_MAX, persons_lookup
from socsec.partners.models import Feed
from socsec.partners.refusals import refusal_record
from socsec.partners.scopes import agreement_of

NOT_OAUTH = "an organisation's API token does not open the partner API: use an OAuth2 token of an agreement"


class PartnerAuth(HttpBearer):
    """A live OAuth2 access token of a partner's application; its agreement and granted scopes."""

    def authenticate(self, request: HttpRequest, token: str) -> PartnerCall | None:
        valid, oauth_request = get_oauthlib_core().verify_request(request, scopes=[])
        if not valid:
            if token_authenticate(token) is not None:  # an organisation's API token: known, but not a partner's
                refusal_record(action="api.authenticate", code=PartnerErrorCode.NOT_A_PARTNER, message=NOT_OAUTH)
                raise Forbidden(NOT_OAUTH, code=PartnerErrorCode.NOT_A_PARTNER)
            refusal_record(action="api.authenticate", code="invalid_token", message="an unknown or expired token")
            return None
        access_token = oauth_request.access_token
        agreement = agreement_of(access_token.application)
        if agreement is None:
            raise Forbidden("this token is not a partner's under an agreement", code=PartnerErrorCode.NOT_A_PARTNER)
        return PartnerCall(agreement=agreement, scopes=frozenset(access_token.scope.split()))


router = Router(auth=PartnerAuth(), tags=["partner"])


def _call(request: HttpRequest) -> PartnerCall:
    call = request.auth  # type: ignore[attr-defined]
    assert isinstance(call, PartnerCall)
    return call


class AgreementOut(Schema):
    reference: str
    partner: str
    purpose: str
    legal_basis: str
    scopes: list[str]
    read_fields: list[str]
    send_fields: list[str]
    valid_from: dt.date
    valid_until: dt.date


@router.get("/partner/agreement", response=responses({200: AgreementOut}))
def get_partner_agreement(request: HttpRequest) -> dict[str, Any]:
    """The agreement the caller's token works under: what it may read and send, and until when."""
    a = _call(request).agreement
    return {
        "reference": a.reference,
        "partner": a.partner.code,
        "purpose": a.purpose,
        "legal_basis": a.legal_basis,
        "scopes": a.scopes,
        "read_fields": a.read_fields,
        "send_fields": a.send_fields,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
    }


class LookupIn(Schema):
    resident_ids: list[str] = Field(..., min_length=1, max_length=LOOKUP_MAX)
    fields: list[str] = Field(
        ..., min_length=1, max_length=20, description="Person fields; each must be in the agreement."
    )


class LookupItem(Schema):
    resident_id: str
    found: bool
    fields: dict[str, Any]


class LookupOut(Schema):
    items: list[LookupItem]


@router.post("/partner/person-lookups", response=responses({200: LookupOut}))
def lookup_persons(request: HttpRequest, payload: LookupIn) -> dict[str, Any]:
    """Persons by resident ID (up to 100), answered with the fields asked for and nothing else. Needs the
    scope ``persons:read``; a field the agreement does not name refuses the lookup."""
    items = persons_lookup(
        call=_call(request), resident_ids=payload.resident_ids, fields=payload.fields, today=timezone.localdate()
    )
    return {"items": items}


class FeedIn(Schema):
    idempotency_key: str = Field(..., min_length=1, max_length=100)
    rows: list[dict[str, str]] = Field(..., min_length=1, max_length=FEED_MAX_ROWS)


class FeedRowError(Schema):
    row: int
    field: str
    code: FeedRowErrorCode
    message: str


class FeedOut(Schema):
    id: int
    kind: str
    replayed: bool
    rows_total: int
    rows_applied: int
    rows_unchanged: int
    rows_refused: int
    error_counts: dict[FeedRowErrorCode, int]
    errors: list[FeedRowError]


def feed_item(feed: Feed, replayed: bool) -> dict[str, Any]:
    return {
        "id": feed.pk,
        "kind": feed.kind,
        "replayed": replayed,
        "rows_total": feed.rows_total,
        "rows_applied": feed.rows_applied,
        "rows_unchanged": feed.rows_unchanged,
        "rows_refused": feed.rows_refused,
        "error_counts": feed.error_counts,
        "errors": [{k: e[k] for k in ("row", "field", "code", "message")} for e in feed.errors],
    }


def _send(request: HttpRequest, kind: str, payload: FeedIn) -> Status[dict[str, Any]]:
    feed, replayed = feed_receive(
        call=_call(request), kind=kind, rows=payload.rows, idempotency_key=payload.idempotency_key, source="api"
    )
    return Status(200 if replayed else 201, feed_item(feed, replayed))


@router.post("/partner/feeds/deaths", response=responses({200: FeedOut, 201: FeedOut}, 409))
def send_death_feed(request: HttpRequest, payload: FeedIn) -> Status[dict[str, Any]]:
    """Deaths from the civil register (``resident_id``, ``died_on``, optionally ``certificate_no``): each a
    death notice, which stops the person's benefits from the next payment run. Rows numbered from 1."""
    return _send(request, Feed.Kind.DEATHS, payload)


@router.post("/partner/feeds/injuries", response=responses({200: FeedOut, 201: FeedOut}, 409))
def send_injury_feed(request: HttpRequest, payload: FeedIn) -> Status[dict[str, Any]]:
    """Hospital records of injuries (``resident_id``, ``injured_on``, ``hospital``, ``admitted_on``,
    optionally ``diagnosis_code``): each confirms the injury of the claim naming that day."""
    return _send(request, Feed.Kind.INJURIES, payload)


@router.post("/partner/feeds/platforms", response=responses({200: FeedOut, 201: FeedOut}, 409))
def send_platform_feed(request: HttpRequest, payload: FeedIn) -> Status[dict[str, Any]]:
    """Platform enterprises' market registrations (``credit_code``: the unified social credit code with its
    check character, ``name``, ``registered_on``, ``status``: active, suspended or deregistered). A new
    platform is registered, a known one updated, one deregistered flagged for an officer."""
    return _send(request, Feed.Kind.PLATFORMS, payload)


@router.post("/partner/feeds/incomes", response=responses({200: FeedOut, 201: FeedOut}, 409))
def send_income_feed(request: HttpRequest, payload: FeedIn) -> Status[dict[str, Any]]:
    """Declared incomes (``resident_id``, ``period``: YYYY-MM or YYYY, ``source``: wages, labour, business
    or other, ``amount_cents``): kept one a person, period and source; another amount corrects it."""
    return _send(request, Feed.Kind.INCOMES, payload)


@router.post("/partner/feeds/accounts", response=responses({200: FeedOut, 201: FeedOut}, 409))
def send_account_feed(request: HttpRequest, payload: FeedIn) -> Status[dict[str, Any]]:
    """A bank's answers on the payment accounts the agency asked about (``resident_id``, ``account_no``,
    ``result``: valid, invalid or closed, optionally ``checked_on``). An invalid or closed account holds
    the person's payments until it is corrected."""
    return _send(request, Feed.Kind.ACCOUNTS, payload)
