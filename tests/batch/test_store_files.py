"""Files the store writes are the owner's alone, whatever the process's umask."""

from __future__ import annotations

import os
import stat

import pyarrow as pa

from socsec.batch.store import write_atomic, write_text_atomic


def test_order_and_bank_files_are_created_0600_in_0700_folders(tmp_path):
    previous = os.umask(0o022)  # a permissive umask: the files are private all the same
    try:
        write_atomic(pa.table({"order_id": ["a"]}), tmp_path / "orders" / "batch-1.parquet")
        write_text_atomic("name,amount\n", tmp_path / "payments" / "bank-instructions-001.csv")
    finally:
        os.umask(previous)
    modes = {p.relative_to(tmp_path).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in tmp_path.rglob("*")}
    assert modes == {
        "orders": 0o700,
        "orders/batch-1.parquet": 0o600,
        "payments": 0o700,
        "payments/bank-instructions-001.csv": 0o600,
    }
