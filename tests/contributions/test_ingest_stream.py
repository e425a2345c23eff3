"""Order batches stream: a batch read in small chunks gives exactly what it gives read whole (rows, errors,
files, digest); ids are looked up in the index of stored orders (rebuilt when missing or damaged, never
answered from a wrong one), a withdrawn batch's ids stop counting."""

from __future__ import annotations

import datetime as dt
import json
import re

import pyarrow.parquet as pq
import pytest

from socsec.contributions.models import OrderBatch
from socsec.contributions.orders.ingest import orders_ingest

from .test_ingest import DAY, MONTH, order, send, world_actor
from .test_ingest_withdrawal import withdraw

HEADER = "order_id,action,resident_id,region,sector,order_date,fare_cents"


def ingest(world, content: bytes, fmt: str, key: str = "k1", **kwargs):
    return orders_ingest(
        actor=world_actor(world),
        platform=world.platform,
        content=content,
        fmt=fmt,
        idempotency_key=key,
        source="t",
        **kwargs,
    )


def mixed_rows(world) -> list[dict]:
    """Every kind of row: valid ones, repeats far apart, corrections, and each kind of error."""
    rows = []
    for i in range(40):
        rows.append(order(world, f"n{i}", fare_cents=str(100 + i)))
        if i % 7 == 0:
            rows.append(order(world, f"n{i // 2}"))  # repeats a row some chunks back
        if i % 9 == 0:
            rows.append(order(world, f"bad{i}", region="999999", sector="RETAIL", fare_cents="x"))
        if i % 11 == 0:
            rows.append({"order_id": "old1", "action": "VOID", "order_date": DAY.isoformat()})  # 1st: ok, then twice
        if i % 13 == 0:
            rows.append(order(world, "old2", action="AMEND", region="440100"))
    rows.append(order(world, "far", order_date="2020-01-01"))
    rows.append({"order_id": "", "order_date": "31/12/2026"})
    return rows


def outcome(batch: OrderBatch, data_dir) -> dict:
    """What a batch came to: its counts, errors, digest and the rows of its files (written in other pieces)."""
    files = [
        {k: v for k, v in f.items() if k not in ("path", "index", "sha256", "index_sha256")}
        | {"rows_read": pq.read_table(data_dir / f["path"]).to_pylist()}
        for f in batch.files
    ]
    fields = ("status", "rows_total", "rows_valid", "rows_invalid", "orders_new", "orders_void", "orders_amend")
    return {
        **{k: getattr(batch, k) for k in fields},
        "errors": batch.errors,
        "counts": batch.error_counts,
        "digest": batch.content_sha256,
        "files": files,
        "months": batch.months,
    }


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_a_batch_read_in_small_chunks_equals_the_batch_read_whole(world, data_dir, settings, fmt):
    settings.ORDERS_MAX_STORED_ERRORS = 5  # the kept errors too are the same
    ingest(world, "\n".join(json.dumps(order(world, f"old{i}")) for i in (1, 2)).encode(), "jsonl", key="k0")
    rows = mixed_rows(world)
    if fmt == "jsonl":
        content = "\n".join(json.dumps(r) for r in rows).encode()
    elif fmt == "csv":
        names = HEADER.split(",")
        lines = [HEADER] + [",".join(str(r.get(c, "")) for c in names) for r in rows]
        lines.insert(5, "short,row")  # refused alone, with its number
        lines.insert(30, "")  # a blank line keeps its number and is no order
        content = "\n".join(lines).encode()
    else:
        import io

        import pyarrow as pa

        buffer = io.BytesIO()
        pq.write_table(pa.Table.from_pylist([{c: r.get(c) for c in HEADER.split(",")} for r in rows]), buffer)
        content = buffer.getvalue()
    settings.ORDERS_CHUNK_ROWS = 1_000_000
    whole = outcome(ingest(world, content, fmt, key="whole")[0], data_dir)
    OrderBatch.objects.filter(idempotency_key="whole").update(status="WITHDRAWN")
    settings.ORDERS_CHUNK_ROWS = 3
    chunked = outcome(ingest(world, content, fmt, key="chunked")[0], data_dir)
    assert chunked == whole
    assert whole["counts"]["duplicate_in_batch"] > 3 and whole["orders_void"] == 1 and whole["orders_amend"] == 1
    assert whole["rows_total"] == len(rows) + (1 if fmt == "csv" else 0)


def test_a_file_sent_twice_over_in_one_batch_has_every_second_row_refused_in_chunks_too(world, data_dir, settings):
    """The rows, then the same rows again: read three rows at a time, whole chunks of the second half repeat
    the first; the chunk after such a chunk was once not searched at all, and its repeats were taken."""
    rows = [json.dumps(order(world, f"twice{i}")) for i in range(12)]
    content = "\n".join(rows + rows).encode()
    settings.ORDERS_CHUNK_ROWS = 1_000_000
    whole = outcome(ingest(world, content, "jsonl", key="whole")[0], data_dir)
    OrderBatch.objects.filter(idempotency_key="whole").update(status="WITHDRAWN")
    settings.ORDERS_CHUNK_ROWS = 3
    chunked = outcome(ingest(world, content, "jsonl", key="chunked")[0], data_dir)
    assert chunked == whole
    assert (whole["rows_valid"], whole["orders_new"], whole["counts"]) == (12, 12, {"duplicate_in_batch": 12})


