"""The files a clerk saves from a spreadsheet (pure: no Django): CSV text in the encodings Excel writes
(UTF-8, UTF-8 with a byte-order mark, and the Chinese GB18030/GBK), ``.xlsx`` workbooks, and column
headers in either language through one table of names (``Columns``), which the templates use too.

Row numbers are the spreadsheet's: the header is row 1 and the first row under it is row 2 (in a
workbook, the sheet's own row numbers, the header being its first row that is not empty)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"
# how a file was read: said back to the clerk, kept on the batch
UTF8, UTF8_BOM, GB18030, XLSX = "utf-8", "utf-8-sig", "gb18030", "xlsx"


class UploadError(ValueError):
    """The upload as a whole cannot be read. ``template`` (English, ``%(name)s`` placeholders) and
    ``params`` stay on the error, so that a page can say it in the reader's language."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params if params else template)
        self.template, self.params = template, params


class UploadTooLarge(UploadError):
    """The upload is over a limit (``unit`` is "bytes" or "rows"); found before it was parsed."""

    def __init__(self, unit: str, limit: int, got: int) -> None:
        super().__init__(
            "the upload has %(got)s %(unit)s; at most %(limit)s %(unit)s are accepted in one batch",
            got=got,
            unit=unit,
            limit=limit,
        )
        self.unit, self.limit, self.got = unit, limit, got


@dataclass(frozen=True)
class Column:
    """One column of an upload: its name (the English header), its Chinese header, the other headers
    read as it, and the value of the templates' example row."""

    name: str
    zh: str
    aliases: tuple[str, ...] = ()
    example: str = ""


def header_key(text: str) -> str:
    """A header as compared: full-width forms folded (NFKC), case, spaces, ``_`` and ``-`` ignored."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).lower()


class Columns:
    """The columns of one kind of upload, and every header (either language, and the aliases) that
    names each of them."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.names = [c.name for c in columns]
        self._by_key: dict[str, str] = {}
        for c in columns:
            for header in (c.name, c.zh, *c.aliases):
                self._by_key[header_key(header)] = c.name

    def canonical(self, headers: Iterable[str]) -> list[str]:
        """Each header as the column's name; a header of no column is kept as written (and refused by the
        caller, by that name). A column named twice is an ``UploadError``."""
        names = [self._by_key.get(header_key(h), h.strip()) for h in headers]
        seen: set[str] = set()
        for n in names:
            if n in seen and n in self.names:
                raise UploadError("the column %(column)s appears twice in the header", column=n)
            seen.add(n)
        return names

    def headers(self, language: str) -> list[str]:
        """The headers of the templates in a language ("zh..." Chinese, otherwise English)."""
        return [c.zh if language.startswith("zh") else c.name for c in self.columns]


def decode_csv(content: bytes) -> tuple[bytes, str, bool]:
    """The CSV as UTF-8 bytes (without a byte-order mark), how it was read, and whether all of it is
    UTF-8 (False: some lines are not, to be refused alone by the caller). UTF-8 is tried strictly
    first (nothing is copied for a UTF-8 file); a file that is not UTF-8 is read as GB18030 (a superset of
    GBK, what Excel writes for "CSV" on a Chinese system) when all of it decodes so, and its header line
    is not UTF-8 (a UTF-8 header says a UTF-8 file with damaged lines, which the reader refuses alone)."""
    how = UTF8
    if content.startswith(BOM):
        content, how = content[len(BOM) :], UTF8_BOM
    if is_utf8(content):
        return content, how, True
    end = content.find(b"\n")
    header = content if end < 0 else content[:end]
    header_is_utf8 = not header.isascii() and is_utf8(header)
    if not header_is_utf8 and how == UTF8 and not _mostly_utf8(content):
        try:
            text = content.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            _refuse_other_encoding(text)
            return text.encode("utf-8"), GB18030, True
    if is_utf8(header):
        return content, how, False
    raise UploadError("the file is neither UTF-8 nor GB18030 (GBK) text; save it from Excel as CSV or as .xlsx")


OTHER_ENCODING = (
    "the file seems to be in another encoding (such as Big5 or Shift-JIS): its text read as GBK is garbled; "
    "save the file as UTF-8 or GBK"
)


