"""Order files on disk (pure: no Django): where a batch's files go, how they are written so that a
reader never sees half a file, how uploads are read, and look-ups of already stored orders.

Layout under the data dir::

    orders/month=YYYY-MM/platform=CODE/batch-000000042-<attempt>.parquet
    corrections/month=YYYY-MM/platform=CODE/batch-000000042-<attempt>.parquet
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

# Data files (orders, lines, bank files, exports) are the agency's and hold personal data: owner only.
FILE_MODE = 0o600

UPLOAD_COLUMNS = ["order_id", "action", "resident_id", "region", "sector", "order_date", "fare_cents"]
REQUIRED_COLUMNS = {"order_id", "order_date"}


UPLOAD_FORMATS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}


def upload_format(filename: str) -> str:
    """The upload format a file name says (by its extension), or '' when it says none we read."""
    return UPLOAD_FORMATS.get(Path(filename).suffix.lower(), "")


class UploadError(ValueError):
    """The upload as a whole cannot be read (encoding, format, columns); no row was looked at."""


def batch_path(data_dir: Path, kind: str, month: str, platform: str, batch_id: int, attempt: str) -> Path:
    """Where one attempt at a batch writes a month's file. Only the files its manifest lists count, so
    the leftovers of an interrupted attempt are never read (and can be swept up at leisure)."""
    name = f"batch-{batch_id:09d}-{attempt}.parquet"
    return data_dir / kind / f"month={month}" / f"platform={platform}" / name


def write_atomic(table: pa.Table, path: Path, **options: object) -> str:
    """Write a Parquet file under a temporary name, flush it to disk, then rename it into place.
    ``options`` go to ``pyarrow.parquet.write_table``. Returns the SHA-256 of the file."""
    return _atomic(path, lambda tmp: pq.write_table(table, tmp, **options))


def write_text_atomic(text: str, path: Path) -> str:
    """Write a UTF-8 text file (a bank file) the same way: whole or not at all. Returns its SHA-256."""
    return _atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _atomic(path: Path, write: Callable[[Path], object]) -> str:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)  # whatever the process's umask
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)  # the rename itself reaches the disk
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return digest


def read_upload(content: bytes, fmt: str) -> list[dict[str, str | None]]:
    """Rows of an upload (CSV with a header, Parquet, or JSON lines) as strings, column names checked."""
    if fmt == "parquet":
        try:
            table = pq.read_table(io.BytesIO(content))
        except (pa.ArrowInvalid, OSError) as exc:
            raise UploadError(f"not a readable Parquet file ({exc})") from None
        _check_columns(table.column_names)
        return [
            {k: (None if v is None else str(v)) for k, v in row.items()}
            for row in table.select([c for c in table.column_names if c in UPLOAD_COLUMNS]).to_pylist()
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"the file is not UTF-8 text (byte {exc.start} cannot be decoded)") from None
    if fmt == "jsonl":
        return _read_json_lines(text)
    if fmt == "csv":
        try:
            table = pacsv.read_csv(
                io.BytesIO(text.encode()),
                convert_options=pacsv.ConvertOptions(
                    column_types={c: pa.string() for c in UPLOAD_COLUMNS}, strings_can_be_null=True
                ),
            )
        except pa.ArrowInvalid as exc:
            raise UploadError(f"not a readable CSV file ({exc})") from None
        _check_columns(table.column_names)
        rows: list[dict[str, str | None]] = (  # every column was read as a string (or null)
            table.select([c for c in table.column_names if c in UPLOAD_COLUMNS]).to_pylist()
        )
        return rows
    raise UploadError(f"unknown format {fmt!r}: use csv, parquet or jsonl")


def _read_json_lines(text: str) -> list[dict[str, str | None]]:
    rows: list[dict[str, str | None]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UploadError(f"line {number} is not valid JSON ({exc.msg})") from None
        if not isinstance(value, dict):
            raise UploadError(f"line {number} is not a JSON object")
        unknown = set(value) - set(UPLOAD_COLUMNS)
        if unknown:
            raise UploadError(f"line {number}: unknown field(s) {', '.join(sorted(unknown))}")
        rows.append({k: (None if v is None else str(v)) for k, v in value.items()})
    if rows:
        _check_columns(set().union(*rows))
    return rows


def _check_columns(columns: Iterable[str]) -> None:
    present = set(columns)
    missing = REQUIRED_COLUMNS - present
    if missing:
        raise UploadError(f"missing column(s) {', '.join(sorted(missing))}; expected {', '.join(UPLOAD_COLUMNS)}")
    unknown = present - set(UPLOAD_COLUMNS)
    if unknown:
        raise UploadError(f"unknown column(s) {', '.join(sorted(unknown))}; expected {', '.join(UPLOAD_COLUMNS)}")


@dataclass(frozen=True)
class StoredOrder:
    """An order as it stands now: its latest values, or voided."""

    order_id: str
    month: str
    person_id: int
    region: str
    sector: str
    voided: bool


def stored_orders(order_files: list[str], correction_files: list[str], ids: Iterable[str]) -> dict[str, StoredOrder]:
    """The current state of the given order ids among stored files (latest correction wins)."""
    wanted = sorted(set(ids))
    if not wanted or not order_files:
        return {}
    con = duckdb.connect()
    try:
        con.register("wanted", pa.table({"order_id": pa.array(wanted, pa.string())}))
        found = {
            oid: StoredOrder(oid, month, int(pid), region, sector, False)
            for oid, month, pid, region, sector in con.sql(
                "SELECT order_id, month, person_id, region, sector FROM read_parquet($files, hive_partitioning = true)"
                " SEMI JOIN wanted USING (order_id)",
                params={"files": order_files},
            ).fetchall()
        }
        if correction_files:
            rows = con.sql(
                "SELECT order_id, action, new_person_id, new_region, new_sector, filename"
                " FROM read_parquet($files, hive_partitioning = true, filename = true)"
                " SEMI JOIN wanted USING (order_id) ORDER BY filename",
                params={"files": correction_files},
            ).fetchall()
            for oid, action, pid, region, sector, _file in rows:  # batch files sort by batch id
                old = found.get(oid)
                if old is None:
                    continue
                if action == "VOID":
                    found[oid] = StoredOrder(oid, old.month, old.person_id, old.region, old.sector, True)
                else:
                    found[oid] = StoredOrder(oid, old.month, int(pid), region, sector, False)
        return found
    finally:
        con.close()
