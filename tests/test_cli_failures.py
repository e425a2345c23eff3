"""A failure of the database, the disk or a file is one line on stderr and exit code 2, never a
traceback: a database file that is not one, PostgreSQL not answering, a full disk or read-only data
directory under an ingestion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contributions.test_ingest_killed import DAY, query, row_counts
from tests.storage.workers import platform_workers

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="subprocesses with their own database")


def socsec(var: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SOCSEC_FAULT")}
    return subprocess.run(
        [sys.executable, "-m", "socsec.cli", *args],
        capture_output=True,
        text=True,
        env=base | {"SOCSEC_VAR_DIR": str(var)} | env,
        timeout=120,
    )


def test_a_damaged_database_file_is_one_line(tmp_path):
    (tmp_path / "socsec.sqlite3").write_bytes(b"\x13" * 5000)
    for args in (["pay", "--month", "2020-01"], ["verify"]):
        done = socsec(tmp_path, *args)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", "error: database: file is not a database\n")


def test_a_database_server_that_does_not_answer_is_one_line(tmp_path):
    done = socsec(tmp_path, "assess", "--month", "2020-01", DATABASE_URL="postgresql://socsec@127.0.0.1:1/socsec")
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith('error: database: connection failed: connection to server at "127.0.0.1", port 1 failed')


@pytest.mark.parametrize(
    ("fault", "reason"), [("enospc", "No space left on device"), ("erofs", "Read-only file system")]
)
def test_a_full_or_read_only_disk_under_an_ingestion_is_one_line_and_counts_nothing(tmp_path, demo_var, fault, reason):
    var = demo_var.copy_to(tmp_path / "var")
    rid, region = platform_workers(var)[0]
    orders = tmp_path / "orders.csv"
    orders.write_text(f"order_id,resident_id,region,sector,order_date\nx1,{rid},{region},RIDE_HAILING,{DAY}\n")
    before = row_counts(var)
    done = socsec(var, "ingest", "orders", str(orders), "--platform", "swiftride", SOCSEC_FAULT=f"file.write:{fault}")
    assert (done.returncode, done.stdout) == (2, "")
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"error: {reason} ({var / 'data' / 'orders'}/month=")
    after = row_counts(var)  # only the batch's manifest, left WRITING (a retry redoes it), and its audit entry
    assert after == before | {
        "contributions_orderbatch": before["contributions_orderbatch"] + 1,
        "audit_auditentry": before["audit_auditentry"] + 1,
    }
    assert query(var, "SELECT status FROM contributions_orderbatch ORDER BY id DESC LIMIT 1") == [("WRITING",)]
    again = socsec(var, "ingest", "orders", str(orders), "--platform", "swiftride")  # the disk is back
    assert again.stdout.startswith(f"batch {before['contributions_orderbatch'] + 1}: accepted; rows 1, valid 1")
