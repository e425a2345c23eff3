"""A set of integer keys (persons, engagements) as a temporary table of the connection, so that a query
joins it instead of binding one variable per key: SQLite refuses more than 250,000 bound variables, and
any database plans a join over a table better than a list of millions of literals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import numpy as np
from django.db import DatabaseError, connection

# Rows sent per statement or COPY chunk: bounds the Python objects alive at once, whatever the key count.
CHUNK = 50_000
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@contextmanager
def key_table(name: str, keys: np.ndarray) -> Iterator[str]:
    """A temporary table ``name`` with one column ``id`` (BIGINT, primary key) holding the distinct
    ``keys``; yields its name for the query to join, and drops it after. One bulk insert per ``CHUNK`` keys
    (one COPY on PostgreSQL). Temporary tables are the connection's own,
    so concurrent runs on other connections never see each other's keys."""
    if not _NAME.match(name):
        raise ValueError(f"not a table name: {name!r}")
    values = np.unique(np.asarray(keys, dtype=np.int64))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} (id BIGINT PRIMARY KEY)")
        try:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {name} (id) FROM STDIN") as copy:
                    for start in range(0, values.size, CHUNK):
                        copy.write("".join(f"{v}\n" for v in values[start : start + CHUNK].tolist()))
            else:
                for start in range(0, values.size, CHUNK):
                    rows = [(v,) for v in values[start : start + CHUNK].tolist()]
                    cursor.executemany(f"INSERT INTO {name} (id) VALUES (%s)", rows)
            yield name
        finally:
            with suppress(DatabaseError):  # a failed transaction on PostgreSQL: its rollback drops the table
                cursor.execute(f"DROP TABLE IF EXISTS {name}")
