"""Django's PostgreSQL backend with two savings on every API read, a round trip and a plan:

- **A health check at most once a second.** With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before
  the first query of every request: a round trip, and under load a third of a read's waiting. A connection
  that passed a check less than ``HEALTH_CHECK_TRUST_SECONDS`` (1 s) ago is not checked again, unless
  psycopg already knows it closed or broken. What the check is for (a connection left idle through a
  server restart, a timeout or a network cut) is still caught: such a connection was checked longer ago.
  A server that fails within the second after a check costs the request that runs into it an error, as
  it costs the requests in flight; the connection is then closed and the next request opens another.
- **Prepared statements for the compiled reads.** Django binds parameters in the client, so PostgreSQL
  parses and plans each query anew: for a platform's invoices, 0.2 ms of planning against 0.06 ms of
  running it. ``run_prepared`` binds on the server, where psycopg prepares the statement once per
  connection: ``socsec.core.compiled`` runs its queries through it (each the same text whatever the
  values) and ``socsec.core.bulk`` its one-row inserts. Django's own queries stay bound in the client and
  are not counted or kept by psycopg (its ``prepare_threshold`` stays None but for these statements).
  A statement a schema change made stale (``cached plan must not change result type``: a migration
  changed a column it reads, in another process) is prepared again: at once outside a transaction, else
  on a new connection after the request (the transaction has failed). Behind PgBouncer in transaction
  mode, prepared statements need PgBouncer 1.21 or later (``max_prepared_statements``);
  ``SOCSEC_PG_PREPARED_STATEMENTS=0`` turns them off.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from django.db import NotSupportedError
from django.db.backends.postgresql import base, operations

HEALTH_CHECK_TRUST_SECONDS = 1.0

# Django's classes, untyped here: their stubs leave out the internals these build on
_Operations: Any = operations.DatabaseOperations
_Wrapper: Any = base.DatabaseWrapper
_ServerBindingCursor: Any = base.ServerBindingCursor
_base: Any = base  # its psycopg 3 names (TIMESTAMPTZ_OID, register_tzloader)


class _PreparingCursor(_ServerBindingCursor):  # type: ignore[misc]
    """Binds on the server and prepares what it runs: psycopg's threshold is 0 for its statements alone."""

    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        raw = self.connection
        before = raw.prepare_threshold
        raw.prepare_threshold = 0
        try:
            return super().execute(query, params, **kwargs)
        finally:
            raw.prepare_threshold = before


def _stale_plan(exc: BaseException) -> bool:
    """Whether a prepared statement failed because a column it reads changed type since it was prepared."""
    cause = exc.__cause__
    stale = "cached plan must not change result type"
    return isinstance(cause, psycopg.errors.FeatureNotSupported) and stale in str(cause)


class DatabaseOperations(_Operations):  # type: ignore[misc]
    def last_executed_query(self, cursor: Any, sql: str, params: Any) -> str | None:
        """A prepared cursor's query as the client-binding cursors show it, values in place (query logs and
        the tests' captured queries read the same text whichever cursor ran it)."""
        if not isinstance(cursor, _PreparingCursor):
            return super().last_executed_query(cursor, sql, params)  # type: ignore[no-any-return]
        try:
            return self.compose_sql(sql, params)  # type: ignore[no-any-return]
        except psycopg.errors.DataError:
            return None


class DatabaseWrapper(_Wrapper):  # type: ignore[misc]
    ops_class = DatabaseOperations
    health_check_done: bool
    _usable_at = float("-inf")  # when this connection last answered a health check

    def is_usable(self) -> bool:
        usable = bool(super().is_usable())
        if usable:
            self._usable_at = time.monotonic()
        return usable

    def close_if_health_check_failed(self) -> None:
        raw = self.connection
        if (
            raw is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not raw.closed
            and not raw.broken
            and time.monotonic() - self._usable_at < HEALTH_CHECK_TRUST_SECONDS
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _close(self) -> None:
        self._usable_at = float("-inf")
        super()._close()

    def _preparing_cursor(self) -> Any:
        """A ``_PreparingCursor``, given the time zone as Django's ``create_cursor`` gives its cursors."""
        cursor = _PreparingCursor(self.connection)
        tzloader = self.connection.adapters.get_loader(_base.TIMESTAMPTZ_OID, psycopg.pq.Format.TEXT)
        if self.timezone != tzloader.timezone:
            _base.register_tzloader(self.timezone, cursor)
        return cursor

    def run_prepared(self, sql: str, params: list[Any], *, fetch: bool = True) -> list[tuple[Any, ...]]:
        """Runs one statement prepared on the server (through Django's cursor wrapper, so query logging and
        execute wrappers see it); its rows when ``fetch``. Without prepared statements
        (``SOCSEC_PG_PREPARED_STATEMENTS=0``), as Django runs any query."""
        if not self.settings_dict.get("PREPARED_STATEMENTS", True):
            with self.cursor() as cursor:
                cursor.execute(sql, params)
                return list(cursor.fetchall()) if fetch else []
        for again in (False, True):
            self.close_if_health_check_failed()
            self.ensure_connection()
            with self.wrap_database_errors:
                cursor = self._prepare_cursor(self._preparing_cursor())
            try:
                with cursor:
                    cursor.execute(sql, params)
                    return list(cursor.fetchall()) if fetch else []
            except NotSupportedError as exc:
                if not _stale_plan(exc):
                    raise
                if again or self.in_atomic_block or not self.get_autocommit():  # a transaction failed: after it
                    self.close_at = time.monotonic()
                    raise
                self.close()  # its statements with it; the next round opens another and prepares again
        raise AssertionError("unreachable")