def _refuse_other_encoding(text: str) -> None:
    """GB18030 decodes nearly any bytes, so text in Big5 or Shift-JIS reads as garbled Chinese. Such
    text is refused: it holds private-use characters (no GBK text does), or more than a third of its
    characters beyond ASCII (at least 4) are rare ones (outside GB2312's 7,445 common characters), where
    Chinese text, names with rare characters included, has few."""
    wide = [c for c in text if ord(c) > 127 and not c.isspace()]
    if any(0xE000 <= ord(c) <= 0xF8FF for c in wide):
        raise UploadError(OTHER_ENCODING)
    rare = sum(1 for c in wide if not _in_gb2312(c))
    if rare >= 4 and 3 * rare > len(wide):
        raise UploadError(OTHER_ENCODING)


def _in_gb2312(c: str) -> bool:
    try:
        c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> bool:
    """Whether text that is not all UTF-8 is still UTF-8 with a few damaged bytes: its characters beyond
    ASCII decode as UTF-8 twenty times as often as they fail (GBK text read as UTF-8 mostly fails)."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    beyond_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return beyond_ascii >= 20 * bad


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def csv_header(content: bytes) -> tuple[list[str], int]:
    """The header line's fields of UTF-8 CSV bytes, and where the line ends (before its line break)."""
    end = content.find(b"\n")
    line = content if end < 0 else content[:end]
    line = line[:-1] if line.endswith(b"\r") else line
    fields = next(csv.reader([line.decode("utf-8")]), [])
    return fields, len(line)


def with_header(content: bytes, names: Sequence[str], header_length: int) -> bytes:
    """The CSV bytes with the header line replaced by ``names``."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(names)
    return buffer.getvalue().encode("utf-8") + content[header_length:]


def xlsx_rows(content: bytes) -> list[list[object]]:
    """The cells of a workbook's first sheet, from its row 1 (python-calamine: measured about 13 times
    faster than openpyxl's read-only mode on 100,000 rows)."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        rows: list[list[object]] = [list(row) for row in sheet.to_python(skip_empty_area=False)]
        return rows
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise UploadError("not a readable .xlsx workbook (%(reason)s)", reason=str(exc)) from None


MAX_XLSX_COLUMNS = 64  # a workbook is read as a full grid from A1: more columns than any upload has is refused
_CELL_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")
_XLSX_TAG = re.compile(rb"<(?:\w+:)?(row|c|dimension)(?=[\s/>])([^>]*)")
_R_ATTR = re.compile(rb"""\b(?:r|ref)\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True)
class XlsxExtent:
    """How far a workbook's first sheet reaches, found in its XML without parsing it: the ``<row>``
    elements, and the last row and column any cell or the sheet's dimension names (the grid a reader
    builds from A1)."""

    row_elements: int
    last_row: int
    last_column: int

    @property
    def rows(self) -> int:
        return max(self.row_elements, self.last_row)


def column_number(letters: bytes) -> int:
    """``A`` is 1, ``Z`` 26, ``AA`` 27, ``XFD`` 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan(data: bytes, state: list[int]) -> None:
    """Advances ``state`` ([row elements, last row, last column, this row's column]) over complete tags."""
    for tag, attrs in _XLSX_TAG.findall(data):
        ref = _R_ATTR.search(attrs)
        if tag == b"row":
            state[0] += 1
            state[3] = 0
            row = int(ref.group(1)) if ref and ref.group(1).isdigit() else state[0]
            state[1] = max(state[1], row)
        elif tag == b"c":
            cell = _CELL_REF.fullmatch(ref.group(1)) if ref else None
            state[3] = column_number(cell.group(1)) if cell else state[3] + 1
            state[2] = max(state[2], state[3])
            if cell:
                state[1] = max(state[1], int(cell.group(2)))
        else:
            for cell in _CELL_REF.finditer(ref.group(1) if ref else b""):
                state[1], state[2] = max(state[1], int(cell.group(2))), max(state[2], column_number(cell.group(1)))


