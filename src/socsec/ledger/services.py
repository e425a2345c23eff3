"""Double-entry postings. Every transaction balances (entries sum to zero) or nothing is written; a
transaction is posted once per idempotency key (a retry returns the first posting)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from socsec.core.errors import ValidationFailed

from .accounts import ACCOUNT_KINDS
from .models import Account, LedgerEntry, LedgerTransaction


def _accounts(codes: Sequence[str]) -> dict[str, Account]:
    """The accounts with these codes, read in one query; those not used before are opened."""
    found = {a.code: a for a in Account.objects.filter(code__in=set(codes))}
    for code in codes:
        if code not in found:
            found[code] = account(code)
    return found


def account(code: str, name: str = "") -> Account:
    """The account with this code (built by ``accounts``), opened on first use. The code's first part is
    its kind."""
    head = code.split(":", 1)[0]
    if head not in ACCOUNT_KINDS:
        raise ValueError(f"account {code!r}: the first part must be one of {', '.join(ACCOUNT_KINDS)}")
    found, _created = Account.objects.get_or_create(
        code=code, defaults={"kind": ACCOUNT_KINDS[head], "name": name or code}
    )
    return found


def post(
    *,
    entries: Sequence[tuple[str, int]],
    description: str,
    source: str,
    idempotency_key: str,
    booked_on: dt.date | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction: ``entries`` are (account code, cents), debit positive; the codes
    come from ``accounts``, the source and key from ``keys``."""
    lines = [(code, int(cents)) for code, cents in entries if int(cents) != 0]
    total = sum(cents for _code, cents in lines)
    if total != 0:
        raise ValidationFailed(f"entries: the transaction does not balance (off by {total} cents).", field="entries")
    if not lines:
        raise ValidationFailed("entries: a transaction moves some money.", field="entries")
    with transaction.atomic():
        existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        tx = LedgerTransaction.objects.create(
            at=timezone.now(),
            booked_on=booked_on or timezone.localdate(),
            description=description[:300],
            source=source[:120],
            idempotency_key=idempotency_key,
        )
        accounts = _accounts([code for code, _cents in lines])
        LedgerEntry.objects.bulk_create(
            [LedgerEntry(transaction=tx, account=accounts[code], amount_cents=cents) for code, cents in lines]
        )
    return tx
