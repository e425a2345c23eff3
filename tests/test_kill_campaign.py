"""The kill campaign: each long command (ingest of an order file, assessment, payment run, bank statement
import, interest crediting) is killed (SIGKILL) at several points - before its first and its last commit,
right after its last commit, with a file half written - or meets a full disk, then run again; the result
is the same as one uninterrupted run: every row that counts, and every stored file byte for byte, bank
files included."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from socsec.storage.named import named_files_sqlite
from tests.benefits.test_pay_killed import AWARDS
from tests.contributions.test_ingest_killed import DAY, LAST_MONTH, run
from tests.storage.workers import platform_workers

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")

FAULTRUN = [sys.executable, "-m", "tests.faultrun"]
SKIPPED_TABLES = ("audit_", "django_", "accounts_", "auth", "sqlite_")  # when and who, not what
ATTEMPT = re.compile(r"-[0-9a-f]{12}(?=\.parquet|-\w+\.index)")  # in a data file's name and its index's
TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[.\d+:Z]*")  # a moment, not a day


def state(var: Path) -> dict[str, object]:
    """What counts: every domain table's rows (times left out: they tell when, not what) and the bytes
    of every file a manifest names (an attempt's own name left out)."""
    out: dict[str, object] = {}
    with closing(sqlite3.connect(var / "socsec.sqlite3")) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            if table.startswith(SKIPPED_TABLES):
                continue
            rows = [
                tuple(TIME.sub("", ATTEMPT.sub("", str(value))) for value in row)
                for row in conn.execute(f'SELECT * FROM "{table}"')
            ]
            out[table] = sorted(rows)
        files = named_files_sqlite(conn)
    out["files"] = {
        ATTEMPT.sub("", f.path): hashlib.sha256((var / "data" / f.path).read_bytes()).hexdigest() for f in files
    }
    return out


def faulted(var: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SOCSEC_FAULT")}
    return subprocess.run(
        [*FAULTRUN, *args], capture_output=True, text=True, timeout=300, env=full | {"SOCSEC_VAR_DIR": str(var)} | env
    )


@pytest.fixture(scope="module")
def base(demo_var, tmp_path_factory) -> Path:
    """The demo pilot, with ten pensions awarded from 2024 (back pay to run) and an order file and a
    bank statement to send."""
    root = tmp_path_factory.mktemp("campaign")
    var = demo_var.copy_to(root / "var")
    run(var, "manage", "shell", "-c", AWARDS.replace("[:60]", "[:10]").replace("2018, 1, 1", "2024, 1, 1"))
    run(var, "manage", "shell", "-c", OWN_2024)
    workers = platform_workers(var)
    day = f"{LAST_MONTH}-15"
    with open(root / "orders.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "resident_id", "region", "sector", "order_date"])
        for i in range(3000):
            rid, region = workers[i % len(workers)]
            writer.writerow([f"late{i}", rid, region, "RIDE_HAILING", day])
    with open(root / "statement.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["date", "amount", "reference", "payer"])
        for i in range(40):
            writer.writerow([DAY.isoformat(), f"{i + 1}.00", f"STMT-{i:05d}", ["swiftride", "feastgo"][i % 2]])
    return var


OWN_2024 = """
from socsec.contributions.models import OwnContribution
from socsec.contributions.own.amounts import OwnAmounts, own_contribution_post
from socsec.ledger.accounts import BANK_COLLECTION
from socsec.registry.models import Person
import datetime as dt
for i, p in enumerate(Person.objects.order_by("id")[:30]):
    for m in (3, 9):
        account = 40000 + i
        amounts = OwnAmounts(100000, 0, account, 100000 - account, "", 0, {"note": "kill test"})
        record = OwnContribution.objects.create(
            person=p, scheme="EMPLOYEE_PENSION", region=p.residence_region, period_start=dt.date(2024, m, 1),
            months=1, declared_base_cents=500000, paid_cents=100000, individual_account_cents=account,
            pooled_cents=100000 - account, explanation={"note": "kill test"}, paid_on=dt.date(2024, m, 1))
        province = p.residence_region.code[:2] + "0000"
        own_contribution_post(record, amounts, province, BANK_COLLECTION, dt.date(2024, m, 1))
"""

# command, what it needs run first, the faults to inject: (environment, expected exit code)
KILLED = -signal.SIGKILL
COMMANDS = {
    "ingest": (
        (),
        [({"SOCSEC_FAULT": "file.before_rename"}, KILLED), ("before:first", KILLED), ("after:last", KILLED)],
    ),
    "assess": (
        ("ingest",),
        [
            ({"SOCSEC_FAULT": "file.before_rename"}, KILLED),
            ("before:last", KILLED),
            ({"SOCSEC_FAULT": "file.write:enospc"}, 2),
        ],
    ),
    "pay": (
        (),
        [
            ({"SOCSEC_FAULT": "pay.before_commit"}, KILLED),
            ({"SOCSEC_FAULT": "pay.after_commit"}, KILLED),
            ({"SOCSEC_FAULT": "file.before_rename"}, KILLED),
            ({"SOCSEC_FAULT": "file.write:enospc"}, 2),
            ({"SOCSEC_FAULT": "file.write:erofs"}, 2),
        ],
    ),
    "import": ((), [("before:last", KILLED), ("after:last", KILLED)]),
    "interest": ((), [("before:last", KILLED), ("after:last", KILLED)]),
}


def argv(name: str, root: Path) -> list[str]:
    return {
        "ingest": ["ingest", "orders", str(root / "orders.csv"), "--platform", "swiftride"],
        "assess": ["assess", "--month", LAST_MONTH],
        "pay": ["pay", "--month", LAST_MONTH],
        "import": ["ingest", "payments", str(root / "statement.csv")],
        "interest": ["credit-interest", "--year", "2024"],
    }[name]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_command_killed_anywhere_then_run_again_equals_an_uninterrupted_run(command, base, tmp_path):
    root = base.parent
    before, faults = COMMANDS[command]
    start = tmp_path / "start"
    shutil.copytree(base, start)
    for step in before:
        run(start, *argv(step, root))
    clean = tmp_path / "clean"
    shutil.copytree(start, clean)
    counted = faulted(clean, *argv(command, root), FAULT_COMMIT_COUNT=str(tmp_path / "commits"))
    assert counted.returncode == 0, counted.stderr
    commits = int((tmp_path / "commits").read_text())
    expected = state(clean)
    assert expected != state(start)  # the command changes something
    for n, (fault, code) in enumerate(faults):
        var = tmp_path / f"trial{n}"
        shutil.copytree(start, var)
        if isinstance(fault, str):
            when, _, which = fault.partition(":")
            env = {"FAULT_COMMIT": f"{when}:{1 if which == 'first' else commits}"}
        else:
            env = fault
        broken = faulted(var, *argv(command, root), **env)
        assert broken.returncode == code, (fault, broken.stdout, broken.stderr)
        if code == 2:
            *progress, line = broken.stderr.splitlines()  # one line after the progress, no traceback
            assert all(p.startswith("[") for p in progress), broken.stderr
            assert line.startswith("error: "), line
            assert "No space left on device" in line or "Read-only file system" in line, line
        again = faulted(var, *argv(command, root))
        assert again.returncode == 0, (fault, again.stderr)
        assert state(var) == expected, fault
        if command == "pay" and code == 2 or fault == {"SOCSEC_FAULT": "pay.after_commit"}:
            assert "bank file written again (it was absent or damaged)" in again.stdout
