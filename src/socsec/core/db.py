"""Row locks for services, writes the read path may skip while a batch job holds SQLite's write lock, and
the planner's settings for a query over everyone."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TypeVar

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Manager, Model, QuerySet

M = TypeVar("M", bound=Model)


def lock(queryset: QuerySet[M] | Manager[M]) -> QuerySet[M]:
    """SELECT ... FOR NO KEY UPDATE on PostgreSQL: serialises the services that lock the same row (a
    person, a platform) without blocking inserts that merely refer to it by foreign key. SQLite runs
    every write transaction alone (IMMEDIATE), so there it changes nothing. Takes a queryset or a model's
    manager (``lock(Person.objects)``)."""
    return queryset.select_for_update(no_key=connection.vendor == "postgresql")


# How long a write that may be skipped waits for SQLite's write lock (the busy timeout otherwise, 20 s).
BRIEF_WAIT_MS = 200


def is_locked(exc: BaseException) -> bool:
    """Whether a database error is SQLite's "database is locked" (another process holds the write lock), or
    "database table is locked" (another connection to a shared-cache database, as the tests' in-memory one,
    holds the table)."""
    return isinstance(exc, OperationalError) and ("database is locked" in str(exc) or "table is locked" in str(exc))


def write_briefly(write: Callable[[], object]) -> bool:
    """Runs a write that the read path may skip or put off (a token's last use, a session's renewal, a
    row of the read log): on SQLite, outside a transaction, it waits for the write lock only briefly, so a
    batch job holding the lock does not hold up the readers. True when written, False when the lock was
    held (nothing was written). On PostgreSQL, or inside a transaction, it simply writes."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        write()
        return True
    connection.ensure_connection()
    normal = int(float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {BRIEF_WAIT_MS}")
    try:
        write()
        return True
    except OperationalError as exc:
        if not is_locked(exc):
            raise
        return False
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {normal}")


PARAMETERS_A_QUERY = 900  # ids a query: SQLite may bound the parameters of one statement at 999


def id_chunks(ids: Sequence[int]) -> list[list[int]]:
    """``ids`` in runs of at most ``PARAMETERS_A_QUERY``, for ``pk__in`` look-ups that hold on SQLite."""
    ids = list(ids)
    return [ids[start : start + PARAMETERS_A_QUERY] for start in range(0, len(ids), PARAMETERS_A_QUERY)]


# For a query that reads every row of its tables: no nested loops, no JIT compilation (and the memory of
# settings.SOCSEC_WHOLE_TABLE_WORK_MEM for each sort and hash).
WHOLE_TABLE_SETTINGS = {"enable_nestloop": "off", "jit": "off"}


@contextmanager
def planner_settings(values: Mapping[str, str]) -> Iterator[None]:
    """While open, on PostgreSQL, these planner settings hold (``set_config`` local to the transaction; one
    is opened if none is) and the caller's own are back on leaving, even within the caller's transaction
    (a ``SET LOCAL`` in a savepoint would outlive it). Read the results inside the block: in autocommit its
    transaction ends on leaving. On a failure the settings go with the transaction or the caller's
    savepoint. Nothing to do on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    names = list(values)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join("current_setting(%s)" for _ in names), names)
        before = cursor.fetchone()
        for name, value in values.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        yield
        for name, value in zip(names, before, strict=True):
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def reading_whole_tables(*, few_groups: bool = False) -> AbstractContextManager[None]:
    """``planner_settings`` for queries that read whole tables (a count over everyone): the planner joins by
    hashing or merging, since its row estimates through window functions and small temporary tables are
    off a hundredfold and a nested loop of index look-ups that looked cheap reads a large table at random
    (a month's coverage statistics: over 10 minutes at 10M persons); and no JIT, whose compilation of such
    a query's expressions took seconds more than it saved. Its sorts and hashes get
    ``settings.SOCSEC_WHOLE_TABLE_WORK_MEM`` each (millions of persons: hashed within memory, not spilled
    and re-read batch by batch). ``few_groups``: the query groups everyone into few rows (a statistics
    table's cells), so no sort where hashing will do: the planner, its estimate of the rows to group off a
    hundredfold, sorted 7M rows on disk to make 480 cells (at 10M persons: 77.6 s against 95.3 s; 6.1 s
    against 7.1 s at 1M). Every grouping and DISTINCT of the query is then hashed, each within its own
    ``work_mem`` (times ``hash_mem_multiplier``), several alive at once."""
    values = {**WHOLE_TABLE_SETTINGS, "work_mem": settings.SOCSEC_WHOLE_TABLE_WORK_MEM}
    return planner_settings({**values, "enable_sort": "off"} if few_groups else values)
