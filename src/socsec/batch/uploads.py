"""Uploads of orders (pure: no Django): their size and row count checked before anything is parsed, then
read row by row so that a bad row is refused alone.

Row numbers: row N is the N-th non-blank line after the header of a CSV file, the N-th non-blank line of
a JSON-lines file, the N-th row of a Parquet file. In a file without blank lines, CSV row N is line N+1
and JSON-lines row N is line N.

A row that cannot be read (a short or long CSV row, bytes that are not UTF-8, a line that is not a JSON
object) is rejected with its number and the reason; the other rows are read. A file whose whole shape is
wrong (no header with the required columns, a Parquet file that cannot be opened) is an ``UploadError``.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

UPLOAD_COLUMNS = ["order_id", "action", "resident_id", "region", "sector", "order_date", "fare_cents"]
REQUIRED_COLUMNS = {"order_id", "order_date"}
UPLOAD_FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}
_BAD_LINE = b"\x01"  # stands in for a CSV line that is not UTF-8: one field, so the parser rejects it


def upload_format(filename: str) -> str:
    """The upload format a file name says (by its extension), or '' when it says none we read."""
    return UPLOAD_FORMATS.get(Path(filename).suffix.lower(), "")


class UploadError(ValueError):
    """The upload as a whole cannot be read (encoding of the header, format, columns)."""


class UploadTooLarge(UploadError):
    """The upload is over a limit (``unit`` is "bytes" or "rows"); found before it was parsed."""

    def __init__(self, unit: str, limit: int, got: int) -> None:
        super().__init__(f"the upload has {got} {unit}; at most {limit} {unit} are accepted in one batch")
        self.unit, self.limit, self.got = unit, limit, got


@dataclass
class Upload:
    """An upload's readable rows as strings (every one of ``UPLOAD_COLUMNS``, null where absent), each
    row's number, and the rows that could not be read as (row, reason), by row."""

    table: pa.Table
    numbers: np.ndarray  # int64, one per row of ``table``
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return int(self.table.num_rows) + len(self.rejected)


def check_upload_limits(content: bytes, fmt: str, *, max_bytes: int, max_rows: int) -> None:
    """Refuse an upload over ``max_bytes`` or ``max_rows`` without parsing it: the rows of a Parquet file
    are counted from its footer, those of a text file by its line breaks (blank lines and the header
    included, so the count is never under the rows)."""
    if len(content) > max_bytes:
        raise UploadTooLarge("bytes", max_bytes, len(content))
    if fmt == "parquet":
        try:
            rows = int(pq.ParquetFile(io.BytesIO(content)).metadata.num_rows)
        except (pa.ArrowInvalid, OSError) as exc:
            raise UploadError(f"not a readable Parquet file ({exc})") from None
    else:
        rows = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
        if fmt == "csv":
            rows -= 1
    if rows > max_rows:
        raise UploadTooLarge("rows", max_rows, rows)


def read_upload(content: bytes, fmt: str) -> Upload:
    """Read an upload (CSV with a header, Parquet, or JSON lines) row by row."""
    if fmt == "parquet":
        return _read_parquet(content)
    if fmt == "csv":
        return _read_csv(content)
    if fmt == "jsonl":
        return _read_json_lines(content)
    raise UploadError(f"unknown format {fmt!r}: use csv, parquet or jsonl")


def _read_parquet(content: bytes) -> Upload:
    try:
        table = pq.read_table(io.BytesIO(content))
    except (pa.ArrowInvalid, OSError) as exc:
        raise UploadError(f"not a readable Parquet file ({exc})") from None
    _check_columns(table.column_names)
    try:
        strings = [
            table.column(c).cast(pa.string()) if c in table.column_names else pa.nulls(table.num_rows, pa.string())
            for c in UPLOAD_COLUMNS
        ]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise UploadError(f"a column cannot be read as text ({exc})") from None
    return Upload(pa.table(strings, names=UPLOAD_COLUMNS), np.arange(1, table.num_rows + 1, dtype=np.int64))


def _read_csv(content: bytes) -> Upload:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    header_end = content.find(b"\n")
    header = content if header_end < 0 else content[:header_end]
    try:
        header.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadError(f"the header line is not UTF-8 text (byte {exc.start} cannot be decoded)") from None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        content = _mark_lines_not_utf8(content)
    rejected: list[tuple[int, str]] = []

    def reject(row: pacsv.InvalidRow) -> str:
        number = int(row.number or 0) - 1  # the parser counts the header as line 1
        if row.text == _BAD_LINE.decode():
            rejected.append((number, "the line is not UTF-8 text."))
        else:
            rejected.append((number, f"has {row.actual_columns} fields; the header has {row.expected_columns}."))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(content),
            read_options=pacsv.ReadOptions(use_threads=False),  # so that a rejected row's number is known
            parse_options=pacsv.ParseOptions(invalid_row_handler=reject),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in UPLOAD_COLUMNS}, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as exc:
        raise UploadError(f"not a readable CSV file ({exc})") from None
    _check_columns(table.column_names)
    numbers = np.setdiff1d(
        np.arange(1, table.num_rows + len(rejected) + 1, dtype=np.int64),
        np.array([n for n, _ in rejected], dtype=np.int64),
        assume_unique=True,
    )
    return Upload(_all_columns(table), numbers, sorted(rejected))


def _mark_lines_not_utf8(content: bytes) -> bytes:
    lines = content.split(b"\n")
    for i, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            lines[i] = _BAD_LINE
    return b"\n".join(lines)


def _read_json_lines(content: bytes) -> Upload:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    columns: dict[str, list[str | None]] = {c: [] for c in UPLOAD_COLUMNS}
    numbers: list[int] = []
    rejected: list[tuple[int, str]] = []
    number = 0
    for line in content.split(b"\n"):
        if not line.strip():
            continue
        number += 1
        try:
            value = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            rejected.append((number, "the line is not UTF-8 text."))
            continue
        except json.JSONDecodeError as exc:
            rejected.append((number, f"is not valid JSON ({exc.msg})."))
            continue
        if not isinstance(value, dict):
            rejected.append((number, "is not a JSON object."))
            continue
        unknown = set(value) - set(UPLOAD_COLUMNS)
        if unknown:
            rejected.append((number, f"unknown field(s) {', '.join(sorted(unknown))}."))
            continue
        numbers.append(number)
        for c in UPLOAD_COLUMNS:
            v = value.get(c)
            columns[c].append(None if v is None else str(v))
    table = pa.table({c: pa.array(columns[c], pa.string()) for c in UPLOAD_COLUMNS})
    return Upload(table, np.array(numbers, dtype=np.int64), rejected)


def _all_columns(table: pa.Table) -> pa.Table:
    return pa.table(
        [table.column(c) if c in table.column_names else pa.nulls(table.num_rows, pa.string()) for c in UPLOAD_COLUMNS],
        names=UPLOAD_COLUMNS,
    )


def _check_columns(columns: Iterable[str]) -> None:
    present = set(columns)
    missing = REQUIRED_COLUMNS - present
    if missing:
        raise UploadError(f"missing column(s) {', '.join(sorted(missing))}; expected {', '.join(UPLOAD_COLUMNS)}")
    unknown = present - set(UPLOAD_COLUMNS)
    if unknown:
        raise UploadError(f"unknown column(s) {', '.join(sorted(unknown))}; expected {', '.join(UPLOAD_COLUMNS)}")
