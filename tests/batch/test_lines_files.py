"""A run's lines file and its copy sorted by worker: the same lines, a worker's read from either gives
the same rows, and the copy's row groups each hold a narrow range of workers (so a read skips the rest)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socsec.batch import lines_files
from socsec.batch.lines_files import by_person_path, person_lines, write_lines


def lines(n: int) -> pa.Table:
    rng = np.random.default_rng(3)
    return pa.table(
        {
            "platform": pa.array(np.array(["p1", "p2", "p3"])[np.sort(rng.integers(0, 3, n))]),
            "person_id": pa.array(rng.integers(1, 500, n)),
            "province": pa.array(np.full(n, "440000")),
            "sector": pa.array(np.full(n, "RIDE_HAILING")),
            "order_count": pa.array(np.arange(n, dtype=np.int64)),
            "amount_cents": pa.array(np.arange(n, dtype=np.int64) * 2),
            "coverage_reason": pa.array(np.full(n, 50, dtype=np.int16)),
        }
    )


def test_a_workers_lines_come_from_the_copy_sorted_by_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(lines_files, "ROW_GROUP", 100)
    monkeypatch.setattr(lines_files, "TAKE", 200)
    table = lines(2000)
    path = tmp_path / "month=2026-04" / "run=0001" / "lines.parquet"
    write_lines(table, path)
    assert pq.read_table(path).equals(table)  # the run's file keeps the plan's order
    copy = pq.ParquetFile(by_person_path(path))
    assert copy.metadata.num_rows == 2000 and copy.metadata.num_row_groups == 20
    by_worker = table.take(pa.array(np.argsort(table["person_id"].to_numpy(), kind="stable")))
    assert pq.read_table(by_person_path(path)).equals(by_worker)  # text read back as text, plan order within a worker
    for person in (1, 250, 499, 10_000):
        expected = [
            ("2026-04", r["platform"], "440000", "RIDE_HAILING", r["order_count"], r["amount_cents"], 50)
            for r in table.to_pylist()
            if r["person_id"] == person
        ]
        assert person_lines([str(path)], person) == sorted(expected, key=lambda r: r[1])
    by_person_path(path).unlink()  # the copy is derived: without it the file itself is read
    assert person_lines([str(path)], 250) == person_lines([str(path)], 250)
    assert len(person_lines([str(path)], 250)) == sum(1 for p in table["person_id"].to_pylist() if p == 250)


def test_no_lines(tmp_path):
    path = tmp_path / "month=2026-04" / "run=0001" / "lines.parquet"
    write_lines(lines(0), path)
    assert person_lines([str(path)], 1) == [] and person_lines([], 1) == []


def test_a_file_that_fails_leaves_no_copy(tmp_path, monkeypatch):
    path = tmp_path / "month=2026-04" / "run=0001" / "lines.parquet"

    def full_disk(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(lines_files, "write_atomic", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_lines(lines(500), path)
    assert not by_person_path(path).exists() and not path.exists()
