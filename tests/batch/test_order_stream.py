"""A Parquet upload's columns of few values are read as their dictionaries and made text: the rows are
exactly those read value by value, whatever the file's encoding of each column (dictionary, plain, typed)."""

from __future__ import annotations

import datetime as dt
import io
import random

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socsec.batch import order_stream
from socsec.batch.order_stream import open_upload
from socsec.batch.sheets import UploadError


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


def test_chunks_are_of_the_chunk_size_whatever_the_row_groups():
    n = 103
    columns = {"order_id": [f"o{i}" for i in range(n)], "resident_id": ["R"] * n, "region": ["440300"] * n}
    table = pa.table(columns | {"sector": ["X"] * n, "order_date": ["2026-11-02"] * n, "fare_cents": ["9"] * n})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=7)
    chunks = list(open_upload(buffer.getvalue(), "parquet", chunk_rows=10).chunks)
    assert [c.table.num_rows for c in chunks] == [10] * 10 + [3]
    assert [r["order_id"] for c in chunks for r in c.table.to_pylist()] == columns["order_id"]
    assert np.concatenate([c.numbers for c in chunks]).tolist() == list(range(1, n + 1))


def test_a_damaged_parquet_file_is_refused_as_unreadable_never_with_another_error():
    n = 1000
    table = pa.table(
        {
            "order_id": [f"o{i}" for i in range(n)],
            "resident_id": [f"r{i % 37}" for i in range(n)],
            "region": ["440300" if i % 3 else "110000" for i in range(n)],
            "sector": ["DELIVERY"] * n,
            "order_date": [f"2026-11-{1 + i % 28:02d}" for i in range(n)],
            "fare_cents": [str(i) for i in range(n)],
            "action": [""] * n,
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=128, compression="none")
    good = buffer.getvalue()
    footer = len(good) - 8 - int.from_bytes(good[-8:-4], "little")
    rng = random.Random(0)  # among these, damaged dictionary indices (an index out of its dictionary)
    refused = 0
    for _ in range(300):
        damaged = bytearray(good)
        at = rng.randrange(4, footer)
        for k in range(rng.randint(1, 4)):
            damaged[min(at + k, footer - 1)] = rng.randrange(256)
        try:
            for _chunk in open_upload(bytes(damaged), "parquet", chunk_rows=100).chunks:
                pass
        except UploadError as exc:
            assert exc.template.startswith(("not a readable Parquet file", "a column cannot be read as text"))
            refused += 1
    assert refused > 30


def test_rows_whose_text_is_not_utf8_are_refused_as_a_csv_line_would_be():
    order_ids = pa.array([b"o1", b"o\xff2", b"o3", "订单4".encode(), b"o5"], pa.binary()).view(pa.string())
    sectors = pa.array([b"X", b"X", b"X\xc3", b"X", b"X"], pa.binary()).view(pa.string())
    table = pa.table(
        {
            "order_id": order_ids,
            "resident_id": ["R"] * 5,
            "region": ["440300"] * 5,
            "sector": sectors,  # read as a dictionary: its bad text too
            "order_date": ["2026-11-02"] * 5,
            "fare_cents": ["9"] * 5,
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    chunks = list(open_upload(buffer.getvalue(), "parquet", chunk_rows=3).chunks)
    assert [c.numbers.tolist() for c in chunks] == [[1], [4, 5]]
    assert [r["order_id"] for c in chunks for r in c.table.to_pylist()] == ["o1", "订单4", "o5"]
    assert [c.rejected for c in chunks] == [
        [(2, "the line is not UTF-8 text.", {}), (3, "the line is not UTF-8 text.", {})],
        [],
    ]
