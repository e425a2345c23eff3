"""Stored files against their manifests: ``socsec verify`` names every absent or damaged file; a command
that would read one stops with one line naming it (nothing half done); ``socsec sweep`` removes what no
manifest names once it is old enough; SQLite readers go on while a batch job writes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.contributions.test_ingest_killed import LAST_MONTH, query

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")


def socsec(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SOCSEC_FAULT")}
    return subprocess.run(
        [sys.executable, "-m", "socsec.cli", *args],
        capture_output=True,
        text=True,
        env=env | {"SOCSEC_VAR_DIR": str(var)},
        timeout=300,
    )


def order_file(var: Path, platform: str) -> tuple[int, Path]:
    (batch_id, path), *_ = query(
        var,
        "SELECT b.id, json_extract(b.files, '$[0].path') FROM contributions_orderbatch b"
        " JOIN registry_organisation o ON o.id = b.platform_id WHERE o.code = ? AND b.status = 'ACCEPTED'",
        platform,
    )
    return batch_id, var / "data" / path


def test_verify_finds_a_damaged_and_a_missing_file_and_readers_stop_with_their_path(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")
    clean = socsec(var, "verify")
    assert (clean.returncode, clean.stdout) == (0, "7 stored file(s) checked, 0 missing or damaged\n")
    batch_id, damaged = order_file(var, "swiftride")
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0xFF  # one byte, in a column the assessment may never read
    damaged.write_bytes(bytes(content))
    other_id, lost = order_file(var, "feastgo")
    lost.unlink()
    found = socsec(var, "verify")
    assert found.returncode == 1
    assert found.stdout.splitlines() == sorted(
        [f"damaged: {damaged} (order batch {batch_id})", f"missing: {lost} (order batch {other_id})"],
        key=lambda line: line.split(": ")[1],
    ) + ["7 stored file(s) checked, 2 missing or damaged"]

    orders = tmp_path / "orders.csv"
    orders.write_text(
        "order_id,resident_id,region,sector,order_date\nz1,110101199001011237,440300,RIDE_HAILING,2026-01-01\n"
    )
    sent = socsec(var, "ingest", "orders", str(orders), "--platform", "swiftride")
    assert (sent.returncode, sent.stdout) == (2, "")
    relative = damaged.relative_to(var / "data")
    assert sent.stderr == (
        f"error: the stored file(s) of batch(es) {batch_id} are missing or damaged; withdraw those batches and send"
        f" them again: {relative} (checksum differs)\n"
    )
    assert query(var, "SELECT status FROM contributions_orderbatch ORDER BY id DESC LIMIT 1") == [("FAILED",)]


def test_sweep_removes_only_old_files_no_manifest_names(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")
    data = var / "data"
    named = sorted(p for p in data.rglob("*") if p.is_file())
    old = time.time() - 7200
    leftovers = [
        data / "orders" / f"month={LAST_MONTH}" / "platform=swiftride" / "batch-000000099-0123456789ab.parquet",
        data / "corrections" / f"month={LAST_MONTH}" / "platform=swiftride" / "batch-000000001-0123456789ab.parquet",
        data / "assessments" / f"month={LAST_MONTH}" / "run=0002" / "lines.parquet",
        data / "assessments" / f"month={LAST_MONTH}" / "run=0002" / "lines.by-person.parquet",
        data / "payments" / f"month={LAST_MONTH}" / ".bank-instructions-002.csv.k2j3h4.tmp",
        data / "payments" / f"month={LAST_MONTH}" / "bank-instructions-002.csv",
    ]
    fresh = data / "orders" / f"month={LAST_MONTH}" / "platform=feastgo" / "batch-000000098-0123456789ab.parquet"
    other = data / "exports" / "something.csv"  # not a kind of file the sweep knows: left alone
    for path in [*leftovers, fresh, other]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half")
    for path in [*leftovers, other, *named]:
        os.utime(path, (old, old))
    swept = socsec(var, "sweep")
    assert swept.returncode == 0, swept.stderr
    assert swept.stdout.splitlines() == [f"removed {p}" for p in sorted(leftovers)] + [
        "6 file(s) no manifest names removed"
    ]
    assert sorted(p for p in data.rglob("*") if p.is_file()) == sorted([*named, fresh, other])
    assert socsec(var, "verify").returncode == 0


def test_sqlite_readers_go_on_while_a_batch_job_holds_a_write_transaction(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")
    with closing(sqlite3.connect(var / "socsec.sqlite3", isolation_level=None)) as writer:
        assert writer.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # set by every connection
        writer.execute("BEGIN IMMEDIATE")  # as a payment run or an ingestion holds it
        writer.execute("UPDATE contributions_orderbatch SET rows_total = rows_total + 1")
        started = time.monotonic()
        read = socsec(var, "verify")
        took = time.monotonic() - started
        writer.execute("ROLLBACK")
    assert (read.returncode, read.stdout) == (0, "7 stored file(s) checked, 0 missing or damaged\n")
    assert took < 15  # not waiting out the busy timeout (20 s)


READER = """
import sys, time
import django
django.setup()
from django.test import Client
platform = Client(headers={"Authorization": f"Bearer {sys.argv[1]}"})
started = time.monotonic()
claims = platform.get("/api/claims")
person = platform.get(f"/api/persons/{sys.argv[2]}")
print(claims.status_code, person.status_code, person.json()["id"], time.monotonic() - started < 15)
"""


def test_api_readers_go_on_while_a_batch_job_holds_the_write_lock_and_their_reads_are_logged_later(tmp_path, demo_var):
    """The read path writes nothing it cannot put off: a token's first use and the log of the personal data
    read wait for no batch job; the log's rows are kept in a file and loaded once the lock is free."""
    var = demo_var.copy_to(tmp_path / "var")
    issued = socsec(var, "token", "issue", "swiftride", "--name", "reader", "--scope", "read")
    key = issued.stdout.split("key (shown once): ")[1].strip()
    ((person_id,),) = query(
        var,
        "SELECT e.person_id FROM registry_engagement e JOIN registry_organisation o ON o.id = e.organisation_id"
        " WHERE o.code = ? ORDER BY e.id LIMIT 1",
        "swiftride",
    )
    before = query(var, "SELECT count(*) FROM audit_personaldataaccess")[0][0]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SOCSEC_FAULT")}
    env |= {"SOCSEC_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "tests.settings"}
    with closing(sqlite3.connect(var / "socsec.sqlite3", isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # as a payment run or an ingestion holds it
        writer.execute("UPDATE contributions_orderbatch SET rows_total = rows_total + 1")
        read = subprocess.run(
            [sys.executable, "-c", READER, key, str(person_id)], capture_output=True, text=True, env=env, timeout=120
        )
        writer.execute("ROLLBACK")
    assert (read.returncode, read.stdout) == (0, f"200 200 {person_id} True\n"), read.stderr
    spooled = sorted((var / "spool" / "reads").glob("*.jsonl"))
    assert len(spooled) == 2 and query(var, "SELECT count(*) FROM audit_personaldataaccess")[0][0] == before
    assert {oct(p.stat().st_mode & 0o777) for p in spooled} == {"0o600"}
    swept = socsec(var, "sweep")
    assert swept.returncode == 0 and swept.stdout.splitlines()[0].endswith("loaded")
    newest = "SELECT person_id, what FROM audit_personaldataaccess ORDER BY id DESC LIMIT 1"
    assert query(var, newest) == [(person_id, "person")]
    assert list((var / "spool" / "reads").iterdir()) == []
