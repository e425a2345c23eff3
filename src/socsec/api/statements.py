"""Records and statements over the API: a worker's contribution record month by month and their yearly
statement (schemes, who paid, the individual pension account); a platform's account with the agency."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from socsec.accounts.access import access_platform_account, principal_of, require_worker
from socsec.api.bounds import Day
from socsec.api.responses import PageIn, decode_cursor, encode_cursor, page_of, responses
from socsec.contributions.record_pages import contribution_record_page
from socsec.contributions.statements import platform_statement, worker_statement
from socsec.core.errors import ValidationFailed

router = Router()


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


@router.get("/me/contributions", response=responses({200: page_of(RecordLineOut)}), tags=["me"])
def list_my_contributions(request: HttpRequest, page: Query[PageIn]) -> dict[str, Any]:
    """The worker's record, month by month: scheme, province, the platform that paid, orders, amount
    (the cursor is a place in the record: a page reads only the months it shows)."""
    person_id = require_worker(principal_of(request), "only a worker account has its own record")
    done = contribution_record_page(person_id=person_id, after=decode_cursor(page.cursor), limit=page.limit)
    following = encode_cursor(done.next_place) if done.next_place is not None else None
    return {"items": [line.__dict__ for line in done.lines], "next_cursor": following}


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


@router.get("/me/statement", response=responses({200: WorkerStatementOut}), tags=["me"])
def my_statement(request: HttpRequest, year: int) -> dict[str, Any]:
    """The worker's statement for a year: per scheme the months covered and what they, the government and
    platforms paid; the individual pension account from the balance brought forward to the one carried
    forward."""
    person_id = require_worker(principal_of(request), "only a worker account has its own statement")
    if not 1990 <= year <= 2200:
        raise ValidationFailed("year: %(year)s is out of range", field="year", params={"year": year})
    st = worker_statement(person_id=person_id, year=year)
    return {
        "year": st.year,
        "schemes": [s.__dict__ for s in st.schemes],
        "lines": [line.__dict__ for line in st.lines],
        "individual_account": {
            **st.individual_account.__dict__,
            "lines": [x.__dict__ for x in st.individual_account.lines],
        },
    }


@router.get(
    "/organisations/{code}/statement", response=responses({200: PlatformStatementOut}, 404), tags=["contributions"]
)
def platform_account_statement(request: HttpRequest, code: str, start: Day, end: Day) -> dict[str, Any]:
    """A platform's account with the agency from ``start`` to ``end``: invoices, payments and credit
    notes with the running balance it owes, and the invoices issued in the period."""
    platform = access_platform_account(principal_of(request), code)
    if start > end:
        raise ValidationFailed(
            "end: %(end)s is before start %(start)s",
            field="end",
            params={"end": end.isoformat(), "start": start.isoformat()},
        )
    st = platform_statement(platform=platform, start=start, end=end)
    return {
        "platform": platform.code,
        "account": {**st.account.__dict__, "lines": [x.__dict__ for x in st.account.lines]},
        "invoices": [s.invoice.pk for s in st.invoices],
    }
