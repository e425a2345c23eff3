"""Inserting many rows fast: plain multi-row ``INSERT ... VALUES (...), (...) RETURNING id`` statements,
without making a model instance per row or compiling each value through the ORM (which costs about ten
times the database's own work for a narrow row). Values are given as the database stores them; the
columns that need it (dates and times, JSON) are prepared by their field here. Each statement stays within
the database's limit of variables (SQLite: 999), so no statement grows with the data. ``copy_rows`` does the
same by COPY on PostgreSQL (ids drawn from the table's sequence first), by ``insert_rows`` elsewhere."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models, transaction

MAX_ROWS = 1000  # rows a statement at most, whatever the database allows


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool = True,
    ignore_conflicts: bool = False,
) -> list[int]:
    """Insert ``rows`` (values in the order of ``columns``, each a field's attname) into the model's table;
    returns the new ids in the order given (or nothing, ``returning=False``). ``ignore_conflicts`` skips a
    row a unique constraint already holds (``ON CONFLICT DO NOTHING``; then nothing is returned)."""
    if not rows:
        return []
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    pk = meta.pk
    assert pk is not None
    prepared = [i for i, f in enumerate(fields) if _needs_preparing(f)]
    params_limit = connection.features.max_query_params or 65535
    per_statement = max(1, min(MAX_ROWS, params_limit // len(columns)))
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(str(f.column)) for f in fields)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    returning = returning and not ignore_conflicts
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    tail += f" RETURNING {quote(str(pk.column))}" if returning else ""
    ids: list[int] = []
    run_prepared = getattr(connection, "run_prepared", None)
    if len(rows) == 1 and run_prepared is not None:
        # one row: prepared on the server (PostgreSQL gives each parameter its column's type; in a VALUES list
        # of several rows it would type a column of NULLs as text)
        found = run_prepared(head + one + tail, _values(rows[0], prepared, fields), fetch=returning)
        return [int(row[0]) for row in found]
    with connection.cursor() as cursor:
        for at in range(0, len(rows), per_statement):
            part = rows[at : at + per_statement]
            params: list[Any] = []
            for row in part:
                params.extend(_values(row, prepared, fields))
            cursor.execute(head + ", ".join([one] * len(part)) + tail, params)
            if returning:
                ids.extend(int(found[0]) for found in cursor.fetchall())
    return ids


def _values(row: Sequence[Any], prepared: list[int], fields: list[Any]) -> list[Any]:
    """A row's values as the database stores them: the columns in ``prepared`` through their fields."""
    values = list(row)
    for i in prepared:
        values[i] = fields[i].get_db_prep_save(values[i], connection)
    return values


def _needs_preparing(field: Any) -> bool:
    """Dates, times, JSON, decimals and the project's own fields (encrypted ones) go through the field."""
    own = not type(field).__module__.startswith("django.")
    return own or isinstance(field, models.JSONField | models.DateField | models.DecimalField)


def _copy_preparers(fields: Sequence[Any]) -> list[tuple[int, Callable[[Any], Any]]]:
    """How COPY takes each column that needs preparing: JSON as its text (the server parses it; psycopg's
    JSON wrapper costs several times more a row), anything else through its field. A date, time or decimal
    given again (a run's one timestamp, its day) is prepared once."""

    def as_json(field: Any) -> Callable[[Any], Any]:
        return lambda value: None if value is None else json.dumps(value, cls=field.encoder)

    def by_field(field: Any) -> Callable[[Any], Any]:
        return lambda value: field.get_db_prep_save(value, connection)

    def once(prepare: Callable[[Any], Any]) -> Callable[[Any], Any]:
        last: list[Any] = [_NOTHING, None]  # the value last given, and what it became

        def prepared(value: Any) -> Any:
            if value is not last[0]:
                last[0], last[1] = value, prepare(value)
            return last[1]

        return prepared

    def preparer(field: Any) -> Callable[[Any], Any]:
        if type(field) is models.JSONField:
            return as_json(field)  # a dict may be changed between rows: each one read
        if isinstance(field, models.DateField | models.DecimalField) and type(field).__module__.startswith("django."):
            return once(by_field(field))  # values that cannot change
        return by_field(field)  # an encrypted field: each value sealed anew (the same text never sealed alike)

    return [(i, preparer(f)) for i, f in enumerate(fields) if _needs_preparing(f)]


_NOTHING = object()
COPY_IGNORING_FROM = 1000  # rows: fewer are inserted by statements, conflicts skipped by ON CONFLICT


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: bool = True,
    ignore_conflicts: bool = False,
) -> list[int]:
    """``insert_rows``, by COPY on PostgreSQL: the ids are drawn from the table's sequence in one query (in
    increasing order, as the rows are given) and written with the rows, so thousands of rows cost two
    statements and no SQL text grows with them. ``ignore_conflicts`` (nothing returned): the rows are
    copied into a temporary table of the same columns, dropped at commit, and moved from it by one
    ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` (below ``COPY_IGNORING_FROM`` rows, one notice say,
    ``insert_rows``: a temporary table costs more than it saves). Elsewhere ``insert_rows``."""
    if connection.vendor != "postgresql" or not rows or (ignore_conflicts and len(rows) < COPY_IGNORING_FROM):
        return insert_rows(model, columns, rows, returning=returning, ignore_conflicts=ignore_conflicts)
    if ignore_conflicts:
        _copy_ignoring_conflicts(model, columns, rows)
        return []
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    pk = meta.pk
    assert pk is not None
    prepared = _copy_preparers(fields)
    quote = connection.ops.quote_name
    names = [str(f.column) for f in fields]
    ids: list[int] = []
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
                [meta.db_table, pk.column, len(rows)],
            )
            ids = [int(found[0]) for found in cursor.fetchall()]
            names.insert(0, str(pk.column))
        sql = f"COPY {quote(meta.db_table)} ({', '.join(quote(name) for name in names)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for at, row in enumerate(rows):
                values = list(row)
                for i, prepare in prepared:
                    values[i] = prepare(values[i])
                copy.write_row([ids[at], *values] if returning else values)
    return ids


def _copy_ignoring_conflicts(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[name] for name in columns]
    prepared = _copy_preparers(fields)
    quote = connection.ops.quote_name
    names = ", ".join(quote(str(f.column)) for f in fields)
    # one temporary table per table and set of columns (a short name whatever the table's)
    staging = quote(f"socsec_copy_{zlib.crc32(f'{meta.db_table}:{names}'.encode()):08x}")
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # the columns' types, no constraint: made once in the transaction, emptied after each use
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
            f"SELECT {names} FROM {quote(meta.db_table)} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {staging} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = list(row)
                for i, prepare in prepared:
                    values[i] = prepare(values[i])
                copy.write_row(values)
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT {names} FROM {staging} ON CONFLICT DO NOTHING"
        )
        cursor.execute(f"TRUNCATE {staging}")
