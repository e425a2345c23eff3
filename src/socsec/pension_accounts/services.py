"""Interest credited to employee-pension individual accounts: once a year, at the year's published
rate, one balanced ledger transaction and one ``InterestCredit`` row per person, with its explanation.
(The ``InterestCredit`` model lives in ``contributions.models``.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from socsec.audit.services import Actor, audit_record_many
from socsec.contributions.models import InterestCredit
from socsec.core.bulk import insert_rows
from socsec.core.errors import Conflict, ValidationFailed
from socsec.ledger.accounts import fund_interest, individual_account
from socsec.ledger.descriptions import LineKind
from socsec.ledger.keys import SourceKind, source_key
from socsec.ledger.services import Posting
from socsec.ledger.services import post_many_keys as ledger_post_many_keys
from socsec.rules.engine import RuleViolation, compute, explain_row
from socsec.rules.parameters import ResolvedValue, load_parameters

from .errors import PensionAccountErrorCode
from .selectors import employee_pension_accounts, pension_provinces

INTEREST_RULE = "individual_account_interest"
INTEREST_RATE = "employee_pension.individual_account_interest_rate"
PERSONS_A_BATCH = 500  # persons credited per group of statements (bounded variables)


@dataclass(frozen=True)
class InterestRun:
    """What a run of a year did: the credits it made, and how many persons were credited before it."""

    year: int
    credited: list[InterestCredit]
    already_credited: int

    @property
    def amount_cents(self) -> int:
        return sum(c.amount_cents for c in self.credited)


def interest_credit(*, actor: Actor, year: int, today: dt.date | None = None) -> InterestRun:
    """Credit a year's interest to every employee-pension individual account that had a balance on 1
    January or contributions during the year, at the year's published rate (rule
    ``individual_account_interest``: the opening balance x rate + each contribution x rate x months left
    / 12, to the cent, once per person).

    What counts is the account's employee-pension money in the ledger (``ledger.accounts.individual_account``):
    the individual-account part of the person's own employee-pension contributions, by the day they were
    booked, and the interest credited for earlier years. The residents' pension money in the same account
    earns its province's own rate and is not credited here.

    One transaction for the whole run: all persons are credited or none (a run killed or refused halfway
    leaves nothing). Each person's posting also has its own idempotency key (``interest:<year>:<person>``)
    and an ``InterestCredit`` row unique per person and year, so a re-run credits only those not credited
    yet and never anyone twice (of two runs at once, the second is refused whole, 409, and can be re-run).
    Each posting moves the interest from the province's pension-fund interest account
    (``ledger.accounts.fund_interest``; the province of the person's latest employee-pension contribution)
    to the individual account, booked on 31 December of the year, so that it is part of the next year's
    opening balance. Years are credited in order: once a later year is credited, an earlier one is
    refused."""
    today = today or timezone.localdate()
    if not isinstance(year, int) or not 1900 <= year <= 9999:
        raise ValidationFailed("year: %(year)r is not a year.", field="year", params={"year": year})
    if dt.date(year + 1, 1, 1) > today:
        raise ValidationFailed(
            "year: %(year)s is not over yet; its interest is credited after it ends.",
            field="year",
            params={"year": year},
        )
    year_end = dt.date(year, 12, 31)
    if InterestCredit.objects.filter(year__gt=year).exists():
        raise Conflict(
            "interest of a later year is credited already; %(year)s would change its opening balances",
            field="year",
            code=PensionAccountErrorCode.LATER_YEAR_CREDITED,
            params={"year": year},
        )
    try:
        rate = load_parameters().leaf(INTEREST_RATE).resolve(year_end)
    except LookupError:
        rate = None
    if rate is None or rate.value is None:
        raise ValidationFailed(
            "year: no credited interest rate for %(year)s in the rules (%(parameter)s); it is published the year after",
            field="year",
            params={"year": year, "parameter": INTEREST_RATE},
        )

    try:
        return _interest_credit_run(actor, year, year_end, rate)
    except IntegrityError:  # another run of the year credited someone meanwhile; this one wrote nothing
        raise Conflict(
            "another run is crediting %(year)s right now; run it again to credit whoever it left",
            field="year",
            code=PensionAccountErrorCode.INTEREST_RUN_IN_PROGRESS,
            params={"year": year},
        ) from None


def _interest_credit_run(actor: Actor, year: int, year_end: dt.date, rate: ResolvedValue) -> InterestRun:
    with transaction.atomic():
        done = set(InterestCredit.objects.filter(year=year).values_list("person_id", flat=True))
        accounts = employee_pension_accounts(year)
        persons = sorted(p for p in accounts if p not in done)
        credited: list[InterestCredit] = []
        if persons:
            opening = np.array([accounts[p][0] for p in persons], dtype=np.int64)
            weighted = np.array(
                [sum(cents * (13 - day.month) for day, cents in accounts[p][1]) for p in persons], dtype=np.int64
            )
            try:
                amounts = compute(INTEREST_RULE, year_end, opening_balance=opening, contribution_months=weighted)
            except RuleViolation as exc:
                raise ValidationFailed("year: %(reason)s", field="year", params={"reason": str(exc)}) from None
            for at in range(0, len(persons), PERSONS_A_BATCH):
                part = slice(at, at + PERSONS_A_BATCH)
                credited += _credit_batch(
                    year, year_end, rate, accounts, persons[part], opening[part], weighted[part], amounts[part]
                )
        audit_record_many(actor=actor, action="pension.interest.credit", instances=credited)
    return InterestRun(year, credited, len(done))


def _credit_batch(
    year: int,
    year_end: dt.date,
    rate: ResolvedValue,
    accounts: dict[int, tuple[int, list[tuple[dt.date, int]]]],
    persons: list[int],
    opening: np.ndarray,
    weighted: np.ndarray,
    amounts: np.ndarray,
) -> list[InterestCredit]:
    """Credit one batch of persons (sorted): their provinces read by id range, their postings and credits
    written in bulk, a constant number of queries whatever the batch holds."""
    rows = [(p, int(s), int(m), int(c)) for p, s, m, c in zip(persons, opening, weighted, amounts, strict=True) if c]
    provinces = pension_provinces([p for p, *_ in rows], year_end)
    postings = []
    for person_id, _start, _months, cents in rows:
        key = source_key(SourceKind.INTEREST, year, person_id)
        postings.append(
            Posting(
                entries=[
                    (fund_interest("EMPLOYEE_PENSION", provinces[person_id]), cents),
                    (individual_account(person_id), -cents),
                ],
                description=f"interest {year} at {rate.value:.2%} on the individual account of person {person_id}",
                kind=LineKind.INTEREST,
                params={"year": year, "rate": f"{rate.value:.2%}", "person": person_id},
                source=key,
                idempotency_key=key,
                booked_on=year_end,
            )
        )
    posted = ledger_post_many_keys(postings)  # with any posted before (a retry): the first one
    keys = [posting.idempotency_key for posting in postings]
    credits = []
    now = timezone.now()
    for (person_id, start, months, cents), key in zip(rows, keys, strict=True):
        explanation = explain_row(
            INTEREST_RULE,
            year_end,
            cents,
            inputs={"opening_balance": start, "contribution_months": months},
            parameters=[rate],
        ).as_dict()
        explanation["contributions"] = [
            {"booked_on": day.isoformat(), "amount_cents": amount, "months_left": 13 - day.month}
            for day, amount in accounts[person_id][1]
        ]
        credits.append(
            InterestCredit(
                person_id=person_id,
                year=year,
                province=provinces[person_id],
                opening_balance_cents=start,
                contribution_month_cents=months,
                amount_cents=cents,
                explanation=explanation,
                transaction_id=posted[key],
                created_at=now,
            )
        )
    columns = [f.attname for f in InterestCredit._meta.concrete_fields if not f.primary_key]
    ids = insert_rows(InterestCredit, columns, [[getattr(c, name) for name in columns] for c in credits])
    for credit, pk in zip(credits, ids, strict=True):
        credit.pk = pk
    return credits
