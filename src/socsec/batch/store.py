"""Order files on disk (pure: no Django): where a batch's files go, how they are written so that a
reader never sees half a file, and look-ups of already stored orders (uploads are read by ``uploads``).

Layout under the data dir::

    orders/month=YYYY-MM/platform=CODE/batch-000000042-<attempt>.parquet
    corrections/month=YYYY-MM/platform=CODE/batch-000000042-<attempt>.parquet
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from socsec.core.faults import fault

# Data files (orders, lines, bank files, exports) are the agency's and hold personal data: owner only.
FILE_MODE = 0o600


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


def write_file_atomic(path: Path, write: Callable[[Path], object]) -> str:
    """Any file the same way: ``write`` writes it at the temporary path it is given. Returns its SHA-256."""
    return _atomic(path, write)


def _atomic(path: Path, write: Callable[[Path], object]) -> str:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        fault("file.write", path)  # a full disk or read-only directory at the write
        write(tmp)
        fault("file.before_rename", path)  # killed with the file half done: only the temporary name exists
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


class AtomicParquetWriter:
    """A Parquet file written in pieces (record batches appended as they come) under a temporary name,
    then flushed and renamed into place by ``close``, or removed by ``abort``: a reader never sees half a
    file, and memory holds one piece at a time."""

    def __init__(
        self, path: Path, schema: pa.Schema, *, row_group_size: int | None = None, dictionary: list[str] | None = None
    ) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        self.path, self._tmp = path, Path(tmp_name)
        self._placed = False
        self.rows = 0
        self._row_group_size = row_group_size
        try:
            fault("file.write", path)  # a full disk or read-only directory at the write
            self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
                str(self._tmp), schema, use_dictionary=True if dictionary is None else dictionary
            )
        except BaseException:
            self._tmp.unlink(missing_ok=True)
            raise

    def write(self, table: pa.Table) -> None:
        assert self._writer is not None
        if table.num_rows:
            self._writer.write_table(table, row_group_size=self._row_group_size)
            self.rows += table.num_rows

    def close(self) -> str:
        """Finish the file and move it into place; returns its SHA-256."""
        assert self._writer is not None
        self._writer.close()
        self._writer = None
        fault("file.before_rename", self.path)  # killed with the file half done: only the temporary name exists
        digest = hashlib.sha256()
        with open(self._tmp, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
            os.fsync(handle.fileno())
        os.chmod(self._tmp, FILE_MODE)
        os.replace(self._tmp, self.path)
        self._placed = True
        directory = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return digest.hexdigest()

    def abort(self) -> None:
        """Leave nothing behind: the temporary file, or the file this writer moved into place (its name is
        its writer's own)."""
        if self._writer is not None:
            with contextlib.suppress(OSError, pa.ArrowException):
                self._writer.close()
            self._writer = None
        self._tmp.unlink(missing_ok=True)
        if self._placed:
            self.path.unlink(missing_ok=True)
