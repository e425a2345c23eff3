"""An ingestion or a bank-statement import killed in the middle (a real process, SIGKILL) leaves nothing
that counts, and the re-run gives the same result as one that was never interrupted."""

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
from django.conf import settings

# These run the `socsec` command in subprocesses on their own SQLite files, whatever DATABASE_URL says;
# the PostgreSQL pass of the suite would repeat them unchanged.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")

SOCSEC = [sys.executable, "-m", "socsec.cli"]
DAY = dt.date.today()  # this month: the demo's own orders are last month's
MONTH = f"{DAY.year:04d}-{DAY.month:02d}"
LAST_MONTH = f"{DAY.replace(day=1) - dt.timedelta(days=1):%Y-%m}"


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


def test_killed_ingestion_then_rerun_equals_a_clean_ingestion(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")  # the demo pilot
    workers = query(
        var,
        "SELECT p.resident_id, r.code FROM registry_engagement e JOIN registry_person p ON p.id = e.person_id"
        " JOIN registry_organisation o ON o.id = e.organisation_id JOIN registry_region r ON r.id = e.work_region_id"
        " WHERE o.code = 'swiftride' AND e.start_date <= ? AND (e.end_date IS NULL OR e.end_date >= ?)",
        DAY.isoformat(),
        DAY.isoformat(),
    )
    assert workers
    ring = settings.SOCSEC_FIELD_KEYS  # the commands run with the same (development) keys
    workers = [(ring.decrypt(rid, context="registry.person.resident_id"), region) for rid, region in workers]
    orders = tmp_path / "orders.csv"
    with open(orders, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "resident_id", "region", "sector", "order_date"])
        for i in range(150_000):
            rid, region = workers[i % len(workers)]
            writer.writerow([f"o{i}", rid, region, "RIDE_HAILING", DAY.isoformat()])
    clean = tmp_path / "clean"
    shutil.copytree(var, clean)

    # killed (SIGKILL) with the first of the file's three chunks written and the others not read yet
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SOCSEC_VAR_DIR": str(var), "SOCSEC_FAULT": "orders.chunk", "SOCSEC_ORDERS_CHUNK_ROWS": "50000"}
    killed = subprocess.run(
        [*SOCSEC, "ingest", "orders", str(orders), "--platform", "swiftride"], env=env, capture_output=True, timeout=300
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    assert batch_states(var) == ["WRITING"]
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


def writing(var: Path) -> bool:
    """Whether a process holds the database's write lock now: SQLite runs one write transaction at a time
    (Django begins them IMMEDIATE), so while another process's transaction is open this one cannot begin."""
    with closing(sqlite3.connect(var / "socsec.sqlite3", timeout=0, isolation_level=None)) as conn:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # database is locked
            return True
        conn.execute("ROLLBACK")
        return False


def killed_at(point: str, command: list[str], env: dict[str, str]) -> bool:
    """Run ``command`` until it stops at the fault ``point`` (SIGSTOP), then kill it (SIGKILL, as a power cut
    would). Returns whether it held the database's write lock when killed: inside its transaction."""
    proc = subprocess.Popen(command, env=env | {"SOCSEC_FAULT": f"{point}:stop"}, stdout=subprocess.DEVNULL)
    stat = Path(f"/proc/{proc.pid}/stat")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and stat.read_text().split(") ")[1][0] != "T":
        time.sleep(0.01)
    assert proc.poll() is None, f"{' '.join(command)} ended before {point}"
    held = writing(Path(env["SOCSEC_VAR_DIR"]))
    proc.kill()
    assert proc.wait(timeout=60) == -signal.SIGKILL
    return held


def row_counts(var: Path) -> dict[str, int]:
    tables = [
        r[0] for r in query(var, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    ]
    return {t: query(var, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}


def money(var: Path) -> dict[str, list[tuple]]:
    """Payments, allocations and the ledger, by what they are (not by row id)."""
    return {
        "payments": query(
            var,
            "SELECT o.code, p.reference, p.amount_cents, p.received_on, p.source FROM contributions_payment p"
            " JOIN registry_organisation o ON o.id = p.platform_id ORDER BY o.code, p.reference",
        ),
        "allocations": query(
            var,
            "SELECT p.reference, a.invoice_id, a.amount_cents FROM contributions_paymentallocation a"
            " JOIN contributions_payment p ON p.id = a.payment_id ORDER BY p.reference, a.invoice_id",
        ),
        "balances": query(
            var,
            "SELECT c.code, sum(e.amount_cents) FROM ledger_ledgerentry e JOIN ledger_account c ON c.id = e.account_id"
            " GROUP BY c.code ORDER BY c.code",
        ),
        "transactions": query(
            var,
            "SELECT t.description, t.booked_on, count(*), sum(abs(e.amount_cents)) FROM ledger_ledgertransaction t"
            " JOIN ledger_ledgerentry e ON e.transaction_id = t.id GROUP BY t.id ORDER BY t.description, t.booked_on",
        ),
    }


def test_killed_payment_import_leaves_nothing_and_the_rerun_equals_an_uninterrupted_one(tmp_path, demo_var):
    var = demo_var.copy_to(tmp_path / "var")  # the demo pilot
    assert "nothing new to invoice" in run(var, "assess", "--month", LAST_MONTH).stdout  # the demo invoiced it
    statement = tmp_path / "statement.csv"
    platforms = ["swiftride", "feastgo", "dashdrop", "cityhaul"]
    rows = 600
    with open(statement, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "amount", "reference", "payer"])
        for i in range(rows):  # the first ones pay invoices off, the later ones stay as credit
            writer.writerow([DAY.isoformat(), f"{i % 37 + 1}.{i % 100:02d}", f"STMT-{i:05d}", platforms[i % 4]])
    total = sum((i % 37 + 1) * 100 + i % 100 for i in range(rows))
    clean = tmp_path / "clean"
    shutil.copytree(var, clean)
    uninterrupted = run(clean, "ingest", "payments", str(statement)).stdout
    recorded = (
        f"{rows} payment(s) in the statement, {rows} new, 0 already recorded; {total // 100:,}.{total % 100:02d} yuan"
    )
    assert recorded in uninterrupted

    before, money_before = row_counts(var), money(var)
    assert before["contributions_invoice"] > 0 and before["contributions_payment"] == 2  # the demo's two
    # killed once the first platform's payments are written, inside the import's transaction
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    assert killed_at("payments.platform_booked", [*SOCSEC, "ingest", "payments", str(statement)], env)
    assert row_counts(var) == before  # no payment, allocation, ledger transaction or audit entry of it
    assert money(var) == money_before

    assert recorded in run(var, "ingest", "payments", str(statement)).stdout
    assert money(var) == money(clean)
    assert row_counts(var) == row_counts(clean)
    after = row_counts(var)
    again = run(var, "ingest", "payments", str(statement)).stdout
    assert f"{rows} payment(s) in the statement, 0 new, {rows} already recorded; 0.00 yuan recorded" in again
    assert row_counts(var) == after
    assert money(var) == money(clean)
