"""An ingestion killed in the middle (a real process, SIGKILL) leaves nothing that counts, and the
re-run gives the same result as an ingestion that was never interrupted."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

# These run the `socsec` command in subprocesses on their own SQLite files, whatever DATABASE_URL says;
# the PostgreSQL pass of the suite would repeat them unchanged.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")

SOCSEC = [sys.executable, "-m", "socsec.cli"]
DAY = dt.date.today()  # this month: the demo's own orders are last month's
MONTH = f"{DAY.year:04d}-{DAY.month:02d}"


def run(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    return subprocess.run([*SOCSEC, *args], capture_output=True, text=True, env=env, check=True, timeout=300)


def query(var: Path, sql: str, *args: str) -> list[tuple]:
    with closing(sqlite3.connect(var / "socsec.sqlite3")) as conn:
        return conn.execute(sql, args).fetchall()


def batch_states(var: Path) -> list[str]:
    """States of the batches ingested from the command line (the demo's own batches left out)."""
    sql = "SELECT status FROM contributions_orderbatch WHERE source LIKE 'cli:%' ORDER BY id"
    return [r[0] for r in query(var, sql)]


def totals(output: str) -> list[str]:
    return [line for line in output.splitlines() if not line.startswith(("...", "total"))] + [
        line.split(";")[0] for line in output.splitlines() if line.startswith("total")
    ]


def test_killed_ingestion_then_rerun_equals_a_clean_ingestion(tmp_path):
    var = tmp_path / "var"
    run(var, "demo", "--no-serve", "--workers", "300")
    workers = query(
        var,
        "SELECT p.resident_id, r.code FROM registry_engagement e JOIN registry_person p ON p.id = e.person_id"
        " JOIN registry_organisation o ON o.id = e.organisation_id JOIN registry_region r ON r.id = e.work_region_id"
        " WHERE o.code = 'swiftride' AND e.start_date <= ? AND (e.end_date IS NULL OR e.end_date >= ?)",
        DAY.isoformat(),
        DAY.isoformat(),
    )
    assert workers
    orders = tmp_path / "orders.csv"
    with open(orders, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "resident_id", "region", "sector", "order_date"])
        for i in range(150_000):
            rid, region = workers[i % len(workers)]
            writer.writerow([f"o{i}", rid, region, "RIDE_HAILING", DAY.isoformat()])
    clean = tmp_path / "clean"
    shutil.copytree(var, clean)

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    proc = subprocess.Popen(
        [*SOCSEC, "ingest", "orders", str(orders), "--platform", "swiftride"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and "WRITING" not in batch_states(var):
        time.sleep(0.02)
    killed_while_writing = proc.poll() is None and batch_states(var) == ["WRITING"]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert killed_while_writing, "the ingestion finished before it could be killed; make the file larger"
    assert "total 0.00 yuan" in run(var, "assess", "--month", MONTH).stdout  # nothing of it counts

    rerun = run(var, "ingest", "orders", str(orders), "--platform", "swiftride").stdout
    assert "accepted; rows 150000, valid 150000" in rerun
    assert batch_states(var) == ["ACCEPTED"]
    run(clean, "ingest", "orders", str(orders), "--platform", "swiftride")
    after_kill, uninterrupted = (
        run(var, "assess", "--month", MONTH).stdout,
        run(clean, "assess", "--month", MONTH).stdout,
    )
    assert totals(after_kill) == totals(uninterrupted)
    assert "total 0.00" not in after_kill
    listed = [
        f["path"] for (files,) in query(var, "SELECT files FROM contributions_orderbatch") for f in json.loads(files)
    ]
    assert listed and all((var / "data" / path).is_file() and path.endswith(".parquet") for path in listed)
