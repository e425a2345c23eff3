"""Pension accounts over the API: officers credit a year's interest to the employee-pension individual
accounts (``POST /api/pension/interest-credits``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from socsec.accounts.access import principal_of, require
from socsec.accounts.permissions import may_credit_interest
from socsec.accounts.reads import record_read
from socsec.api.bounds import Count
from socsec.api.responses import responses
from socsec.pension_accounts.services import interest_credit

router = Router()


class InterestCreditIn(Schema):
    year: Count


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


@router.post("/pension/interest-credits", response=responses({200: InterestRunOut}, 404, 409), tags=["pension"])
def credit_interest(request: HttpRequest, payload: InterestCreditIn) -> dict[str, Any]:
    """Credit a year's interest to the employee-pension individual accounts at the year's published rate;
    a re-run credits nobody twice. Officers only."""
    p = principal_of(request)
    require(may_credit_interest(p), "only officers credit interest to individual accounts")
    run = interest_credit(actor=p.actor, year=payload.year)
    record_read(p, [c.person_id for c in run.credited], "pension accounts")  # the balances answered
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
