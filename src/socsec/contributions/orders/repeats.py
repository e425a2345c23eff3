"""Rows of one batch that repeat an earlier row's order id (NEW twice, or corrected twice), found in the
engine: within a chunk by one grouping, across chunks against the ids of the chunks before, kept in a
DuckDB table on disk (its memory is bounded whatever the batch's size)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext_noop as noop

from socsec.contributions.errors import OrderRowErrorCode as Code

from .report import RowErrors

REPEATS_ROW = noop("repeats row %(row)s.")
CORRECTED_TWICE = noop("is corrected twice in this batch (row %(row)s).")


def repeat_keys(table: pa.Table) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """The rows that can repeat (with an order id and a known action), the key of each (action kind and
    id), and whether each is a NEW one."""
    action = pc.utf8_upper(pc.utf8_trim_whitespace(pc.fill_null(table["action"], "")))
    group = pc.if_else(
        pc.is_in(action, pa.array(["", "NEW"])),
        "NEW",
        pc.if_else(pc.is_in(action, pa.array(["VOID", "AMEND"])), "FIX", pa.scalar(None, pa.string())),
    )
    order_id = pc.utf8_trim_whitespace(table["order_id"])
    counted = pc.fill_null(pc.and_(pc.is_valid(group), pc.not_equal(order_id, "")), False).to_numpy(
        zero_copy_only=False
    )  # a row without an id or action repeats nothing
    mask = pa.array(counted)
    key = pc.binary_join_element_wise(group.filter(mask), order_id.filter(mask), "\x00")
    is_new = pc.equal(group.filter(mask), "NEW").to_numpy(zero_copy_only=False)
    return counted, key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key, is_new


def refuse_repeats(
    table: pa.Table, numbers: np.ndarray, errors: RowErrors, earlier: np.ndarray | None = None
) -> tuple[pa.Table, np.ndarray]:
    """Refuse every row that repeats an earlier row's order id; ``earlier`` gives, for each countable row
    (in order), the number of a row of an earlier chunk with the same key (0: none). Returns the others."""
    counted, key, is_new_all = repeat_keys(table)
    rows = np.flatnonzero(counted)
    position = pc.index_in(key, pc.unique(key)).to_numpy()  # the same number for the same (action, id)
    _, first_of_key = np.unique(position, return_index=True)  # where each one occurs first
    first = rows[first_of_key[position]]
    first_rows = numbers[first]
    if earlier is not None:
        before = earlier[first_of_key[position]]  # the first of the key in this chunk repeats an earlier chunk's
        first_rows = np.where(before > 0, before, first_rows)
        repeat = (rows != first) | (before > 0)
    else:
        repeat = rows != first
    index = rows[repeat]
    if len(index) == 0:
        return table, numbers
    is_new = is_new_all[repeat]
    firsts = first_rows[repeat]
    ids = pc.utf8_trim_whitespace(table["order_id"]).filter(pa.array(counted)).to_numpy(zero_copy_only=False)[repeat]
    errors.add_rows(
        numbers[index],
        "order_id",
        Code.DUPLICATE_IN_BATCH,
        lambda k: (REPEATS_ROW if is_new[k] else CORRECTED_TWICE, {"row": int(firsts[k])}),
        lambda k: str(ids[k]),
    )
    keep = np.ones(table.num_rows, dtype=bool)
    keep[index] = False
    return table.filter(pa.array(keep)), numbers[keep]


class EarlierKeys:
    """The keys of the rows of a batch's earlier chunks, each with the row where it first came."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="socsec-repeats-")
        self._con = duckdb.connect(str(Path(self._dir.name) / "keys.duckdb"))
        self._con.execute(f"SET temp_directory = '{self._dir.name}'")
        self._con.execute("SET memory_limit = '256MB'")
        self._con.execute("SET preserve_insertion_order = false")
        self._con.execute("CREATE TABLE seen (key VARCHAR, row BIGINT)")
        self._empty = True

    def earlier(self, table: pa.Table, numbers: np.ndarray) -> np.ndarray:
        """For each countable row of the chunk (in order), the first row of an earlier chunk with its key
        (0: none)."""
        counted, key, _ = repeat_keys(table)
        found = np.zeros(int(counted.sum()), dtype=np.int64)
        if self._empty or len(key) == 0:
            return found
        probe = pa.table({"key": key, "i": pa.array(np.arange(len(key), dtype=np.int64))})
        self._con.register("probe", probe)
        try:
            hits = self._con.execute("SELECT p.i, s.row FROM probe p JOIN seen s USING (key)").fetchnumpy()
        finally:
            self._con.unregister("probe")
        found[hits["i"].astype(np.int64)] = hits["row"].astype(np.int64)
        return found

    def remember(self, table: pa.Table, numbers: np.ndarray) -> None:
        """Keep the keys of a chunk's rows left after its repeats were refused (each key once)."""
        counted, key, _ = repeat_keys(table)
        if len(key) == 0:
            return
        rows = pa.table({"key": key, "row": pa.array(numbers[counted].astype(np.int64))})
        self._con.register("chunk", rows)
        try:
            self._con.execute("INSERT INTO seen SELECT key, row FROM chunk")
        finally:
            self._con.unregister("chunk")
        self._empty = False

    def close(self) -> None:
        self._con.close()
        self._dir.cleanup()
