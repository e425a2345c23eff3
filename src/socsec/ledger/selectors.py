from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum

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
        .values_list("transaction__booked_on", "transaction__description", "transaction__source", "amount_cents")
    )
    for booked_on, description, source, amount in rows:
        running += sign * amount
        lines.append(StatementLine(booked_on, description, source, max(amount, 0), max(-amount, 0), running))
    return AccountStatement(code, start, end, opening, lines, running)