def test_a_file_given_by_path_streams_and_equals_the_same_bytes(world, data_dir, settings, tmp_path):
    content = "\n".join(json.dumps(r) for r in mixed_rows(world)).encode()
    path = tmp_path / "orders.jsonl"
    path.write_bytes(content)
    settings.ORDERS_CHUNK_ROWS = 4
    by_path, _ = ingest(world, b"", "jsonl", key="p", path=path)
    again, replayed = ingest(world, content, "jsonl", key="p")  # the same rows, sent as bytes: a replay
    assert (again.pk, replayed, by_path.status) == (by_path.pk, True, "ACCEPTED")


def test_an_id_reported_before_is_found_in_the_index_not_the_order_files(world, data_dir, platform, monkeypatch):
    from socsec.batch import order_index

    first = send(platform, [order(world, "a1"), order(world, "a2")], "k1").json()
    looked_in: list[list[str]] = []
    real = order_index.StoredOrders.__init__

    def spy(self, files):  # type: ignore[no-untyped-def]
        looked_in.append(files)
        real(self, files)

    monkeypatch.setattr(order_index.StoredOrders, "__init__", spy)
    body = send(platform, [order(world, "a2"), order(world, "a3")], "k2").json()
    assert (body["rows_valid"], body["error_counts"]) == (1, {"already_reported": 1})
    (index,) = OrderBatch.objects.get(pk=first["id"]).files
    assert looked_in == [[str(data_dir / index["index"])]]
    assert re.fullmatch(
        rf"order_index/month={MONTH}/platform=ridego/batch-{first['id']:09d}-\w{{12}}-orders\.index", index["index"]
    )


def test_a_platform_engaging_no_one_has_every_row_refused_not_engaged(world, data_dir, platform):
    from socsec.registry.models import Engagement

    Engagement.objects.filter(organisation=world.platform).delete()
    response = send(platform, [order(world, "n1"), order(world, "n2")], "k-none")
    assert (response.status_code, response.json()["status"]) == (201, "REJECTED")
    assert response.json()["error_counts"] == {"not_engaged": 2}


def test_a_parquet_row_whose_text_is_not_utf8_is_refused_and_the_stored_files_stay_readable(world, data_dir):
    import io

    import duckdb
    import pyarrow as pa

    rows = [order(world, f"u{i}") for i in range(3)]
    table = pa.Table.from_pylist([{c: r.get(c) for c in HEADER.split(",")} for r in rows])
    ids = pa.array([b"u0", b"u\xff1", b"u2"], pa.binary()).view(pa.string())
    buffer = io.BytesIO()
    pq.write_table(table.set_column(0, "order_id", ids), buffer)
    batch, _ = ingest(world, buffer.getvalue(), "parquet", key="k-utf8")
    assert (batch.status, batch.rows_valid, batch.rows_invalid, batch.error_counts) == (
        "ACCEPTED",
        2,
        1,
        {"unreadable": 1},
    )
    assert batch.errors[0]["row"] == 2 and batch.errors[0]["message"] == "the line is not UTF-8 text."
    stored = [str(data_dir / f["path"]) for f in batch.files]
    assert duckdb.sql(f"SELECT order_id FROM read_parquet({stored}) ORDER BY 1").fetchall() == [("u0",), ("u2",)]


def test_a_withdrawn_batchs_ids_no_longer_count(world, data_dir, platform):
    first = send(platform, [order(world, "a1")], "k1").json()
    assert withdraw(platform, first["id"]).status_code == 200
    body = send(
        platform, [order(world, "a1"), {"order_id": "a1", "action": "VOID", "order_date": DAY.isoformat()}], "k2"
    )
    assert (body.json()["orders_new"], body.json()["error_counts"]) == (1, {"not_reported_before": 1})


@pytest.mark.parametrize("damage", ["missing", "damaged", "never written"])
def test_an_index_missing_or_damaged_is_rebuilt_from_its_checked_file(world, data_dir, platform, damage):
    first = send(platform, [order(world, "a1")], "k1").json()
    entry = OrderBatch.objects.get(pk=first["id"]).files[0]
    index = data_dir / entry["index"]
    if damage == "missing":
        index.unlink()
    elif damage == "damaged":
        index.write_bytes(b"PAR1 not the index PAR1")
    else:  # a batch stored before there were indexes
        index.unlink()
        OrderBatch.objects.filter(pk=first["id"]).update(
            files=[{k: v for k, v in entry.items() if k not in ("index", "index_sha256")}]
        )
    body = send(
        platform, [order(world, "a1"), {"order_id": "a1", "action": "VOID", "order_date": DAY.isoformat()}], "k2"
    )
    assert (body.json()["rows_valid"], body.json()["error_counts"]) == (1, {"already_reported": 1})
    rebuilt = OrderBatch.objects.get(pk=first["id"]).files[0]
    assert index.is_file() and pq.read_table(index).column("order_id").to_pylist() == ["a1"]
    from socsec.core.stored import file_sha256

    assert rebuilt["index_sha256"] == file_sha256(data_dir / rebuilt["index"])


