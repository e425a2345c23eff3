"""Reads of the ledger: signed balances, the trial balance, an account's statement over a period, and a
person's individual pension account (its balance, statement and movements)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum

from .accounts import INDIVIDUAL_ACCOUNT_PREFIX, individual_account, individual_account_person
from .keys import SourceKind, source_prefix
from .models import LedgerEntry


def balance(code: str) -> int:
    """Sum of an account's entries in cents (debit positive)."""
    return int(LedgerEntry.objects.filter(account__code=code).aggregate(s=Sum("amount_cents"))["s"] or 0)


def trial_balance() -> dict[str, int]:
    """Every account's balance; the values always sum to zero."""
    rows = LedgerEntry.objects.values_list("account__code").annotate(s=Sum("amount_cents")).order_by("account__code")
    return {code: int(total) for code, total in rows}


@dataclass(frozen=True)
class StatementLine:
    booked_on: dt.date
    description: str
    source: str
    debit_cents: int
    credit_cents: int
    balance_cents: int  # after this line, in the statement's sign
    kind: str = ""  # what the transaction is (``descriptions.LineKind``), for a page to write in words
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountStatement:
    code: str
    start: dt.date
    end: dt.date
    opening_cents: int
    lines: list[StatementLine]
    closing_cents: int

    @property
    def debits_cents(self) -> int:
        return sum(line.debit_cents for line in self.lines)

    @property
    def credits_cents(self) -> int:
        return sum(line.credit_cents for line in self.lines)


def account_statement(code: str, *, start: dt.date, end: dt.date, credit_normal: bool = False) -> AccountStatement:
    """One account's movements from ``start`` to ``end`` (inclusive, by booking date) with the balance
    brought forward, a running balance and the balance carried forward. ``credit_normal`` shows the
    balance of an account that grows by credits (a fund, a worker's individual account) as positive."""
    sign = -1 if credit_normal else 1
    entries = LedgerEntry.objects.filter(account__code=code)
    before = entries.filter(transaction__booked_on__lt=start).aggregate(s=Sum("amount_cents"))["s"] or 0
    running = sign * int(before)
    opening = running
    lines = []
    rows = (
        entries.filter(transaction__booked_on__gte=start, transaction__booked_on__lte=end)
        .order_by("transaction__booked_on", "transaction_id", "id")
        .values_list(
            "transaction__booked_on",
            "transaction__description",
            "transaction__source",
            "amount_cents",
            "transaction__kind",
            "transaction__params",
        )
    )
    for booked_on, description, source, amount, kind, params in rows:
        running += sign * amount
        debit, credit = max(amount, 0), max(-amount, 0)
        lines.append(StatementLine(booked_on, description, source, debit, credit, running, kind, params or {}))
    return AccountStatement(code, start, end, opening, lines, running)


def individual_account_balance(person_id: int) -> int:
    """The money in a person's individual account, in cents: positive (the account grows by credits)."""
    return -balance(individual_account(person_id))


def individual_account_statement(person_id: int, *, start: dt.date, end: dt.date) -> AccountStatement:
    """A person's individual account from ``start`` to ``end``, its balance shown positive."""
    return account_statement(individual_account(person_id), start=start, end=end, credit_normal=True)


def individual_account_movements(
    year: int, *, sources: QuerySet[Any, Any]
) -> dict[int, tuple[int, list[tuple[dt.date, int]]]]:
    """Per person: the money in the individual account on 1 January of the year (summed by the database),
    and the year's movements into it (day booked, cents; credits positive), for those with either.
    Counted are the transactions whose source is in ``sources`` (a subquery of source keys, see
    ``keys.source_keys``) and the interest credited for earlier years (booked on 31 December of their
    year); the interest of the year itself is left out."""
    first, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    entries = LedgerEntry.objects.filter(
        Q(transaction__source__in=sources) | Q(transaction__source__startswith=source_prefix(SourceKind.INTEREST)),
        account__code__startswith=INDIVIDUAL_ACCOUNT_PREFIX,
    )
    accounts: dict[int, tuple[int, list[tuple[dt.date, int]]]] = {}
    for code, cents in (
        entries.filter(transaction__booked_on__lt=first)
        .values("account__code")
        .annotate(total=Sum("amount_cents"))
        .values_list("account__code", "total")
    ):
        accounts[individual_account_person(code)] = (-int(cents), [])  # credits are negative entries
    for code, day, cents in (
        entries.filter(transaction__booked_on__gte=first, transaction__booked_on__lt=end)
        .exclude(transaction__source__startswith=source_prefix(SourceKind.INTEREST, year))
        .order_by("transaction__booked_on", "id")
        .values_list("account__code", "transaction__booked_on", "amount_cents")
    ):
        accounts.setdefault(individual_account_person(code), (0, []))[1].append((day, -int(cents)))
    return {p: v for p, v in accounts.items() if v[0] or v[1]}
