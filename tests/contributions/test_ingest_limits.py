"""Order batches: limits checked before parsing (413), repeated rows refused in the engine with a bounded
error report, and a bad line refusing that row alone."""

from __future__ import annotations

import io
import json
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socsec.batch import uploads
from socsec.contributions.models import OrderBatch
from socsec.contributions.orders.ingest import orders_ingest

from .test_ingest import DAY, order, send, world_actor

HEADER = "order_id,action,resident_id,region,sector,order_date,fare_cents"


def must_not_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the upload was parsed")

    monkeypatch.setattr("socsec.contributions.orders.ingest.read_upload", refuse)


def ingest(world, content: bytes, fmt: str, key: str = "k1"):
    return orders_ingest(
        actor=world_actor(world), platform=world.platform, content=content, fmt=fmt, idempotency_key=key, source="t"
    )


def parquet(rows: list[dict]) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows), buffer)
    return buffer.getvalue()


def test_a_body_over_the_byte_limit_is_refused_413_before_it_is_read(
    world, data_dir, platform, settings, monkeypatch, unchanged
):
    settings.ORDERS_MAX_BYTES = 1000
    must_not_parse(monkeypatch)
    monkeypatch.setattr("django.http.HttpRequest.read", lambda self, *a: pytest.fail("the body was read"))
    rows = [order(world, f"o{i}") for i in range(20)]
    size = len("\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode())
    response = send(platform, rows, "k1")
    assert response.status_code == 413
    assert response.json() == {
        "code": "upload_too_large",
        "message": f"file: the batch has {size} bytes; at most 1000 bytes are accepted in one batch "
        "(send the orders in several batches)",
        "field": "file",
        "details": {"limit": 1000, "got": size, "unit": "bytes"},
    }


def test_a_parquet_file_over_the_row_limit_is_refused_from_its_footer(world, data_dir, settings, monkeypatch):
    settings.ORDERS_MAX_ROWS = 299_999
    must_not_parse(monkeypatch)
    content = parquet([order(world, "same")] * 300_000)
    assert len(content) < 20_000  # small on disk, big in rows
    with pytest.raises(Exception) as caught:
        ingest(world, content, "parquet")
    exc = caught.value
    assert (type(exc).__name__, exc.status, exc.code, exc.details) == (
        "UploadTooLarge",
        413,
        "upload_too_large",
        {"limit": 299_999, "got": 300_000, "unit": "rows"},
    )
    assert OrderBatch.objects.count() == 0


def test_a_csv_over_the_row_limit_is_refused_by_its_line_count(world, data_dir, settings, monkeypatch):
    settings.ORDERS_MAX_ROWS = 2
    must_not_parse(monkeypatch)
    content = "\n".join([HEADER, "a,,,,,,", "b,,,,,,", "c,,,,,,"]).encode()
    with pytest.raises(Exception) as caught:
        ingest(world, content, "csv")
    assert caught.value.details == {"limit": 2, "got": 3, "unit": "rows"}


def test_the_cli_refuses_a_file_over_the_limit_before_reading_it(world, data_dir, settings, tmp_path, capsys):
    from socsec.cli import main

    settings.ORDERS_MAX_BYTES = 10
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + "\n")
    assert main(["ingest", "orders", str(path), "--platform", "ridego"]) == 2
    assert capsys.readouterr().err == (
        f"error: file: the batch has {len(HEADER) + 1} bytes; at most 10 bytes are accepted in one batch "
        "(send the orders in several batches)\n"
    )


def test_300000_identical_rows_are_refused_at_once_with_a_bounded_report(world, data_dir, settings):
    settings.ORDERS_MAX_STORED_ERRORS = 1000
    content = parquet([order(world, "same")] * 300_000)
    started = time.monotonic()
    batch, _ = ingest(world, content, "parquet")
    elapsed = time.monotonic() - started
    assert (batch.status, batch.rows_total, batch.rows_valid, batch.rows_invalid, batch.orders_new) == (
        "ACCEPTED",
        300_000,
        1,
        299_999,
        1,
    )
    assert batch.error_counts == {"duplicate_in_batch": 299_999}
    assert len(batch.errors) == 1000
    assert batch.errors[0] == {
        "row": 2,
        "order_id": "same",
        "field": "order_id",
        "code": "duplicate_in_batch",
        "message": "repeats row 1.",
        "template": "repeats row %(row)s.",
        "params": {"row": 1},
    }
    assert batch.errors[-1]["row"] == 1001
    assert len(json.dumps(batch.errors)) < 200_000  # each keeps its template and values, for the pages to translate
    assert elapsed < 30, elapsed  # a generous bound: the engine groups the rows, Python checks one


def test_a_short_row_and_a_bad_byte_refuse_those_rows_alone(world, data_dir):
    lines = [
        HEADER,
        f"c1,NEW,{world.rider.resident_id},440300,RIDE_HAILING,{DAY},",  # row 2 (the header is row 1)
        f"c2,NEW,{world.rider.resident_id},440300",  # row 3: short
        "",  # row 4: blank, no order
        f"c3,NEW,{world.rider.resident_id},440300,RIDE_HAILING,{DAY},,extra",  # row 5: long
    ]
    content = "\n".join(lines).encode() + b"\nc4,NEW,\xff\xfe,440300,RIDE_HAILING," + str(DAY).encode()
    content += f",\nc5,NEW,{world.rider.resident_id},440300,RIDE_HAILING,{DAY},100\n".encode()  # row 7
    batch, _ = ingest(world, content, "csv")
    assert (batch.status, batch.rows_total, batch.rows_valid, batch.rows_invalid, batch.orders_new) == (
        "ACCEPTED",
        5,
        2,
        3,
        2,
    )
    assert [(e["row"], e["order_id"], e["field"], e["code"], e["message"]) for e in batch.errors] == [
        (3, "", "row", "unreadable", "has 4 fields; the header has 7."),
        (5, "", "row", "unreadable", "has 8 fields; the header has 7."),
        (6, "", "row", "unreadable", "the line is not UTF-8 text."),
    ]
    stored = pq.read_table(data_dir / batch.files[0]["path"]).column("order_id").to_pylist()
    assert stored == ["c1", "c5"]


