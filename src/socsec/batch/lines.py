"""An assessment's lines (one per platform x worker x province x sector, in the plan's order): their
columns, how a run's lines file is written, and the runs of equal platform x province x sector they
fall into (pricing looks up the rules once per run, the increment merges by run)."""

from __future__ import annotations

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


def line_runs(table: pa.Table) -> Runs:
    """Where each run of equal platform x province x sector starts, and its values."""
    n = table.num_rows
    change = np.ones(n, dtype=bool)
    if n > 1:
        change[1:] = False
        for name in ("platform", "province", "sector"):
            column = table[name]
            if pa.types.is_dictionary(column.type):  # as read from a lines file: compare the codes
                codes = pc.fill_null(column.unify_dictionaries().combine_chunks().indices, -1).to_numpy()
                change[1:] |= codes[1:] != codes[:-1]
                continue
            at = 0  # each chunk against itself shifted by one, and its first value against the last before
            previous: pa.Scalar | None = None
            for chunk in column.chunks:
                size = len(chunk)
                if not size:
                    continue
                if previous is not None:
                    first = chunk[0]
                    change[at] |= not (first.is_valid and previous.is_valid and first == previous)
                if size > 1:
                    differs = pc.fill_null(pc.not_equal(chunk.slice(1), chunk.slice(0, size - 1)), True)
                    change[at + 1 : at + size] |= differs.to_numpy(zero_copy_only=False)
                previous, at = chunk[size - 1], at + size
    starts = np.flatnonzero(change)
    keys = table.select(["platform", "province", "sector"]).take(pa.array(starts, pa.int64()))
    values = list(zip(*(keys[c].to_pylist() for c in ("platform", "province", "sector")), strict=True))
    return starts, values
