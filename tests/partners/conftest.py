"""The partners tests' fixtures: a civil affairs bureau and a hospital authority with agreements in force,
one expired agreement, and a token from the token endpoint."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from socsec.partners.models import Agreement, Partner
from socsec.partners.services import agreement_create, partner_register
from tests.world import SYSTEM


@dataclass
class Credentials:
    agreement: Agreement
    client_id: str
    secret: str


def make_agreement(
    partner: Partner,
    reference: str,
    *,
    scopes: list[str],
    read: list[str],
    send: list[str],
    days: tuple[int, int] = (-30, 365),
) -> Credentials:
    today = timezone.localdate()
    agreement, secret = agreement_create(
        actor=SYSTEM,
        partner=partner,
        reference=reference,
        purpose="stop pensions paid after a death",
        legal_basis="Social Insurance Law art. 14; civil registration rules",
        scopes=scopes,
        read_fields=read,
        send_fields=send,
        valid_from=today + dt.timedelta(days=days[0]),
        valid_until=today + dt.timedelta(days=days[1]),
    )
    assert agreement.application is not None
    return Credentials(agreement, agreement.application.client_id, secret)


@pytest.fixture
def civil(world):
    partner = partner_register(
        actor=SYSTEM, code="civil-affairs", name="Civil Affairs Bureau", name_zh="民政局", kind="CIVIL_AFFAIRS"
    )
    return make_agreement(
        partner,
        "MCA-2026-01",
        scopes=["deaths:send", "persons:read"],
        read=["birth_date", "died_on", "receives_pension"],
        send=["resident_id", "died_on", "certificate_no"],
    )


@pytest.fixture
def health(world):
    partner = partner_register(
        actor=SYSTEM, code="health", name="Health Commission", name_zh="卫生健康委员会", kind="HEALTH"
    )
    return make_agreement(
        partner,
        "NHC-2026-01",
        scopes=["injuries:send"],
        read=[],
        send=["resident_id", "injured_on", "hospital", "admitted_on", "diagnosis_code"],
    )


def token_for(client: Client, credentials: Credentials, scope: str | None = None) -> dict[str, object]:
    basic = base64.b64encode(f"{credentials.client_id}:{credentials.secret}".encode()).decode()
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    response = client.post("/oauth/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")
    return {"status": response.status_code, **response.json()}


def bearer(client: Client, credentials: Credentials) -> dict[str, str]:
    token = token_for(client, credentials)
    assert token["status"] == 200, token
    return {"HTTP_AUTHORIZATION": f"Bearer {token['access_token']}"}


def _partner_agreement(code: str, name: str, kind: str, reference: str, scope: str, send: list[str]) -> Credentials:
    partner = partner_register(actor=SYSTEM, code=code, name=name, kind=kind)
    return make_agreement(partner, reference, scopes=[scope], read=[], send=send)


@pytest.fixture
def market(world):
    return _partner_agreement(
        "market-regulation", "Market Regulation", "MARKET_REGULATION", "SAMR-2026-01", "platforms:send",
        ["credit_code", "name", "registered_on", "status"],
    )  # fmt: skip


@pytest.fixture
def tax(world):
    return _partner_agreement(
        "tax", "Tax Service", "TAX", "STA-2026-01", "incomes:send", ["resident_id", "period", "source", "amount_cents"]
    )


@pytest.fixture
def bank(world):
    return _partner_agreement(
        "bank",
        "Pilot Bank",
        "BANK",
        "BANK-2026-01",
        "accounts:send",
        ["resident_id", "account_no", "result", "checked_on"],
    )
