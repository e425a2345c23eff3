"""Uploads of orders read as a stream of chunks (pure: no Django), so that a file of any size is read in
bounded memory: CSV through Arrow's streaming reader, Parquet by record batches, JSON lines line by line.
The rows, their numbers and the rows refused are exactly those ``uploads.read_upload`` gives for the
whole file; only a workbook (``.xlsx``, bounded by its own row limit) is read whole.

A file is read from bytes already in memory (an HTTP body) or from a path (the command line). A CSV file
that is all UTF-8 is streamed from where it lies; one that is not (GB18030, or damaged lines refused one
by one) is decoded in memory first, as it always was (it is at most ``ORDERS_MAX_BYTES``)."""

from __future__ import annotations

import codecs
import io
import json
import queue
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .sheets import BOM, UTF8, UTF8_BOM, UploadError, csv_header, decode_csv
from .uploads import (
    NOT_UTF8,
    ORDER_COLUMNS,
    UPLOAD_COLUMNS,
    _all_columns,
    _check_columns,
    _mark_lines_not_utf8,
    _without_blank_rows,
    csv_row_rejecter,
    read_upload,
    without_bad_utf8,
)

Source = bytes | Path
Rejected = tuple[int, str, dict[str, object]]
BLOCK = 8 << 20  # bytes read at a time when a file is scanned
FEW_VALUES = ("action", "region", "sector", "order_date")  # columns of a few distinct values in any batch


@dataclass
class UploadChunk:
    """Some rows of an upload, in file order: the readable ones as strings (``UPLOAD_COLUMNS``) with their
    numbers, and the rows refused since the previous chunk."""

    table: pa.Table
    numbers: np.ndarray
    rejected: list[Rejected] = field(default_factory=list)


@dataclass
class UploadStream:
    """An upload opened for reading (its header or schema already checked): how it is read, and its
    chunks of about ``chunk_rows`` rows (read once)."""

    read_as: str
    chunks: Iterator[UploadChunk]


TOO_LARGE_NOT_UTF8 = (
    "the file is not all UTF-8 text, and a file over %(limit)s bytes is read only as UTF-8: save it as UTF-8 "
    "CSV, or send it in several files"
)


def open_upload(source: Source, fmt: str, *, chunk_rows: int, whole_limit: int | None = None) -> UploadStream:
    """Open an upload; a file whose whole shape is wrong is an ``UploadError`` here, before any row. A
    CSV file that is not all UTF-8 is decoded whole, so only up to ``whole_limit`` bytes."""
    if fmt == "csv":
        return _open_csv(source, chunk_rows, whole_limit)
    if fmt == "parquet":
        return _open_parquet(source, chunk_rows)
    if fmt == "jsonl":
        return UploadStream("jsonl", _json_line_chunks(source, chunk_rows))
    if fmt == "xlsx":
        upload = read_upload(_read_all(source), fmt)
        return UploadStream(upload.read_as, iter([UploadChunk(upload.table, upload.numbers, upload.rejected)]))
    raise UploadError("unknown format %(format)s: use csv, xlsx, parquet or jsonl", format=repr(fmt))


def _read_all(source: Source) -> bytes:
    return source if isinstance(source, bytes) else source.read_bytes()


def all_utf8(source: Source) -> bool:
    """Whether all of the text is UTF-8 (a file is scanned in blocks, never held whole)."""
    if isinstance(source, bytes):
        try:
            source.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(source, "rb") as handle:
            for block in iter(lambda: handle.read(BLOCK), b""):
                if block.isascii() and not decoder.getstate()[0]:  # nothing to decode (no sequence begun)
                    continue
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _first_line(source: Source) -> bytes:
    if isinstance(source, bytes):
        end = source.find(b"\n")
        return source if end < 0 else source[: end + 1]
    with open(source, "rb") as handle:
        return handle.readline()


def _open_csv(source: Source, chunk_rows: int, whole_limit: int | None) -> UploadStream:
    if all_utf8(source):
        head = _first_line(source)
        read_as = UTF8_BOM if head.startswith(BOM) else UTF8
        head = head[len(BOM) :] if head.startswith(BOM) else head
        data: Source = source
    else:
        if isinstance(source, Path) and whole_limit is not None and source.stat().st_size > whole_limit:
            raise UploadError(TOO_LARGE_NOT_UTF8, limit=whole_limit)
        text, read_as, whole = decode_csv(_read_all(source))
        if not whole:
            text = _mark_lines_not_utf8(text)
        head = _first_line(text)
        data = text
    if not head:
        raise UploadError("not a readable CSV file (%(reason)s)", reason="Empty CSV file")
    headers, _length = csv_header(head)
    names = ORDER_COLUMNS.canonical(headers)
    _check_columns(names)
    # the engine reads the columns by their names (Chinese or other aliases made the English names)
    columns = [n if n in UPLOAD_COLUMNS else f"\x00unnamed{i}" for i, n in enumerate(names)]
    stream: IO[bytes] | pa.BufferReader = (
        pa.BufferReader(data) if isinstance(data, bytes) else open(data, "rb")  # noqa: SIM115
    )
    return UploadStream(read_as, _csv_chunks(stream, columns, chunk_rows))


