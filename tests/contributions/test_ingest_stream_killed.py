"""A streamed ingestion killed (SIGKILL) with some chunks written and others not read yet leaves nothing
that counts; sent again, it completes as one that was never interrupted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contributions.test_ingest_killed import DAY, MONTH, batch_states, query, run, totals
from tests.storage.workers import platform_workers

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")


def test_an_ingestion_killed_between_chunks_counts_nothing_and_its_resend_completes(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")
    workers = platform_workers(var)
    orders = tmp_path / "orders.csv"
    lines = ["order_id,resident_id,region,sector,order_date"]
    lines += [
        f"k{i},{workers[i % len(workers)][0]},{workers[i % len(workers)][1]},RIDE_HAILING,{DAY}" for i in range(50)
    ]
    orders.write_text("\n".join(lines) + "\n")
    clean = tmp_path / "clean"
    shutil.copytree(var, clean)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {
        "SOCSEC_VAR_DIR": str(var),
        "SOCSEC_ORDERS_CHUNK_ROWS": "10",
        "SOCSEC_FAULT": "orders.chunk",
    }
    killed = subprocess.run(
        [sys.executable, "-m", "socsec.cli", "ingest", "orders", str(orders), "--platform", "swiftride"],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert killed.returncode == -9
    assert batch_states(var) == ["WRITING"]
    assert "total 0.00 yuan" in run(var, "assess", "--month", MONTH).stdout  # nothing of it counts
    index = list((var / "data" / "order_index").rglob("*.index")) if (var / "data" / "order_index").exists() else []
    assert all("swiftride" not in str(p) or f"month={MONTH}" not in str(p) for p in index)  # no index of it

    again = run(var, "ingest", "orders", str(orders), "--platform", "swiftride").stdout
    assert "accepted; rows 50, valid 50" in again
    assert batch_states(var) == ["ACCEPTED"]
    run(clean, "ingest", "orders", str(orders), "--platform", "swiftride")
    assert totals(run(var, "assess", "--month", MONTH).stdout) == totals(run(clean, "assess", "--month", MONTH).stdout)
    listed = [f for (files,) in query(var, "SELECT files FROM contributions_orderbatch") for f in json.loads(files)]
    assert all((var / "data" / Path(f["path"])).is_file() for f in listed)
