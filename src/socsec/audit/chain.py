"""The hash chain over the audit trail: each entry's ``hash`` is the SHA-256 of its previous entry's hash and
a canonical serialisation of its own fields, in insertion (id) order. Changing, removing or reordering a
stored entry breaks the chain from there on (``socsec audit verify``).

Writers take one lock for the chain (``lock_chain``) and read its tail in the same transaction, so entries
from concurrent transactions still form one chain: PostgreSQL takes a transaction-level advisory lock;
SQLite serialises writing transactions itself (the project opens them IMMEDIATE)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection

GENESIS = "0" * 64
# Every column of an entry except its id and the chain's own two: what the hash covers.
HASHED_FIELDS = (
    "at",
    "actor_user_id",
    "actor_token_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
)
_LOCK_KEY = 0x50C5EC_A0D1  # the PostgreSQL advisory lock of the audit chain
TABLE = "audit_auditentry"


def _whole(value: Any) -> Any:
    """Floats written with a positive exponent (1e16 or more) as the integer their digits name, at any
    depth: PostgreSQL's jsonb gives 1.5e+20 back as 150000000000000000000. Other floats come back as they
    went."""
    if isinstance(value, float) and "e+" in repr(value):
        return int(decimal.Decimal(repr(value)))
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value


def canonical(row: Mapping[str, Any]) -> bytes:
    """The fields of an entry as the hash reads them: sorted-key JSON, ASCII-escaped, times in UTC."""
    values = {name: row[name] for name in HASHED_FIELDS}
    values["at"] = values["at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    if "e+" in text:  # a float of 1e16 or more may be there (the walk is skipped when none can be)
        text = json.dumps(_whole(values), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return text.encode("ascii")


def entry_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(row)).hexdigest()


def as_stored(value: Any) -> Any:
    """A snapshot as the JSON column gives it back (tuples as lists, keys as text): what is hashed must be
    what a later reader finds."""
    return None if value is None else json.loads(json.dumps(value))


def lock_chain() -> None:
    """Hold the chain until the transaction ends (PostgreSQL); SQLite's write lock already does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def chain_tail() -> str:
    """The hash of the latest entry, or the genesis value of an empty trail."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hash FROM {TABLE} ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    return str(row[0]) if row else GENESIS


def link(rows: Iterable[Any], prev_hash: str) -> str:
    """Chain entries (objects with the hashed fields as attributes) after ``prev_hash``, in order: sets
    their ``prev_hash`` and ``hash``. Returns the last hash."""
    for row in rows:
        row.prev_hash = prev_hash
        row.hash = entry_hash(prev_hash, {name: getattr(row, name) for name in HASHED_FIELDS})
        prev_hash = row.hash
    return prev_hash


@dataclass(frozen=True)
class BrokenLink:
    entry_id: int
    column: str  # "prev_hash": the entry before it was changed or removed; "hash": this entry was changed
    expected: str
    found: str


@dataclass(frozen=True)
class ChainReport:
    entries: int  # verified
    broken: BrokenLink | None
    head: str = GENESIS  # the hash of the last entry verified: kept elsewhere, it shows entries cut off the end


def _batches(batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
    """The trail in id order, ``batch_size`` entries a query (keyset, so millions stream in bounded
    memory)."""
    from .models import AuditEntry

    names = ("id", "prev_hash", "hash", *HASHED_FIELDS)
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last).order_by("id").values_list(*names)[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def chain_verify(*, batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain; stop at the first entry whose link or own hash does not match."""
    prev_hash = GENESIS
    count = 0
    for rows in _batches(batch_size):
        for entry_id, stored_prev, stored_hash, *values in rows:
            if stored_prev != prev_hash:
                return ChainReport(count, BrokenLink(entry_id, "prev_hash", prev_hash, stored_prev))
            expected = entry_hash(prev_hash, dict(zip(HASHED_FIELDS, values, strict=True)))
            if stored_hash != expected:
                return ChainReport(count, BrokenLink(entry_id, "hash", expected, stored_hash))
            prev_hash = stored_hash
            count += 1
    return ChainReport(count, None, prev_hash)