def test_read_upload_numbers_the_rows_it_keeps():
    upload = uploads.read_upload(b"order_id,order_date\na,1\nb\n\nc,3\n", "csv")
    assert (upload.table.column("order_id").to_pylist(), upload.numbers.tolist(), upload.rejected) == (
        ["a", "c"],
        [2, 5],  # the spreadsheet's rows: the header is row 1, the blank line row 4
        [(3, "has %(fields)s fields; the header has %(header)s.", {"fields": 1, "header": 2})],
    )


def test_a_parquet_upload_read_whole_refuses_its_rows_that_are_not_utf8():
    import io

    import pyarrow as pa

    names = pa.array([b"Li Lei", "\u674e\u96f7".encode(), b"Wang\xff"], pa.binary()).view(pa.string())
    buffer = io.BytesIO()
    pq.write_table(pa.table({"order_id": ["a", "b", "c"], "order_date": ["1", "2", "3"], "action": names}), buffer)
    upload = uploads.read_upload(buffer.getvalue(), "parquet")
    assert (upload.table.column("action").to_pylist(), upload.numbers.tolist()) == (["Li Lei", "李雷"], [1, 2])
    assert upload.rejected == [(3, "the line is not UTF-8 text.", {})]
    from socsec.contributions.orders.digest import legacy_digest

    assert len(legacy_digest(upload)) == 64  # the rows kept are text: a payroll declaration's digest reads them


def test_a_csv_whose_header_is_wrong_is_refused_whole(world, data_dir, unchanged):
    with pytest.raises(Exception) as caught:
        ingest(world, b"order,date\na,b\n", "csv")
    assert (caught.value.status, caught.value.field) == (422, "file")
    assert caught.value.message == (
        "file: missing column(s) order_date, order_id; expected order_id, action, resident_id, region, sector, "
        "order_date, fare_cents"
    )


def test_a_damaged_parquet_file_is_refused_whole(world, data_dir, unchanged):
    with pytest.raises(Exception) as caught:
        ingest(world, b"PAR1 this is not parquet PAR1", "parquet")
    assert (caught.value.status, caught.value.field) == (422, "file")
    assert caught.value.message.startswith("file: not a readable Parquet file")


def test_a_batch_over_djangos_form_data_limit_is_taken(world, data_dir, platform, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django's own limit on request.body: not the batch's
    response = send(platform, [order(world, f"o{i}") for i in range(30)], "k1")
    assert (response.status_code, response.json()["orders_new"]) == (201, 30)


def test_repeats_are_found_per_action_kind_and_id():
    from socsec.contributions.orders.checks import _without_repeats
    from socsec.contributions.orders.report import RowErrors

    upload = uploads.read_upload(
        b"order_id,action,order_date\n"
        b"a,,d\n"  # 2
        b" a ,new,d\n"  # 3: repeats row 2 (blank action is NEW; ids are trimmed)
        b"a,VOID,d\n"  # 4: a correction of a, not a repeat
        b"a,amend,d\n"  # 5: a corrects twice
        b",,d\n"  # 6: no id: its own error later, not a repeat
        b",,d\n"  # 7
        b"a,DELETE,d\n"  # 8: no such action: its own error later
        b"a,DELETE,d\n",  # 9
        "csv",
    )
    errors = RowErrors(keep=10)
    table, numbers = _without_repeats(upload.table, upload.numbers, errors)
    assert numbers.tolist() == [2, 4, 6, 7, 8, 9]
    assert table.column("order_id").to_pylist() == ["a", "a", None, None, "a", "a"]
    assert (errors.report(), errors.invalid_rows, dict(errors.counts)) == (
        [
            {
                "row": 3,
                "order_id": "a",
                "field": "order_id",
                "code": "duplicate_in_batch",
                "message": "repeats row 2.",
                "template": "repeats row %(row)s.",
                "params": {"row": 2},
            },
            {
                "row": 5,
                "order_id": "a",
                "field": "order_id",
                "code": "duplicate_in_batch",
                "message": "is corrected twice in this batch (row 4).",
                "template": "is corrected twice in this batch (row %(row)s).",
                "params": {"row": 4},
            },
        ],
        2,
        {"duplicate_in_batch": 2},
    )


def test_a_batch_with_more_workers_than_a_statement_may_name(world, data_dir):
    import sqlite3

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's bound on the parameters of one statement")
    connection.ensure_connection()
    before = connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # as Django assumes
    rows = [order(world, f"o{i}", resident_id=f"1101051949{i:08d}") for i in range(1200)]
    rows.append(order(world, "mine"))
    try:
        batch, _ = ingest(world, "\n".join(json.dumps(r) for r in rows).encode(), "jsonl")
    finally:
        connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, before)
    assert (batch.rows_valid, batch.error_counts) == (1, {"not_engaged": 1200})
