"""A Parquet upload's columns of few values are read as their dictionaries and made text: the rows are
exactly those read value by value, whatever the file's encoding of each column (dictionary, plain, typed)."""

from __future__ import annotations

import datetime as dt
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socsec.batch import order_stream
from socsec.batch.order_stream import open_upload


def _rows(content: bytes) -> tuple[list[dict[str, object]], list[int]]:
    """The rows and their numbers, all chunks together (a dictionary's chunks end at row groups' ends)."""
    chunks = list(open_upload(content, "parquet", chunk_rows=4).chunks)
    assert all(c.table.schema.types == [pa.string()] * 7 for c in chunks)
    return [r for c in chunks for r in c.table.to_pylist()], [n for c in chunks for n in c.numbers.tolist()]


@pytest.mark.parametrize("typed_dates", [False, True])
def test_columns_read_as_dictionaries_give_the_rows_read_value_by_value(monkeypatch, typed_dates):
    n = 11
    dates = [dt.date(2026, 11, 1 + i % 3) for i in range(n)]
    table = pa.table(
        {
            "order_id": [f"o{i}" for i in range(n)],
            "resident_id": ["110101199003070012"] * n,
            "region": ["440300", None, " 440100 "] * 3 + ["440300", ""],
            "sector": ["RIDE_HAILING", "DELIVERY"] * 5 + [None],
            "order_date": dates if typed_dates else [d.isoformat() for d in dates],
            "fare_cents": [str(500 + i) for i in range(n)],
            "action": [None, "VOID", "new"] + [None] * 8,
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, use_dictionary=["region", "action"], row_group_size=5)  # sector plain
    content = buffer.getvalue()
    read = _rows(content)
    monkeypatch.setattr(order_stream, "FEW_VALUES", ())
    assert read == _rows(content)
    rows, numbers = read
    assert numbers == list(range(1, 12))
    assert rows[1]["region"] is None and rows[2]["region"] == " 440100 " and rows[1]["action"] == "VOID"
    assert rows[10] == {
        "order_id": "o10",
        "resident_id": "110101199003070012",
        "region": "",
        "sector": None,
        "order_date": "2026-11-02",
        "fare_cents": "510",
        "action": None,
    }


def test_small_row_groups_still_make_chunks_of_about_the_chunk_size():
    n = 1_000
    columns = {"order_id": [f"o{i}" for i in range(n)], "resident_id": ["R"] * n, "region": ["440300"] * n}
    table = pa.table(columns | {"sector": ["X"] * n, "order_date": ["2026-11-02"] * n, "fare_cents": ["9"] * n})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=10)  # a hundred row groups, each with its dictionaries
    chunks = list(open_upload(buffer.getvalue(), "parquet", chunk_rows=300).chunks)
    assert [c.table.num_rows for c in chunks] == [300, 300, 300, 100]
    assert [int(c.numbers[0]) for c in chunks] == [1, 301, 601, 901]
