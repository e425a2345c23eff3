"""On PostgreSQL, ``socsec backup`` dumps one exported snapshot with ``pg_dump`` and copies the files that
snapshot names; ``socsec restore`` loads it into a new database: verify is clean and the month assesses as
on the original. Runs in the PostgreSQL pass of the suite, on two databases of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.contributions.test_ingest_killed import LAST_MONTH, totals

URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="PostgreSQL only (DATABASE_URL)")


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    import psycopg

    server = urlparse(URL)._replace(path="/postgres").geturl()
    names = [f"socsec_backup_{uuid.uuid4().hex[:8]}_{n}" for n in ("a", "b")]
    with psycopg.connect(server, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(urlparse(URL)._replace(path=f"/{name}").geturl() for name in names)  # type: ignore[misc]
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def socsec(url: str, var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOCSEC_FAULT"} | {
        "DATABASE_URL": url,
        "SOCSEC_VAR_DIR": str(var),
    }
    return subprocess.run(
        [sys.executable, "-m", "socsec.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_a_postgresql_backup_restores_into_a_new_database(db, tmp_path, databases):  # db: the PostgreSQL pass
    original, fresh = databases
    var, restored, backup = tmp_path / "var", tmp_path / "restored", tmp_path / "backup"
    assert socsec(original, var, "demo", "--no-serve", "--workers", "40").returncode == 0
    made = socsec(original, var, "backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert made.stdout == f"backup {backup}: postgresql database and 7 data file(s)\n"
    assert (backup / "socsec.pgdump").is_file()
    done = socsec(fresh, restored, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    checked = socsec(fresh, restored, "verify")
    assert (checked.returncode, checked.stdout) == (0, "7 stored file(s) checked, 0 missing or damaged\n")
    assert totals(socsec(fresh, restored, "assess", "--month", LAST_MONTH).stdout) == totals(
        socsec(original, var, "assess", "--month", LAST_MONTH).stdout
    )
    again = socsec(fresh, restored, "restore", str(backup))
    assert (again.returncode, again.stderr) == (
        2,
        "error: the database is not empty; restore into a new one, or pass --replace\n",
    )
