"""Backups: the database and the data files it names, as one consistent pair.

The database is snapshotted first (SQLite: the online backup API; PostgreSQL: ``pg_dump`` of an
exported snapshot), then exactly the files that snapshot's manifests name are copied and checked against
their recorded SHA-256. Stored files never change once a manifest names them (they are written whole
under a name of their own, then named), so what the snapshot names is on disk as it was; a batch accepted
after the snapshot is not in the backup's database, and its files are not copied. ``MANIFEST.json`` lists
every file of the backup with its SHA-256; a restore checks them all before it writes anything."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from glob import glob
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from socsec.core.errors import DomainError, ErrorCode
from socsec.core.stored import file_sha256

from .named import NamedFile, named_files, named_files_sqlite

MANIFEST = "MANIFEST.json"
SQLITE_FILE = "socsec.sqlite3"
PG_FILE = "socsec.pgdump"


class BackupFailed(DomainError):
    status = 500
    code = ErrorCode.FILE_DAMAGED


def _sqlite_path() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise BackupFailed("%(name)s is not on PATH nor in /usr/lib/postgresql/*/bin", params={"name": name})
    return found


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    return env


def backup(target: Path) -> dict[str, Any]:
    """Write a backup into ``target`` (a new or empty folder); returns its manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupFailed("backup folder %(path)s is not empty", params={"path": str(target)})
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)  # personal data: the backup is its operator's alone
    if connection.vendor == "sqlite":
        database = target / SQLITE_FILE
        with closing(sqlite3.connect(_sqlite_path())) as source, closing(sqlite3.connect(database)) as copy:
            source.backup(copy)  # online: a consistent snapshot while others write
            named = named_files_sqlite(copy)
    else:
        database = target / PG_FILE
        with connection.cursor() as cursor:  # the dump and the list of files read one snapshot
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                named = named_files()
                subprocess.run(
                    [_pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={database}"],
                    env=_pg_env(),
                    check=True,
                    capture_output=True,
                )
            except subprocess.CalledProcessError as exc:
                raise BackupFailed(
                    "pg_dump failed: %(reason)s", params={"reason": exc.stderr.decode(errors="replace").strip()}
                ) from None
            finally:
                cursor.execute("ROLLBACK")
    files = [_copy(f, target) for f in named]
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "engine": connection.vendor,
        "database": {"path": database.name, "sha256": file_sha256(database)},
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def _copy(named: NamedFile, target: Path) -> dict[str, Any]:
    source = Path(settings.DATA_DIR) / named.path
    copy = target / "data" / named.path
    copy.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(source, copy)
    except FileNotFoundError:
        raise BackupFailed(
            "stored file %(path)s of %(owner)s is missing; the backup is incomplete",
            params={"path": str(source), "owner": named.owner},
        ) from None
    digest = file_sha256(copy)
    if named.sha256 and digest != named.sha256:
        raise BackupFailed(
            "stored file %(path)s of %(owner)s is damaged: its SHA-256 is not the %(sha256)s recorded",
            params={"path": str(source), "owner": named.owner, "sha256": named.sha256},
        )
    return {"path": named.path, "sha256": digest, "bytes": copy.stat().st_size}


def backup_check(source: Path) -> dict[str, Any]:
    """A backup's manifest, once every file it lists is found with its SHA-256 (``BackupFailed`` else)."""
    try:
        manifest: dict[str, Any] = json.loads((Path(source) / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupFailed(
            "%(path)s is not a backup: no %(name)s", params={"path": str(source), "name": MANIFEST}
        ) from None
    entries = [manifest["database"]] + [{**f, "path": f"data/{f['path']}"} for f in manifest["files"]]
    for entry in entries:
        path = Path(source) / entry["path"]
        digest = file_sha256(path)
        if digest != entry["sha256"]:
            raise BackupFailed(
                "backup file %(path)s is %(problem)s",
                params={"path": str(path), "problem": "missing" if digest is None else "damaged"},
            )
    return manifest


def restore(source: Path, replace: bool = False) -> dict[str, Any]:
    """Restore a backup into this installation's database and data dir, after checking it whole. Refuses
    to write over a database that holds anything unless ``replace``."""
    manifest = backup_check(source)
    if manifest["engine"] != connection.vendor:
        raise BackupFailed(
            "the backup is of a %(engine)s database; this installation uses %(vendor)s",
            params={"engine": manifest["engine"], "vendor": connection.vendor},
        )
    if not replace and _holds_data():
        raise BackupFailed("the database is not empty; restore into a new one, or pass --replace")
    database = Path(source) / manifest["database"]["path"]
    if connection.vendor == "sqlite":
        connection.close()
        with closing(sqlite3.connect(database)) as copy, closing(sqlite3.connect(_sqlite_path())) as live:
            copy.backup(live)
    else:
        connection.close()
        done = subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={settings.DATABASES['default']['NAME']}",
                str(database),
            ],
            env=_pg_env(),
            capture_output=True,
        )
        if done.returncode:
            raise BackupFailed(
                "pg_restore failed: %(reason)s", params={"reason": done.stderr.decode(errors="replace").strip()}
            )
    for f in manifest["files"]:
        _install(Path(source) / "data" / f["path"], Path(settings.DATA_DIR) / f["path"])
    return manifest


def _install(source: Path, path: Path) -> None:
    """Copy a file into the data dir under a temporary name, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.restore.tmp")
    shutil.copyfile(source, tmp)
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _holds_data() -> bool:
    tables = set(connection.introspection.table_names())
    if "contributions_orderbatch" not in tables:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM registry_person) OR EXISTS (SELECT 1 FROM contributions_orderbatch)"
        )
        return bool(cursor.fetchone()[0])