def xlsx_extent(content: bytes, *, max_unpacked: int) -> XlsxExtent:
    """The reach of a workbook's first sheet (``XlsxExtent``), read as a stream. The bytes each part
    unpacks to are counted as they are unpacked (not taken from the archive's own claims): over
    ``max_unpacked`` in all, the workbook is refused as too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            declared = sum(i.file_size for i in archive.infolist())
            if declared > max_unpacked:
                raise UploadTooLarge("bytes", max_unpacked, declared)
            sheets = sorted(
                (n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                key=lambda n: int(re.sub(r"\D", "", n)),
            )
            if not sheets:
                raise UploadError("not a readable .xlsx workbook (%(reason)s)", reason="no worksheet")
            unpacked, state = 0, [0, 0, 0, 0]
            for name in [sheets[0], *(n for n in archive.namelist() if n != sheets[0])]:
                tail = b""
                with archive.open(name) as part:
                    for chunk in iter(lambda: part.read(1 << 20), b""):  # noqa: B023 (read at once)
                        unpacked += len(chunk)
                        if unpacked > max_unpacked:
                            raise UploadTooLarge("bytes", max_unpacked, unpacked)
                        if name != sheets[0]:
                            continue
                        data = tail + chunk
                        cut = data.rfind(b"<")  # the last tag may be cut in two: read with the next chunk
                        _scan(data[:cut] if cut >= 0 else data, state)
                        tail = data[cut:] if cut >= 0 else b""
                        if len(tail) > 1 << 20:
                            raise UploadError("not a readable .xlsx workbook (%(reason)s)", reason="a tag too long")
                if name == sheets[0]:
                    _scan(tail + b" ", state)
            return XlsxExtent(row_elements=state[0], last_row=state[1], last_column=state[2])
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise UploadError("not a readable .xlsx workbook (%(reason)s)", reason=str(exc)) from None


def xlsx_row_count(content: bytes, *, max_unpacked: int) -> int:
    """The rows a reader makes of a workbook's first sheet (an upper bound), without parsing it."""
    return xlsx_extent(content, max_unpacked=max_unpacked).rows


def check_xlsx_extent(content: bytes, *, max_unpacked: int, max_rows: int, max_columns: int = MAX_XLSX_COLUMNS) -> None:
    """Refuse a workbook whose first sheet reaches past ``max_rows`` rows under its header or past
    ``max_columns`` columns, before it is parsed (a reader builds the whole grid from A1)."""
    extent = xlsx_extent(content, max_unpacked=max_unpacked)
    if extent.last_column > max_columns:
        raise UploadTooLarge("columns", max_columns, extent.last_column)
    if extent.rows - 1 > max_rows:
        raise UploadTooLarge("rows", max_rows, extent.rows - 1)


def cell_text(value: object) -> str | None:
    """A workbook cell as the text a CSV would hold: a whole number without ``.0``, a date as
    YYYY-MM-DD, an empty cell as None."""
    if type(value) is str:  # most cells: checked first
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


@dataclass
class Sheet:
    """The rows of a spreadsheet as text under the columns' names, each with its row number."""

    names: list[str]
    rows: list[list[str | None]]
    numbers: list[int]


def read_sheet(content: bytes, fmt: str, columns: Columns) -> tuple[Sheet, str]:
    """A CSV or ``.xlsx`` file's rows under the columns' names (headers mapped, blank rows left out), and
    how it was read. Rows of another length than the header are padded or cut (the caller checks the
    values). For small files (a form's uploads); orders go through their engine's reader."""
    if fmt == "xlsx":
        cells, how = xlsx_rows(content), XLSX
        table = [[cell_text(v) for v in row] for row in cells]
    else:
        text, how, _whole = decode_csv(content)
        try:
            lines = list(csv.reader(io.StringIO(text.decode("utf-8", errors="replace"))))
        except csv.Error as exc:
            raise UploadError("not a readable CSV file (%(reason)s)", reason=str(exc)) from None
        table = [[(v.strip() or None) for v in row] for row in lines]
    first = next((i for i, row in enumerate(table) if any(row)), None)
    if first is None:
        raise UploadError("the file is empty: the first row must name the columns")
    header = [v or "" for v in table[first]]
    while header and not header[-1]:
        header.pop()
    names = columns.canonical(header)
    rows, numbers = [], []
    for i in range(first + 1, len(table)):
        row = table[i]
        if not any(row):
            continue
        rows.append([*row[: len(names)], *([None] * (len(names) - len(row)))])
        numbers.append(i + 1)
    return Sheet(names, rows, numbers), how
