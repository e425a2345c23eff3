"""On the demo pilot loaded by the `socsec` command: its files are private, its trail holds nothing the
audit policy withholds, and `socsec audit verify` walks it (and finds a change made behind its back)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from socsec.audit import triggers
from socsec.audit.policy import AUDIT_FIELDS

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")


def _verify(var: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"SOCSEC_VAR_DIR": str(var)}
    return subprocess.run(
        [sys.executable, "-m", "socsec.cli", "audit", "verify"], capture_output=True, text=True, env=env, timeout=300
    )


def test_the_demo_var_dir_is_private_to_its_owner(demo_var):
    modes = {
        str(path.relative_to(demo_var.source)): stat.S_IMODE(path.stat().st_mode)
        for path in [demo_var.source, *demo_var.source.rglob("*")]
        if not path.name.startswith("socsec.sqlite3-")  # WAL files come and go
    }
    assert modes["socsec.sqlite3"] == 0o600
    order_files = [name for name in modes if name.startswith("data/orders/") and name.endswith(".parquet")]
    assert order_files and all(modes[name] == 0o600 for name in order_files)
    assert {name: mode for name, mode in modes.items() if mode & 0o077} == {}


def test_the_demo_trail_is_chained_and_holds_nothing_withheld(demo_var, tmp_path):
    var = demo_var.copy_to(tmp_path / "var")
    with sqlite3.connect(var / "socsec.sqlite3") as conn:
        rows = conn.execute(f"SELECT id, object_type, before, after FROM {triggers.TABLE} ORDER BY id").fetchall()
    assert {object_type for _, object_type, _, _ in rows} <= AUDIT_FIELDS.keys()
    for entry_id, object_type, *snapshots in rows:
        withheld = AUDIT_FIELDS[object_type].withheld.keys()
        for text in snapshots:
            assert not withheld & json.loads(text or "{}").keys(), entry_id
    done = _verify(var)
    assert done.returncode == 0
    assert done.stdout.startswith(f"OK: {len(rows)} audit entries, the hash chain is unbroken; head ")

    victim = rows[len(rows) // 2][0]
    with sqlite3.connect(var / "socsec.sqlite3") as conn:
        for sql in triggers.SQLITE_DROP:
            conn.execute(sql)
        conn.execute(f"UPDATE {triggers.TABLE} SET at = '2020-01-01 00:00:00' WHERE id = ?", (victim,))
    done = _verify(var)
    assert done.returncode == 1
    assert done.stdout.startswith(f"BROKEN at audit entry {victim} (this entry was changed after it was written)")
