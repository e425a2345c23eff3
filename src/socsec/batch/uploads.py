"""Uploads of orders (pure: no Django): their size and row count checked before anything is parsed, then
read row by row so that a bad row is refused alone.

Row numbers: those of a spreadsheet for CSV and ``.xlsx`` (the header is row 1, the first order row 2;
a blank line keeps its number and is no order), the N-th non-blank line of a JSON-lines file, the N-th
row of a Parquet file. CSV is read as UTF-8 (with or without a byte-order mark) or GB18030/GBK, and the
column headers in English or Chinese (``ORDER_COLUMNS``; see ``sheets``); ``Upload.read_as`` says how.

A row that cannot be read (a short or long CSV row, bytes that are not UTF-8, a line that is not a JSON
object) is rejected with its number and the reason; the other rows are read. A file whose whole shape is
wrong (no header with the required columns, a Parquet file that cannot be opened) is an ``UploadError``.
Reasons are English templates with their values (``Upload.rejected``), so that a page translates them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .sheets import (
    XLSX,
    Column,
    Columns,
    UploadError,
    UploadTooLarge,
    cell_text,
    check_xlsx_extent,
    csv_header,
    decode_csv,
    is_utf8,
    with_header,
    xlsx_rows,
)

ORDER_COLUMNS = Columns(
    [
        Column("order_id", "订单号", ("订单编号", "订单ID"), "D202611030001"),
        Column("action", "操作", ("操作类型",), "NEW"),
        Column("resident_id", "证件号码", ("身份证号", "身份证号码", "公民身份号码"), "11010519491231002X"),
        Column("region", "地区代码", ("省份", "省份代码", "地区", "城市代码", "行政区划代码"), "440300"),
        Column("sector", "行业", ("行业代码",), "RIDE_HAILING"),
        Column("order_date", "完成日期", ("日期", "订单日期"), "2026-11-03"),
        Column("fare_cents", "金额（分）", ("金额分", "订单金额（分）"), "2350"),
    ]
)
UPLOAD_COLUMNS = ORDER_COLUMNS.names
REQUIRED_COLUMNS = {"order_id", "order_date"}


@dataclass(frozen=True)
class UploadKind:
    """What one kind of upload holds: its columns, the ones a file must have, and the column that only a
    blank row lacks (so that a file with every one of them costs one null count)."""

    columns: Columns
    required: frozenset[str]
    key: str

    @property
    def names(self) -> list[str]:
        return self.columns.names


ORDERS = UploadKind(ORDER_COLUMNS, frozenset(REQUIRED_COLUMNS), "order_id")
UPLOAD_FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".jsonl": "jsonl"}
_BAD_LINE = b"\x01"  # stands in for a CSV line that is not UTF-8: one field, so the parser rejects it
NOT_UTF8 = "the line is not UTF-8 text."


def upload_format(filename: str) -> str:
    """The upload format a file name says (by its extension), or '' when it says none we read."""
    return UPLOAD_FORMATS.get(Path(filename).suffix.lower(), "")


__all__ = ["UploadError", "UploadTooLarge"]


@dataclass
class Upload:
    """An upload's readable rows as strings (every one of ``UPLOAD_COLUMNS``, null where absent), each
    row's number, the rows that could not be read as (row, reason template, its values), by row, and how
    the file was read (``sheets.UTF8``, ``UTF8_BOM``, ``GB18030``, ``XLSX``, or the format)."""

    table: pa.Table
    numbers: np.ndarray  # int64, one per row of ``table``
    rejected: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)
    read_as: str = ""

    @property
    def total(self) -> int:
        return int(self.table.num_rows) + len(self.rejected)


def check_upload_limits(
    content: bytes, fmt: str, *, max_bytes: int, max_rows: int, max_xlsx_rows: int | None = None
) -> None:
    """Refuse an upload over ``max_bytes`` or ``max_rows`` without parsing it: the rows of a Parquet file
    are counted from its footer, those of a workbook from its sheet's XML (at most ``max_xlsx_rows``, and
    unpacking to at most 40 times ``max_bytes``), those of a text file by its line breaks (blank lines and
    the header included, so the count is never under the rows)."""
    if len(content) > max_bytes:
        raise UploadTooLarge("bytes", max_bytes, len(content))
    if fmt == "xlsx":
        max_rows = min(max_rows, max_xlsx_rows or max_rows)
        check_xlsx_extent(content, max_unpacked=40 * max_bytes, max_rows=max_rows)
        return
    elif fmt == "parquet":
        try:
            rows = int(pq.ParquetFile(io.BytesIO(content)).metadata.num_rows)
        except (pa.ArrowInvalid, OSError) as exc:
            raise UploadError("not a readable Parquet file (%(reason)s)", reason=str(exc)) from None
    else:
        rows = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
        if fmt == "csv":
            rows -= 1
    if rows > max_rows:
        raise UploadTooLarge("rows", max_rows, rows)


def read_upload(content: bytes, fmt: str, kind: UploadKind = ORDERS) -> Upload:
    """Read an upload (CSV with a header, Parquet, or JSON lines) row by row; ``kind`` says its columns
    (orders by default)."""
    if fmt == "parquet":
        return _read_parquet(content, kind)
    if fmt == "csv":
        return _read_csv(content, kind)
    if fmt == "xlsx":
        return _read_xlsx(content, kind)
    if fmt == "jsonl":
        return _read_json_lines(content, kind)
    raise UploadError("unknown format %(format)s: use csv, xlsx, parquet or jsonl", format=repr(fmt))


def _read_parquet(content: bytes, kind: UploadKind) -> Upload:
    try:
        table = pq.read_table(io.BytesIO(content))
    except (pa.ArrowInvalid, OSError) as exc:
        raise UploadError("not a readable Parquet file (%(reason)s)", reason=str(exc)) from None
    _check_columns(table.column_names, kind)
    try:
        strings = [
            table.column(c).cast(pa.string()) if c in table.column_names else pa.nulls(table.num_rows, pa.string())
            for c in kind.names
        ]
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise UploadError("a column cannot be read as text (%(reason)s)", reason=str(exc)) from None
    numbers = np.arange(1, table.num_rows + 1, dtype=np.int64)
    rows, numbers, refused = without_bad_utf8(pa.table(strings, names=kind.names), numbers)
    return Upload(rows, numbers, refused, read_as="parquet")


def all_ascii(column: pa.ChunkedArray | pa.Array) -> bool:
    """Whether every byte of the column's text is ASCII (read from its data buffers at memory speed; bytes
    of a buffer outside the column's slice count too, so a False may be wrong, a True never is)."""
    for chunk in column.chunks if isinstance(column, pa.ChunkedArray) else [column]:
        data = chunk.buffers()[2]
        if data is not None and data.size and int(np.frombuffer(data, dtype=np.uint8).max()) >= 0x80:
            return False
    return True


