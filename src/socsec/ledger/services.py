"""Double-entry postings. Every transaction balances (entries sum to zero) or nothing is written; a
transaction is posted once per idempotency key (a retry returns the first posting)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from socsec.core.bulk import copy_rows
from socsec.core.errors import ValidationFailed

from . import totals
from .accounts import ACCOUNT_KINDS
from .descriptions import LineKind
from .models import Account, LedgerEntry, LedgerTransaction


def _account_ids(codes: Sequence[str]) -> dict[str, int]:
    """The ids of the accounts with these codes, read in one query; those not used before are opened
    together."""
    wanted = list(dict.fromkeys(codes))
    found = dict(Account.objects.filter(code__any=wanted).values_list("code", "id"))
    missing = [_unsaved_account(code) for code in wanted if code not in found]
    if missing:
        Account.objects.bulk_create(missing, ignore_conflicts=True)  # another writer may open one first
        found.update(Account.objects.filter(code__any=[a.code for a in missing]).values_list("code", "id"))
    return found


def account(code: str, name: str = "") -> Account:
    """The account with this code (built by ``accounts``), opened on first use. The code's first part is
    its kind."""
    new = _unsaved_account(code, name)
    found, _created = Account.objects.get_or_create(code=code, defaults={"kind": new.kind, "name": new.name})
    return found


def _unsaved_account(code: str, name: str = "") -> Account:
    head = code.split(":", 1)[0]
    if head not in ACCOUNT_KINDS:
        raise ValueError(f"account {code!r}: the first part must be one of {', '.join(ACCOUNT_KINDS)}")
    return Account(code=code, kind=ACCOUNT_KINDS[head], name=name or code)


@dataclass(frozen=True)
class Posting:
    """One balanced transaction to post: ``entries`` are (account code, cents), debit positive; the codes
    come from ``accounts``, the source and key from ``keys``. ``description`` is the English sentence;
    ``kind`` and ``params`` are what a page writes in its reader's language (``descriptions``)."""

    entries: Sequence[tuple[str, int]]
    description: str
    source: str
    idempotency_key: str
    booked_on: dt.date | None = None
    kind: LineKind | None = None
    params: Mapping[str, str | int] = field(default_factory=dict)

    def lines(self) -> list[tuple[str, int]]:
        """The entries that move money, checked: they balance and there is at least one."""
        lines = [(code, int(cents)) for code, cents in self.entries if int(cents) != 0]
        total = sum(cents for _code, cents in lines)
        if total != 0:
            raise ValidationFailed(
                "entries: the transaction does not balance (off by %(total)s cents).",
                field="entries",
                params={"total": total},
            )
        if not lines:
            raise ValidationFailed("entries: a transaction moves some money.", field="entries")
        return lines


def post(
    *,
    entries: Sequence[tuple[str, int]],
    description: str,
    source: str,
    idempotency_key: str,
    booked_on: dt.date | None = None,
    kind: LineKind | None = None,
    params: Mapping[str, str | int] | None = None,
) -> LedgerTransaction:
    """Post one balanced transaction (see ``Posting``); a retry with the same key returns the first one."""
    with transaction.atomic():
        posting = Posting(entries, description, source, idempotency_key, booked_on, kind, dict(params or {}))
        made = post_many([posting])
        return made[0] if made else LedgerTransaction.objects.get(idempotency_key=idempotency_key)


def post_many(postings: Sequence[Posting]) -> list[LedgerTransaction]:
    """Post many balanced transactions at once: every one is checked first, so one that does not balance
    writes nothing; those whose key was posted before are left as they are. Returns the transactions
    posted now, in the order given."""
    with transaction.atomic():
        ids, new = _post(postings)
        return list(LedgerTransaction.objects.filter(pk__any=[ids[key] for key in new]).order_by("id"))


def post_many_keys(postings: Sequence[Posting]) -> dict[str, int]:
    """``post_many`` for a run's thousands: the id of each posting's transaction by its key (the first
    one where the key was posted before), without reading the transactions back. Five statements for up
    to a thousand postings whatever their history: the keys already posted, the transactions, the
    accounts (opened where new, one more), the entries, the funds' monthly totals (``totals``)."""
    return _post(postings)[0]


def _post(postings: Sequence[Posting]) -> tuple[dict[str, int], list[str]]:
    checked = [(posting, posting.lines()) for posting in postings]
    with transaction.atomic():
        keys = [posting.idempotency_key for posting in postings]
        ids = dict(LedgerTransaction.objects.filter(idempotency_key__any=keys).values_list("idempotency_key", "id"))
        todo = [(posting, lines) for posting, lines in checked if posting.idempotency_key not in ids]
        now, today = timezone.now(), timezone.localdate()
        made = copy_rows(
            LedgerTransaction,
            ["at", "booked_on", "description", "kind", "params", "source", "idempotency_key"],
            [
                (
                    now,
                    posting.booked_on or today,
                    posting.description[:300],
                    posting.kind or "",
                    dict(posting.params),
                    posting.source[:120],
                    posting.idempotency_key,
                )
                for posting, _lines in todo
            ],
        )
        accounts = _account_ids([code for _posting, lines in todo for code, _cents in lines])
        copy_rows(
            LedgerEntry,
            ["transaction_id", "account_id", "amount_cents"],
            [
                (tx, accounts[code], cents)
                for tx, (_posting, lines) in zip(made, todo, strict=True)
                for code, cents in lines
            ],
            returning=False,
        )
        totals.add(
            ((posting.booked_on or today, posting.source, posting.params, lines) for posting, lines in todo), accounts
        )
        new = [posting.idempotency_key for posting, _lines in todo]
        ids.update(zip(new, made, strict=True))
    return ids, new
