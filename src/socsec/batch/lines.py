"""An assessment's lines (one per platform x worker x province x sector, in the plan's order): their
columns, how a run's lines file is written, and the runs of equal platform x province x sector they
fall into (pricing looks up the rules once per run, the increment merges by run)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# How a run's lines file is written (``pyarrow.parquet.write_table`` options): the per-order amounts as
# integers, which an increment reads back several times faster than fixed-size bytes (any lines file
# reads, written so or not).
LINES_FILE_OPTIONS: dict[str, object] = {"store_decimal_as_integer": True}
LINE_SCHEMA = pa.schema(
    [
        ("platform", pa.string()),
        ("person_id", pa.int64()),
        ("province", pa.string()),
        ("sector", pa.string()),
        ("order_count", pa.int64()),
    ]
)
Runs = tuple[np.ndarray, list[tuple[str, str, str]]]  # where each run of a platform x province x sector starts


PIECE = 1 << 20  # lines compared per task: the pieces of a large table are compared in threads


def line_runs(table: pa.Table) -> Runs:
    """Where each run of equal platform x province x sector starts, and its values. In a text column a
    null differs from everything, itself included (it starts a run of its own); in a dictionary column
    (a lines file read back) nulls next to each other are one run."""
    n = table.num_rows
    change = np.ones(n, dtype=bool)
    if n > 1:
        change[1:] = False
        columns = [table[name] for name in ("platform", "province", "sector")]
        plain = []
        for column in columns:
            if pa.types.is_dictionary(column.type):  # as read from a lines file: compare the codes
                codes = pc.fill_null(column.unify_dictionaries().combine_chunks().indices, -1).to_numpy()
                change[1:] |= codes[1:] != codes[:-1]
            else:
                plain.append(column)
        pieces = range(1, n, PIECE)
        if plain and len(pieces) > 1:  # Arrow's kernels let go of the interpreter: pieces side by side
            with ThreadPoolExecutor(max_workers=min(len(pieces), os.cpu_count() or 1)) as pool:
                list(pool.map(lambda lo: _changes(plain, lo, min(lo + PIECE, n), change), pieces))
        elif plain:
            _changes(plain, 1, n, change)
    starts = np.flatnonzero(change)
    keys = table.select(["platform", "province", "sector"]).take(pa.array(starts, pa.int64()))
    values = list(zip(*(keys[c].to_pylist() for c in ("platform", "province", "sector")), strict=True))
    return starts, values


def _changes(columns: list[pa.ChunkedArray], lo: int, hi: int, change: np.ndarray) -> None:
    """Mark in ``change`` the lines in [lo, hi) (lo >= 1) whose value differs from the line before in
    any of ``columns`` (each task its own lines: no two write the same)."""
    for column in columns:
        differs = pc.fill_null(pc.not_equal(column.slice(lo, hi - lo), column.slice(lo - 1, hi - lo)), True)
        change[lo:hi] |= differs.to_numpy()