def without_bad_utf8(
    table: pa.Table, numbers: np.ndarray
) -> tuple[pa.Table, np.ndarray, list[tuple[int, str, dict[str, object]]]]:
    """The rows of a table read from Parquet whose text is all UTF-8, and the others refused (by number) as
    a CSV line that is not UTF-8 is: Arrow does not check Parquet's text when it reads it, and such text,
    stored, would make every later read fail. Text all ASCII is UTF-8 and is not checked further."""
    bad: np.ndarray | None = None
    for name in table.column_names:
        column = table.column(name)
        if all_ascii(column):
            continue
        try:
            column.validate(full=True)
            continue
        except pa.ArrowInvalid:
            pass
        rows = np.array([v is not None and not is_utf8(v) for v in column.cast(pa.binary()).to_pylist()], dtype=bool)
        bad = rows if bad is None else bad | rows
    if bad is None or not bad.any():
        return table, numbers, []
    refused: list[tuple[int, str, dict[str, object]]] = [(int(n), NOT_UTF8, {}) for n in numbers[bad]]
    return table.filter(pa.array(~bad)), numbers[~bad], refused


def csv_row_rejecter(rejected: list[tuple[int, str, dict[str, object]]]) -> Callable[[pacsv.InvalidRow], str]:
    """The CSV parser's handler of a row it cannot read: the row's number and why go to ``rejected``, and the
    row is skipped."""

    def reject(row: pacsv.InvalidRow) -> str:
        number = int(row.number or 0)  # the parser counts lines as a spreadsheet does: the header is 1
        if row.text == _BAD_LINE.decode():
            rejected.append((number, NOT_UTF8, {}))
        else:
            rejected.append(
                (
                    number,
                    "has %(fields)s fields; the header has %(header)s.",
                    {"fields": row.actual_columns, "header": row.expected_columns},
                )
            )
        return "skip"

    return reject


