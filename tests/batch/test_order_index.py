"""Look-ups among the index files of stored orders: only the files with a row group whose id range meets
the ids asked about are read, none when no range meets them; a row group without statistics is always
read; the answer is the same as reading everything."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socsec.batch.order_index import StoredOrders, index_rows
from socsec.batch.orders import ORDER_SCHEMA


def _index(tmp_path: Path, month: str, batch: int, ids: list[str], **options: object) -> str:
    n = len(ids)
    orders = pa.table(
        [
            pa.array(ids),
            pa.array([100 + batch] * n, pa.int64()),
            pa.array(["440300"] * n),
            pa.array(["RIDE_HAILING"] * n),
            pa.array([0] * n, pa.int32()).cast(pa.date32()),
            pa.array([500] * n, pa.int64()),
        ],
        schema=ORDER_SCHEMA,
    )
    path = tmp_path / f"month={month}" / f"batch-{batch}-orders.index"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(index_rows("orders", batch, orders), path, row_group_size=100, **options)  # type: ignore[arg-type]
    return str(path)


def _looked_up(stored: StoredOrders, ids: list[str]) -> list[tuple[str, str, int]]:
    found = stored.lookup(pa.array(ids, pa.string()))
    return sorted(zip(*(found[c].to_pylist() for c in ("order_id", "month", "person_id")), strict=True))


def test_ids_outside_every_row_groups_range_are_answered_without_reading_a_file(tmp_path):
    early = _index(tmp_path, "2026-10", 1, [f"A{i:04d}" for i in range(1000)])  # ten row groups
    later = _index(tmp_path, "2026-11", 2, [f"M{i:04d}" for i in range(1000)])
    stored = StoredOrders([early, later])
    assert _looked_up(stored, ["Z0001", "Z0002", "N0000"]) == []
    assert stored._con is None  # no engine opened, no file read: the footers said enough
    twice = ["A0999", "A0005", "A0005", "B"]  # an id asked twice is answered once
    assert _looked_up(stored, twice) == [("A0005", "2026-10", 101), ("A0999", "2026-10", 101)]
    assert _looked_up(stored, ["A0500", "M0000", "Z"]) == [("A0500", "2026-10", 101), ("M0000", "2026-11", 102)]
    stored.close()


def test_a_row_group_without_statistics_is_always_read(tmp_path):
    plain = _index(tmp_path, "2026-11", 3, ["Q1", "Q2"], write_statistics=False)
    assert pq.read_metadata(plain).row_group(0).column(0).statistics is None
    stored = StoredOrders([plain])
    assert _looked_up(stored, ["Q2"]) == [("Q2", "2026-11", 103)]
    assert _looked_up(stored, ["A"]) == []
    stored.close()


def test_ids_beyond_ascii_compare_as_their_utf8_bytes(tmp_path):
    # 'é' (U+00E9) and '订' (U+8BA2) come after 'z' both as code points and as UTF-8 bytes
    ids = ["z1", "é1", "订单-1", "订单-2"]
    stored = StoredOrders([_index(tmp_path, "2026-11", 4, ids)])
    assert _looked_up(stored, ["订单-2", "é1"]) == [("é1", "2026-11", 104), ("订单-2", "2026-11", 104)]
    assert _looked_up(stored, ["订单-3", "y"]) == []
    stored.close()


def test_a_file_that_is_not_an_index_is_refused_as_the_engine_would_refuse_it(tmp_path):
    other = tmp_path / "month=2026-11" / "batch-5-orders.index"
    other.parent.mkdir(parents=True)
    pq.write_table(pa.table({"id": ["A1"]}), other)
    stored = StoredOrders([str(other)])
    with pytest.raises(pa.ArrowInvalid, match="no column order_id"):
        stored.lookup(pa.array(["A1"]))