def _csv_chunks(stream: Any, columns: list[str], chunk_rows: int) -> Iterator[UploadChunk]:
    rejected: list[Rejected] = []
    reject = csv_row_rejecter(rejected)

    try:
        reader = pacsv.open_csv(
            stream,
            # one thread, so that a rejected row's number is known; the header is named, then skipped
            read_options=pacsv.ReadOptions(use_threads=False, column_names=columns, skip_rows=1, block_size=4 << 20),
            # a blank line is a row of nulls, so that every row keeps the spreadsheet's number
            parse_options=pacsv.ParseOptions(invalid_row_handler=reject, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in columns}, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as exc:
        raise UploadError("not a readable CSV file (%(reason)s)", reason=str(exc)) from None
    numbering = _Numbering(first=2)
    try:
        pending: list[pa.RecordBatch] = []
        size = 0
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                raise UploadError("not a readable CSV file (%(reason)s)", reason=str(exc)) from None
            pending.append(batch)
            size += batch.num_rows
            if size >= chunk_rows:
                yield numbering.chunk(pending, rejected)
                pending, size, rejected[:] = [], 0, []
        yield numbering.chunk(pending, rejected)
    finally:
        if hasattr(stream, "close"):
            stream.close()


class _Numbering:
    """Numbers the rows of a CSV as ``read_upload`` does: the spreadsheet's lines from ``first`` on,
    less those the parser refused (each refused with its own number), blank rows then left out."""

    def __init__(self, first: int) -> None:
        self.next = first
        self.refused: np.ndarray = np.array([], dtype=np.int64)  # refused numbers not yet passed

    def chunk(self, batches: list[pa.RecordBatch], rejected: list[Rejected]) -> UploadChunk:
        table = pa.Table.from_batches(batches) if batches else None
        rows = table.num_rows if table is not None else 0
        refused = np.sort(np.concatenate([self.refused, np.array([n for n, _, _ in rejected], dtype=np.int64)]))
        candidates = np.arange(self.next, self.next + rows + len(refused), dtype=np.int64)
        numbers = np.setdiff1d(candidates, refused, assume_unique=True)[:rows]
        if rows:
            self.next = int(numbers[-1]) + 1
            self.refused = refused[refused >= self.next]
        else:
            self.refused = refused
        if table is None:
            names = UPLOAD_COLUMNS
            table = pa.table([pa.array([], pa.string()) for _ in names], names=names)
        table, numbers = _without_blank_rows(_all_columns(table), numbers)
        return UploadChunk(table, numbers, sorted(rejected, key=lambda r: r[0]))


def _open_parquet(source: Source, chunk_rows: int) -> UploadStream:
    try:
        handle = pq.ParquetFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        schema = handle.schema_arrow
    except (pa.ArrowInvalid, OSError) as exc:
        raise UploadError("not a readable Parquet file (%(reason)s)", reason=str(exc)) from None
    _check_columns(schema.names)
    for name in schema.names:  # a column that cannot be text is refused before any row is read
        try:
            pa.array([], schema.field(name).type).cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise UploadError("a column cannot be read as text (%(reason)s)", reason=str(exc)) from None
    # columns of few values (codes, dates) are read as their dictionary and made text by a take: decoding
    # each value's text again costs more (a column without a dictionary in the file is read as before)
    coded = [n for n in FEW_VALUES if n in schema.names and pa.types.is_string(schema.field(n).type)]
    if coded:
        try:
            handle = pq.ParquetFile(io.BytesIO(source) if isinstance(source, bytes) else source, read_dictionary=coded)
        except (pa.ArrowInvalid, OSError) as exc:
            raise UploadError("not a readable Parquet file (%(reason)s)", reason=str(exc)) from None
    return UploadStream("parquet", _parquet_chunks(handle, chunk_rows))


def _parquet_chunks(handle: pq.ParquetFile, chunk_rows: int) -> Iterator[UploadChunk]:
    first = 1
    present = set(handle.schema_arrow.names)
    pending: list[pa.Table] = []  # batches end at row groups' ends where columns are read as dictionaries
    size = 0
    try:
        # one thread: the checks and the writer use the other core, and threads cost more than they bring here
        for batch in handle.iter_batches(batch_size=chunk_rows, use_threads=False):
            try:
                strings = [
                    batch.column(c).cast(pa.string()) if c in present else pa.nulls(batch.num_rows, pa.string())
                    for c in UPLOAD_COLUMNS
                ]
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise UploadError("a column cannot be read as text (%(reason)s)", reason=str(exc)) from None
            pending.append(pa.table(strings, names=UPLOAD_COLUMNS))
            size += batch.num_rows
            if size >= chunk_rows:  # chunks of chunk_rows rows, whatever the row groups
                rows = _gathered(pending)
                while rows.num_rows >= chunk_rows:
                    numbers = np.arange(first, first + chunk_rows, dtype=np.int64)
                    yield _utf8_rows(UploadChunk(rows.slice(0, chunk_rows), numbers))
                    rows, first = rows.slice(chunk_rows), first + chunk_rows
                pending, size = [rows], rows.num_rows
        if size:
            yield _utf8_rows(UploadChunk(_gathered(pending), np.arange(first, first + size, dtype=np.int64)))
    except pa.ArrowMemoryError:  # the machine's trouble, not the file's
        raise
    except (pa.ArrowException, OSError) as exc:  # a damaged page may fail as an index out of its dictionary
        raise UploadError("not a readable Parquet file (%(reason)s)", reason=str(exc)) from None


def _utf8_rows(chunk: UploadChunk) -> UploadChunk:
    """The chunk without its rows whose text is not UTF-8, each refused (``uploads.without_bad_utf8``)."""
    table, numbers, refused = without_bad_utf8(chunk.table, chunk.numbers)
    return UploadChunk(table, numbers, chunk.rejected + refused) if refused else chunk


def _gathered(tables: list[pa.Table]) -> pa.Table:
    """Tables one after another; the pieces of many small row groups made one (each piece costs the
    checks and the writer a step of their own)."""
    rows = pa.concat_tables(tables)
    return rows.combine_chunks() if rows.num_rows and rows.column(0).num_chunks > 16 else rows


def _lines(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes):
        content = source[len(BOM) :] if source.startswith(BOM) else source
        yield from content.split(b"\n")
        return
    with open(source, "rb") as handle:
        first = True
        for line in handle:
            if first and line.startswith(BOM):
                line = line[len(BOM) :]
            first = False
            yield line[:-1] if line.endswith(b"\n") else line


def _json_line_chunks(source: Source, chunk_rows: int) -> Iterator[UploadChunk]:
    """JSON lines, ``chunk_rows`` at a time, each line read as ``read_upload`` reads it."""
    columns: dict[str, list[str | None]] = {c: [] for c in UPLOAD_COLUMNS}
    numbers: list[int] = []
    rejected: list[Rejected] = []
    number = 0
    allowed = set(UPLOAD_COLUMNS)
    for line in _lines(source):
        if not line.strip():
            continue
        number += 1
        try:
            value = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            rejected.append((number, NOT_UTF8, {}))
            continue
        except json.JSONDecodeError as exc:
            rejected.append((number, "is not valid JSON (%(reason)s).", {"reason": exc.msg}))
            continue
        if not isinstance(value, dict):
            rejected.append((number, "is not a JSON object.", {}))
            continue
        unknown = set(value) - allowed
        if unknown:
            rejected.append((number, "unknown field(s) %(fields)s.", {"fields": ", ".join(sorted(unknown))}))
            continue
        numbers.append(number)
        for c in UPLOAD_COLUMNS:
            v = value.get(c)
            columns[c].append(None if v is None else str(v))
        if len(numbers) >= chunk_rows:
            yield _json_chunk(columns, numbers, rejected)
            columns, numbers, rejected = {c: [] for c in UPLOAD_COLUMNS}, [], []
    yield _json_chunk(columns, numbers, rejected)


def _json_chunk(columns: dict[str, list[str | None]], numbers: list[int], rejected: list[Rejected]) -> UploadChunk:
    table = pa.table({c: pa.array(columns[c], pa.string()) for c in UPLOAD_COLUMNS})
    return UploadChunk(table, np.array(numbers, dtype=np.int64), rejected)


T = TypeVar("T")
_END = object()


def read_ahead(items: Iterator[T], depth: int = 1) -> Generator[T, None, None]:
    """The items of ``items``, the next ones (at most ``depth``) read in a thread of their own while the
    caller works on the current one: Arrow parses and hashes without Python's lock, so reading overlaps the
    checks. The thread starts at once (so reading also overlaps what the caller does before it asks for the
    first item). An error of the reader comes out where its item would have. Closing the generator, even
    before its first item, stops the reader."""
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def read() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put(item, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    break
        except BaseException as exc:  # handed to the caller, raised there
            _put(slots, stop, exc)
        else:
            _put(slots, stop, _END)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    reader = threading.Thread(target=read, name="orders-read-ahead", daemon=True)
    reader.start()

    def results() -> Generator[T, None, None]:
        try:
            yield None  # type: ignore[misc]  # primed below: from here on, closing stops the reader
            while True:
                item = slots.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item  # type: ignore[misc]
        finally:
            stop.set()
            reader.join()

    started = results()
    next(started)
    return started


def _put(slots: queue.Queue[object], stop: threading.Event, item: object) -> None:
    while not stop.is_set():
        try:
            slots.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