def _read_csv(content: bytes, kind: UploadKind) -> Upload:
    content, read_as, whole = decode_csv(content)
    headers, header_length = csv_header(content)
    names = kind.columns.canonical(headers)
    if names != headers:  # Chinese or other aliases: the engine reads the columns by their names
        content = with_header(content, names, header_length)
    if not whole:
        content = _mark_lines_not_utf8(content)
    rejected: list[tuple[int, str, dict[str, object]]] = []
    reject = csv_row_rejecter(rejected)
    try:
        table = pacsv.read_csv(
            io.BytesIO(content),
            read_options=pacsv.ReadOptions(use_threads=False),  # so that a rejected row's number is known
            # a blank line is a row of nulls, so that every row keeps the spreadsheet's number
            parse_options=pacsv.ParseOptions(invalid_row_handler=reject, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in kind.names}, strings_can_be_null=True
            ),
        )
    except pa.ArrowInvalid as exc:
        raise UploadError("not a readable CSV file (%(reason)s)", reason=str(exc)) from None
    _check_columns(table.column_names, kind)
    numbers = np.setdiff1d(
        np.arange(2, table.num_rows + len(rejected) + 2, dtype=np.int64),
        np.array([n for n, _, _ in rejected], dtype=np.int64),
        assume_unique=True,
    )
    table, numbers = _without_blank_rows(_all_columns(table, kind), numbers, kind)
    return Upload(table, numbers, sorted(rejected, key=lambda r: r[0]), read_as=read_as)


def _without_blank_rows(table: pa.Table, numbers: np.ndarray, kind: UploadKind = ORDERS) -> tuple[pa.Table, np.ndarray]:
    """Leave out the rows with no value at all (blank lines, a spreadsheet's empty rows): only a row
    without the kind's key (an order id) can be one, so a file with every key costs one null count."""
    if table.column(kind.key).null_count == 0:
        return table, numbers
    blank = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        blank &= column.is_null().to_numpy(zero_copy_only=False)
    if not blank.any():
        return table, numbers
    return table.filter(pa.array(~blank)), numbers[~blank]


def _read_xlsx(content: bytes, kind: UploadKind) -> Upload:
    cells = xlsx_rows(content)
    first = next((i for i, row in enumerate(cells) if any(v not in (None, "") for v in row)), None)
    if first is None:
        raise UploadError("the file is empty: the first row must name the columns")
    header = [str(cell_text(v) or "") for v in cells[first]]
    while header and not header[-1]:
        header.pop()
    names = kind.columns.canonical(header)
    _check_columns(names, kind)
    columns: dict[str, list[str | None]] = {c: [] for c in kind.names}
    numbers: list[int] = []
    rejected: list[tuple[int, str, dict[str, object]]] = []
    for i in range(first + 1, len(cells)):
        values = [cell_text(v) for v in cells[i]]
        if not any(values):
            continue
        extra = [v for v in values[len(names) :] if v is not None]
        if extra:
            rejected.append(
                (
                    i + 1,
                    "has %(fields)s fields; the header has %(header)s.",
                    {"fields": len(values), "header": len(names)},
                )
            )
            continue
        numbers.append(i + 1)
        row = dict(zip(names, values, strict=False))
        for c in kind.names:
            columns[c].append(row.get(c))
    table = pa.table({c: pa.array(columns[c], pa.string()) for c in kind.names})
    return Upload(table, np.array(numbers, dtype=np.int64), rejected, read_as=XLSX)


def _mark_lines_not_utf8(content: bytes) -> bytes:
    lines = content.split(b"\n")
    for i, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            lines[i] = _BAD_LINE
    return b"\n".join(lines)


def _read_json_lines(content: bytes, kind: UploadKind) -> Upload:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    columns: dict[str, list[str | None]] = {c: [] for c in kind.names}
    numbers: list[int] = []
    rejected: list[tuple[int, str, dict[str, object]]] = []
    number = 0
    for line in content.split(b"\n"):
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
        unknown = set(value) - set(kind.names)
        if unknown:
            rejected.append((number, "unknown field(s) %(fields)s.", {"fields": ", ".join(sorted(unknown))}))
            continue
        numbers.append(number)
        for c in kind.names:
            v = value.get(c)
            columns[c].append(None if v is None else str(v))
    table = pa.table({c: pa.array(columns[c], pa.string()) for c in kind.names})
    return Upload(table, np.array(numbers, dtype=np.int64), rejected, read_as="jsonl")


def _all_columns(table: pa.Table, kind: UploadKind = ORDERS) -> pa.Table:
    return pa.table(
        [table.column(c) if c in table.column_names else pa.nulls(table.num_rows, pa.string()) for c in kind.names],
        names=kind.names,
    )


def _check_columns(columns: Iterable[str], kind: UploadKind = ORDERS) -> None:
    present = set(columns) - {""}
    missing = kind.required - present
    expected = ", ".join(kind.names)
    if missing:
        raise UploadError(
            "missing column(s) %(columns)s; expected %(expected)s",
            columns=", ".join(sorted(missing)),
            expected=expected,
        )
    unknown = present - set(kind.names)
    if unknown:
        raise UploadError(
            "unknown column(s) %(columns)s; expected %(expected)s",
            columns=", ".join(sorted(unknown)),
            expected=expected,
        )
