"""``socsec backup`` taken while an ingestion runs, restored into a new var dir: the database and the files
it names agree (``socsec verify`` is clean), the batch the backup caught half way is completed by sending
it again, and the month assesses as on the original. A damaged backup is refused before anything is
written."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time

import pytest

from tests.contributions.test_ingest_killed import DAY, MONTH, batch_states, query, totals
from tests.storage.test_files import socsec
from tests.storage.workers import platform_workers

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")


def test_a_backup_taken_while_orders_arrive_restores_a_consistent_pair(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")
    workers = platform_workers(var)
    orders = tmp_path / "orders.csv"
    with open(orders, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "resident_id", "region", "sector", "order_date"])
        for i in range(20_000):
            rid, region = workers[i % len(workers)]
            writer.writerow([f"o{i}", rid, region, "RIDE_HAILING", DAY.isoformat()])
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    counted = subprocess.run(  # on a copy: how many commits an ingestion makes (the last one accepts it)
        [sys.executable, "-m", "tests.faultrun", "ingest", "orders", str(orders), "--platform", "swiftride"],
        env=env
        | {"SOCSEC_VAR_DIR": str(demo_var.copy_to(tmp_path / "count")), "FAULT_COMMIT_COUNT": str(tmp_path / "n")},
        capture_output=True,
    )
    assert counted.returncode == 0
    caught = tmp_path / "caught"  # the ingestion waits before its last commit while this file exists
    ingest = subprocess.Popen(
        [sys.executable, "-m", "tests.faultrun", "ingest", "orders", str(orders), "--platform", "swiftride"],
        env=env
        | {
            "SOCSEC_VAR_DIR": str(var),
            "FAULT_COMMIT": f"pause:{(tmp_path / 'n').read_text()}",
            "FAULT_PAUSE": str(caught),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and ingest.poll() is None and not caught.exists():
        time.sleep(0.02)
    assert batch_states(var) == ["WRITING"]  # its files written, not yet named by its manifest
    backup = tmp_path / "backup"
    made = socsec(var, "backup", str(backup))
    caught.unlink()  # the ingestion goes on
    assert made.returncode == 0, made.stderr
    out, err = ingest.communicate(timeout=300)
    assert "accepted; rows 20000, valid 20000" in out, err
    assert made.stdout.startswith(f"backup {backup}: sqlite database and ")
    assert backup.stat().st_mode & 0o777 == 0o700

    restored = tmp_path / "restored"
    done = socsec(restored, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    checked = socsec(restored, "verify")
    assert checked.returncode == 0, checked.stdout
    assert batch_states(restored) == ["WRITING"]  # as the snapshot caught it: no files named, none copied
    assert not list((backup / "data" / "orders" / f"month={MONTH}").rglob("batch-*"))
    again = socsec(restored, "ingest", "orders", str(orders), "--platform", "swiftride")
    assert again.returncode == 0, again.stderr
    assert batch_states(restored) == ["ACCEPTED"]
    assert totals(socsec(restored, "assess", "--month", MONTH).stdout) == totals(
        socsec(var, "assess", "--month", MONTH).stdout
    )
    assert socsec(restored, "verify").returncode == 0

    refused = socsec(restored, "restore", str(backup))
    assert (refused.returncode, refused.stderr) == (
        2,
        "error: the database is not empty; restore into a new one, or pass --replace\n",
    )


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")
    backup = tmp_path / "backup"
    assert socsec(var, "backup", str(backup)).returncode == 0
    (first, *_) = sorted((backup / "data").rglob("*.parquet"))
    content = bytearray(first.read_bytes())
    content[100] ^= 0xFF
    first.write_bytes(bytes(content))
    fresh = tmp_path / "fresh"
    refused = socsec(fresh, "restore", str(backup))
    assert (refused.returncode, refused.stderr) == (2, f"error: backup file {first} is damaged\n")
    assert not (fresh / "data").exists() or not any(p.is_file() for p in (fresh / "data").rglob("*"))
    assert query(fresh, "SELECT count(*) FROM sqlite_master WHERE type = 'table'") == [(0,)]
    assert socsec(var, "backup", str(backup)).stderr == f"error: backup folder {backup} is not empty\n"
