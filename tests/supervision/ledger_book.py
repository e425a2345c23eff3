"""Postings to the funds through the ledger's own service, shared by the supervision tests."""

from __future__ import annotations

import datetime as dt

from socsec.ledger.accounts import BANK_COLLECTION, benefits_payable, fund, fund_interest, individual_account
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import post

_n = [0]


def _key(kind: SourceKind) -> str:
    _n[0] += 1
    return source_key(kind, _n[0])


def contribution(scheme: str, province: str, cents: int, on: dt.date) -> None:
    key = _key(SourceKind.INVOICE)
    post(
        entries=[("receivable:platform:ridego", cents), (fund(scheme, province), -cents)],
        description="in",
        source=key,
        idempotency_key=key,
        booked_on=on,
    )


def benefit(scheme: str, province: str, cents: int, on: dt.date, item: str = "oip_medical") -> None:
    key = _key(SourceKind.BENEFIT_PAYMENT)
    post(
        entries=[(fund(scheme, province), cents), (benefits_payable(1), -cents)],
        description="out",
        source=key,
        idempotency_key=key,
        booked_on=on,
        kind=LineKind.BENEFIT_PAYMENT,
        params={"item": item},
    )


def interest(scheme: str, province: str, cents: int, on: dt.date) -> None:
    key = _key(SourceKind.INTEREST)
    post(
        entries=[(fund_interest(scheme, province), cents), (individual_account(1), -cents)],
        description="i",
        source=key,
        idempotency_key=key,
        booked_on=on,
    )


def reversal(scheme: str, province: str, cents: int, on: dt.date) -> None:
    key = _key(SourceKind.EMPLOYER_REVERSAL)
    post(
        entries=[(fund(scheme, province), cents), (BANK_COLLECTION, -cents)],
        description="rev",
        source=key,
        idempotency_key=key,
        booked_on=on,
    )
