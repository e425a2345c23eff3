"""Monthly totals of the pooled fund accounts (``accounts.pooled_fund``), kept beside the entries so that a
fund's months are read from a few thousand rows instead of every entry the funds ever took (64 s at 10M
persons for the dashboard, growing with the ledger).

Every posting adds, in its own transaction, one ``FundMonthTotal`` row per fund account, month, source kind
and item it moved (``add``): rows are only ever added, never updated, so two postings to one fund (a pay
run and a platform's payment) never wait on each other's lock. A key's rows are summed when read; ``fold``
(nightly: ``socsec ledger fold-totals``) replaces them with one row each. ``drift`` compares the totals with
the entries (``socsec ledger check-totals``), ``rebuild`` makes them again from the entries (the migration
that brought them, a bulk load written around the services)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Case, Sum, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import StrIndex, Substr, TruncMonth

from socsec.core.bulk import copy_rows

from .accounts import INDIVIDUAL_ACCOUNT_PREFIX, pooled_fund
from .keys import source_kind
from .models import Account, FundMonthTotal, LedgerEntry

COLUMNS = ["account_id", "month", "source_kind", "item", "cents"]
Key = tuple[int, dt.date, str, str]  # account id, first day of the month, source kind, item


def _item(params: Mapping[str, Any]) -> str:
    """A posting's ``item`` parameter as the totals keep it (none where it is absent, null or empty)."""
    return str(params.get("item") or "")[:80]


def add(
    postings: Iterable[tuple[dt.date, str, Mapping[str, Any], Sequence[tuple[str, int]]]],
    accounts: Mapping[str, int],
) -> int:
    """Add the totals of postings being written, each (booked on, source, params, lines), the accounts'
    ids by code: one statement whatever their number. A key whose postings net to nothing is written all
    the same (a fund's month exists once anything was booked in it). Returns the rows added."""
    sums: dict[Key, int] = defaultdict(int)
    pooled: dict[str, bool] = {}
    for booked_on, source, params, lines in postings:
        key_head: tuple[dt.date, str, str] | None = None
        for code, cents in lines:
            is_pooled = pooled.get(code)
            if is_pooled is None:
                is_pooled = pooled[code] = pooled_fund(code) is not None
            if not is_pooled:
                continue
            if key_head is None:
                key_head = (booked_on.replace(day=1), source_kind(source)[:40], _item(params))
            sums[(accounts[code], *key_head)] += cents
    rows = [(*key, cents) for key, cents in sums.items()]
    copy_rows(FundMonthTotal, COLUMNS, rows, returning=False)
    return len(rows)


def _month(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    return dt.date.fromisoformat(str(value)[:10]).replace(day=1)


def fold() -> tuple[int, int]:
    """Replace each key's rows by one, in one transaction: the rows deleted are exactly those summed
    (``DELETE ... RETURNING``), so a posting committed meanwhile keeps its rows. Returns (rows before,
    rows after)."""
    table = connection.ops.quote_name(FundMonthTotal._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} RETURNING account_id, month, source_kind, item, cents")
        found = cursor.fetchall()
        sums: dict[Key, int] = defaultdict(int)
        for account_id, month, kind, item, cents in found:
            sums[(int(account_id), _month(month), str(kind), str(item))] += int(cents)
        rows = [(*key, cents) for key, cents in sorted(sums.items())]
        copy_rows(FundMonthTotal, COLUMNS, rows, returning=False)
    return len(found), len(rows)


def _from_entries(entry_model: type[models.Model]) -> dict[Key, int]:
    """The totals the entries give, by the database's grouping (one query over the funds' entries)."""
    colon = StrIndex("transaction__source", Value(":"))
    rows = (
        entry_model._default_manager.filter(account__code__startswith="fund:")
        .exclude(account__code__startswith=INDIVIDUAL_ACCOUNT_PREFIX)
        .annotate(
            total_month=TruncMonth("transaction__booked_on"),
            kind=Case(
                When(transaction__source__contains=":", then=Substr("transaction__source", 1, colon - 1)),
                default=Value(""),
            ),
            total_item=KeyTextTransform("item", "transaction__params"),
        )
        .values_list("account_id", "account__code", "total_month", "kind", "total_item")
        .annotate(cents=Sum("amount_cents"))
        .order_by()
    )
    sums: dict[Key, int] = defaultdict(int)
    for account_id, code, month, kind, item, cents in rows:
        if pooled_fund(code) is not None:
            sums[(int(account_id), _month(month), str(kind)[:40], _item({"item": item}))] += int(cents)
    return dict(sums)


def _kept(total_model: type[models.Model]) -> dict[Key, int]:
    rows = total_model._default_manager.values_list("account_id", "month", "source_kind", "item").annotate(
        sum=Sum("cents")
    )
    return {(int(a), _month(m), str(k), str(i)): int(c) for a, m, k, i, c in rows.order_by()}


def rebuild(entry_model: type[models.Model] = LedgerEntry, total_model: type[models.Model] = FundMonthTotal) -> int:
    """Every total made again from the entries, in one transaction that holds off the postings' totals
    meanwhile: on PostgreSQL the totals' table is locked against writers first (a posting that wrote its
    totals is waited for, one that comes to them waits, then adds to the new ones), on SQLite the totals
    are deleted first, which takes the database's one writer's lock. So a posting is counted once, in the
    entries read or by its own rows. Returns the rows written. The models are parameters for the migration
    that brought the totals (its historical models)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(total_model._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        total_model._default_manager.all().delete()
        sums = _from_entries(entry_model)
        total_model._default_manager.bulk_create(
            [
                total_model(account_id=a, month=m, source_kind=k, item=i, cents=c)
                for (a, m, k, i), c in sorted(sums.items())
            ],
            batch_size=500,
        )
    return len(sums)


@dataclass(frozen=True)
class Drift:
    """A key whose kept total differs from its entries' sum, in cents."""

    account: str
    month: dt.date
    source_kind: str
    item: str
    kept_cents: int
    entries_cents: int


def drift() -> list[Drift]:
    """The keys where the totals and the entries disagree (none when the totals are right; a key present
    on one side only differs, even at zero): two queries, one over every fund entry, in one snapshot of
    the database (postings go on meanwhile, and are on both sides or on neither)."""
    fresh = not connection.in_atomic_block  # a transaction of its own: its isolation can still be set
    with transaction.atomic():
        if connection.vendor == "postgresql" and fresh:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        kept, entries = _kept(FundMonthTotal), _from_entries(LedgerEntry)
    keys = sorted(k for k in kept.keys() | entries.keys() if kept.get(k) != entries.get(k))
    codes = dict(Account.objects.filter(pk__any=list({k[0] for k in keys})).values_list("id", "code")) if keys else {}
    return [Drift(codes[a], m, s, i, kept.get((a, m, s, i), 0), entries.get((a, m, s, i), 0)) for a, m, s, i in keys]