def test_an_index_changed_under_a_look_up_is_reported_not_trusted(world, data_dir, platform, monkeypatch):
    send(platform, [order(world, "a1")], "k1")
    from socsec.batch import order_index

    def broken(self, order_ids):  # type: ignore[no-untyped-def]
        raise OSError(5, "Input/output error", self.files[0])

    monkeypatch.setattr(order_index.StoredOrders, "lookup", broken)
    response = send(platform, [order(world, "a1")], "k2")
    assert (response.status_code, response.json()["code"]) == (409, "stored_file_damaged")
    assert "order_index/month=" in response.json()["message"]
    assert OrderBatch.objects.get(idempotency_key="k2").status == "FAILED"


def test_a_batch_of_300000_distinct_workers_on_the_embedded_database(world, data_dir, settings, tmp_path):
    import time

    from bench.ingest import PLATFORM, build_registry, write_orders
    from socsec.audit.services import Actor
    from socsec.registry.models import Organisation

    started = time.monotonic()
    workers = build_registry(300_000)
    path = tmp_path / "orders.parquet"
    write_orders(path, "parquet", 300_000, workers, DAY + dt.timedelta(days=2))
    platform = Organisation.objects.get(code=PLATFORM)
    batch, _ = orders_ingest(
        actor=Actor.system("t"), platform=platform, path=path, fmt="parquet", idempotency_key="k", source="t"
    )
    assert (batch.status, batch.rows_valid, batch.rows_invalid) == ("ACCEPTED", 300_000, 0)
    from socsec.contributions.models import LastOrder

    assert LastOrder.objects.filter(platform=platform).count() == 300_000
    assert time.monotonic() - started < 600  # a generous bound: no query per worker


def test_a_file_given_by_path_has_limits_of_its_own(world, data_dir, settings, tmp_path, capsys):
    from socsec.cli import main

    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(json.dumps(order(world, f"f{i}")) for i in range(50)))
    settings.ORDERS_MAX_BYTES, settings.ORDERS_MAX_ROWS = 100, 10  # an upload's
    assert main(["ingest", "orders", str(path), "--platform", "ridego"]) == 2
    assert "at most 100 bytes" in capsys.readouterr().err
    settings.ORDERS_MAX_FILE_BYTES, settings.ORDERS_MAX_FILE_ROWS = 1 << 30, 1000  # a streamed file's
    settings.ORDERS_CHUNK_ROWS = 7
    assert main(["ingest", "orders", str(path), "--platform", "ridego"]) == 0
    assert "accepted; rows 50, valid 50" in capsys.readouterr().out
    settings.ORDERS_MAX_FILE_ROWS = 49
    assert main(["ingest", "orders", str(path), "--platform", "ridego", "--key", "again"]) == 2
    assert "the batch has 50 rows; at most 49 rows" in capsys.readouterr().err


def test_a_large_file_that_is_not_utf8_is_refused_not_read_whole(world, data_dir, settings, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(HEADER.encode() + b"\n" + "订单,NEW,,,,,\n".encode("gbk") * 20)
    settings.ORDERS_MAX_BYTES = 100
    settings.ORDERS_MAX_FILE_BYTES = 1 << 20
    with pytest.raises(Exception) as caught:
        ingest(world, b"", "csv", path=path)
    assert (caught.value.status, caught.value.message) == (
        422,
        "file: the file is not all UTF-8 text, and a file over 100 bytes is read only as UTF-8: save it as UTF-8 "
        "CSV, or send it in several files",
    )
    assert OrderBatch.objects.count() == 0


def test_the_same_key_with_other_rows_recorded_meanwhile_is_refused_and_leaves_no_files(world, data_dir, monkeypatch):
    """While a batch is read, another request with the same key but other rows is recorded: this one is
    refused as a reused key (not answered as a replay of the other), and its files are removed."""
    from socsec.contributions.orders import ingest as ingest_module
    from socsec.core.errors import Conflict

    content = "\n".join(json.dumps(order(world, f"x{i}")) for i in (1, 2)).encode()
    check = ingest_module.BatchChecker.check

    def recorded_meanwhile(self, chunk, repeats):  # type: ignore[no-untyped-def]
        OrderBatch.objects.filter(idempotency_key="k1").update(content_sha256="f" * 64, status="ACCEPTED")
        return check(self, chunk, repeats)

    monkeypatch.setattr(ingest_module.BatchChecker, "check", recorded_meanwhile)
    with pytest.raises(Conflict) as refused:
        ingest(world, content, "jsonl")
    assert refused.value.code == "idempotency_key_reused"
    batch = OrderBatch.objects.get(idempotency_key="k1")
    assert (batch.content_sha256, batch.files) == ("f" * 64, [])  # the other request's record, untouched
    assert sorted(p.name for p in data_dir.rglob("*") if p.is_file() and "batch-" in p.name) == []
