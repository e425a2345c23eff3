"""Two requests with the same idempotency key at the same moment: the second waits for the first (a row lock
both take, held by the first until it commits) and then finds the first's record and replays it. The wait
is bounded (``SOCSEC_IDEMPOTENCY_WAIT_SECONDS``): past it the second is refused with a Conflict that says
when to try again (``details.retry_after``, the API's ``Retry-After``).

``waiting_turn`` runs a service's locked write again while the database says another writer holds the lock:
PostgreSQL's ``lock_timeout`` (set for the transaction to what is left of the wait) and SQLite's "database
is locked" (its busy timeout, or at once for a shared in-memory database) both end an attempt.
``await_finished`` is the same for a service that writes its record in steps, outside one transaction (an
order batch): it looks at the first request's record until it is finished."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection

from .db import is_locked
from .errors import Conflict

T = TypeVar("T")
R = TypeVar("R")

PAUSE_SECONDS = 0.05  # between two attempts on SQLite
POLL_SECONDS = 0.1  # between two looks at a record another request is writing
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE of a lock_timeout


def wait_seconds() -> float:
    return float(getattr(settings, "IDEMPOTENCY_WAIT_SECONDS", 30))


def is_lock_wait(exc: BaseException) -> bool:
    """Whether a database error is another writer's lock that outlasted this attempt's wait."""
    if is_locked(exc):
        return True
    cause = exc.__cause__
    return isinstance(exc, OperationalError) and getattr(cause, "sqlstate", None) == LOCK_NOT_AVAILABLE


def lock_wait_for_transaction(seconds: float) -> None:
    """Inside a transaction on PostgreSQL: its row locks wait at most ``seconds`` (then an error
    ``is_lock_wait`` recognises). SQLite waits by its busy timeout."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(int(seconds * 1000), 1)}ms"])


@contextmanager
def _sqlite_busy_wait(seconds: float) -> Iterator[None]:
    """On SQLite outside a transaction: its write lock waited for at most ``seconds`` (the busy timeout,
    set back after), so that the wait stays bounded. Elsewhere nothing."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    normal = int(float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {max(int(seconds * 1000), 1)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {normal}")


def waiting_turn(attempt: Callable[[float], T], *, still_running: str, code: StrEnum, wait: float | None = None) -> T:
    """``attempt(seconds_left)`` (one transaction that takes the lock the first request holds, with
    ``lock_wait_for_transaction(seconds_left)`` before it) until it gets through, at most ``wait`` seconds
    in all; then a Conflict (``still_running``, ``code``) with ``retry_after`` in its details."""
    budget = wait_seconds() if wait is None else wait
    deadline = time.monotonic() + budget
    while True:
        left = max(deadline - time.monotonic(), 0.001)
        try:
            with _sqlite_busy_wait(left):
                return attempt(left)
        except OperationalError as exc:
            if not is_lock_wait(exc):
                raise
            if time.monotonic() >= deadline:
                raise Conflict(
                    still_running, field="idempotency_key", code=code, details={"retry_after": retry_after(budget)}
                ) from None
            if connection.vendor != "postgresql":
                time.sleep(PAUSE_SECONDS)


def retry_after(wait: float | None = None) -> int:
    """The seconds a refused request is told to wait before it tries again."""
    return max(1, round((wait_seconds() if wait is None else wait) / 3))


def await_finished(
    read: Callable[[], R | None], finished: Callable[[R], bool], *, wait: float | None = None
) -> R | None:
    """The record another request is writing (``read``), looked at again until it is gone (None) or
    ``finished``, at most ``wait`` seconds: the last one read, which may still be unfinished. A look the
    other's write lock refuses (SQLite) counts as unfinished."""
    deadline = time.monotonic() + (wait_seconds() if wait is None else wait)
    record: R | None = None
    while True:
        try:
            record = read()
            if record is None or finished(record):
                return record
        except OperationalError as exc:
            if not is_lock_wait(exc):
                raise
        if time.monotonic() >= deadline:
            return record
        time.sleep(POLL_SECONDS)


def read_unless_locked(read: Callable[[], R | None]) -> R | None:
    """``read()``, or None where another request's write lock refuses the look (SQLite's shared cache):
    for a look-ahead that the locked write repeats (a key already used), never for the decision itself."""
    try:
        return read()
    except OperationalError as exc:
        if not is_lock_wait(exc):
            raise
        return None
