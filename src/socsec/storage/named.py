"""The files the database's manifests name, each with the SHA-256 recorded for it ('' where the manifest
keeps none: a lines file or bank file of a run made before their checksums were recorded). The
same list is read from the live database (``named_files``) and from a backup's SQLite snapshot
(``named_files_sqlite``), so a backup copies exactly the files its own database names."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# (owner label, SQL) for each table that names files (a withdrawn batch's files no longer count, and are
# swept); every query returns (owner id, JSON or path, sha256)
QUERIES = [
    (
        "order batch",
        "SELECT id, files, '' FROM contributions_orderbatch WHERE status IN ('ACCEPTED', 'REJECTED') ORDER BY id",
    ),
    ("bank file of payment run", "SELECT run_id, path, sha256 FROM benefits_bankfile ORDER BY id"),
    ("payment run", "SELECT id, file_path, '' FROM benefits_paymentrun WHERE file_path <> '' ORDER BY id"),
    ("assessment run", "SELECT id, lines_path, lines_sha256 FROM contributions_assessmentrun ORDER BY id"),
]


@dataclass(frozen=True)
class NamedFile:
    path: str  # relative to the data dir
    sha256: str  # '' where none is recorded
    owner: str  # what names it: "order batch 42"


def _files(rows_by_query: Iterable[tuple[str, list[tuple[Any, ...]]]]) -> list[NamedFile]:
    out: dict[str, NamedFile] = {}
    for label, rows in rows_by_query:
        for owner_id, value, sha256 in rows:
            if label == "order batch":
                entries = json.loads(value) if isinstance(value, str) else value
                for f in entries:
                    out[f["path"]] = NamedFile(f["path"], f["sha256"], f"{label} {owner_id}")
            elif value not in out or sha256:  # a bank file's record wins over its run's bare path
                out[value] = NamedFile(value, sha256, f"{label} {owner_id}")
    return sorted(out.values(), key=lambda f: f.path)


def named_files() -> list[NamedFile]:
    """The files the live database names (Django's connection, in the caller's transaction if any)."""
    from django.db import connection

    results = []
    with connection.cursor() as cursor:
        for label, sql in QUERIES:
            cursor.execute(sql)
            results.append((label, list(cursor.fetchall())))
    return _files(results)


def named_files_sqlite(conn: sqlite3.Connection) -> list[NamedFile]:
    """The files a SQLite database (a backup's snapshot) names."""
    return _files((label, conn.execute(sql).fetchall()) for label, sql in QUERIES)
