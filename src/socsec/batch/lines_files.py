"""A run's lines file and its copy sorted by worker, which a worker's statement reads.

The lines file keeps the plan's order (platform x province x sector x worker), which the increment
merges by. A worker's lines are spread over all of it, so reading one worker would read the whole month.
Beside it, ``<name>.by-person.parquet`` holds the same lines sorted by worker in small row groups with
statistics: a read of one worker skips every row group whose range of workers cannot hold them, so it
costs about the same whatever the size of the month."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .lines import LINES_FILE_OPTIONS
from .plan import duckdb_cursor
from .store import write_atomic, write_file_atomic

ROW_GROUP = 16_384  # lines per row group of the by-worker copy: a worker's read decodes about this many
TAKE = 64 * ROW_GROUP  # lines sorted and written at a time (whole row groups): bounds the extra memory


def by_person_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.by-person.parquet")


def write_lines(lines: pa.Table, path: Path, copy: Path | None = None) -> str:
    """Write a run's lines file (returns its SHA-256) and its copy sorted by worker (at ``copy``, beside
    the file by default), each whole or not at all, side by side (Parquet's writer, the sort and the
    take let go of the interpreter). The copy is derived: a missing one is read around (``person_lines``
    falls back to the file)."""
    copy = copy or by_person_path(path)
    with ThreadPoolExecutor(max_workers=1) as pool:
        written = pool.submit(write_atomic, lines, path, **LINES_FILE_OPTIONS)
        try:
            write_file_atomic(copy, partial(_write_by_person, lines))
        finally:
            try:
                digest = written.result()  # the file's own failure first
            except BaseException:
                copy.unlink(missing_ok=True)  # no copy of a file that is not there
                raise
    return digest


def _write_by_person(lines: pa.Table, tmp: Path) -> None:
    """The lines sorted by worker (plan order kept within a worker), ``TAKE`` at a time, in row groups of
    ``ROW_GROUP``. Text columns (a few platforms, provinces and sectors) are taken as dictionary codes,
    several times faster than taking text; the file keeps no Arrow schema, so it reads back as text."""
    order = np.argsort(lines["person_id"].to_numpy(), kind="stable")
    coded = pa.table(
        [c.dictionary_encode() if pa.types.is_string(c.type) else c for c in lines.columns], names=lines.column_names
    ).unify_dictionaries()
    with pq.ParquetWriter(tmp, coded.schema, store_decimal_as_integer=True, store_schema=False) as writer:
        for start in range(0, order.size, TAKE):
            writer.write_table(coded.take(pa.array(order[start : start + TAKE])), row_group_size=ROW_GROUP)
        if not order.size:
            writer.write_table(coded, row_group_size=ROW_GROUP)


COLUMNS = "month, platform, province, sector, order_count, amount_cents, coverage_reason"


PersonLine = tuple[str, str, str, str, int, int, int]


def person_lines(files: list[str], person_id: int) -> list[PersonLine]:
    """A worker's lines in runs' lines files (paths under ``month=YYYY-MM`` folders), from each file's
    copy sorted by worker where there is one: (month, platform, province, sector, order_count,
    amount_cents, coverage_reason), by month, platform, province and sector."""
    if not files:
        return []
    read = []
    for name in files:
        copy = by_person_path(Path(name))
        read.append(str(copy) if copy.exists() else name)
    con = duckdb_cursor()
    try:
        rows: list[PersonLine] = con.sql(
            f"SELECT {COLUMNS} FROM read_parquet($files, hive_partitioning = true) WHERE person_id = $person"
            " ORDER BY month, platform, province, sector",
            params={"files": read, "person": person_id},
        ).fetchall()
        return rows
    finally:
        con.close()
