"""Rows of one batch that repeat an earlier row's order id (NEW twice, or corrected twice), found in the
engine: within a chunk by one grouping, across chunks against the ids of the chunks before, kept in a
DuckDB table on disk (its memory is bounded whatever the batch's size)."""

from __future__ import annotations

import tempfile

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
    table: pa.Table,
    numbers: np.ndarray,
    errors: RowErrors,
    earlier: EarlierKeys | None = None,
) -> tuple[pa.Table, np.ndarray]:
    """Refuse every row that repeats an earlier row's order id: of this chunk, or (with ``earlier``) of
    the chunks before, whose keys it keeps. Returns the other rows."""
    counted, key, is_new_all = repeat_keys(table)
    rows = np.flatnonzero(counted)
    before = earlier.earlier(key) if earlier is not None else np.zeros(len(key), dtype=np.int64)
    encoded = pc.dictionary_encode(key)  # one hashing pass: the same number for the same (action, id)
    if not before.any() and len(encoded.dictionary) == len(key):  # the usual batch: no repeat
        if earlier is not None:
            earlier.remember(key, numbers[rows])
        return table, numbers
    position = encoded.indices.to_numpy()
    _, first_of_key = np.unique(position, return_index=True)  # where each one occurs first
    first = rows[first_of_key[position]]
    first_rows = numbers[first]
    before = before[first_of_key[position]]  # the first of the key in this chunk repeats an earlier chunk's
    first_rows = np.where(before > 0, before, first_rows)
    repeat = (rows != first) | (before > 0)
    if earlier is not None:
        earlier.remember(key.filter(pa.array(~repeat)), numbers[rows[~repeat]])
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
    """The keys of the rows of a batch's earlier chunks, each with the row where it first came. They are
    kept in DuckDB (its memory bounded: the table spills to a temporary directory), only once a second
    chunk comes: a batch of one chunk never opens it."""

    def __init__(self) -> None:
        self._last: pa.Table | None = None  # the previous chunk's keys, not yet stored
        self._con: duckdb.DuckDBPyConnection | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    def earlier(self, key: pa.Array) -> np.ndarray:
        """For each key of a chunk's countable rows, the first row of an earlier chunk with it (0: none)."""
        found = np.zeros(len(key), dtype=np.int64)
        if self._last is None or len(key) == 0:
            return found
        con = self._store()
        probe = pa.table({"key": key, "i": pa.array(np.arange(len(key), dtype=np.int64))})
        con.register("probe", probe)
        try:
            hits = con.execute("SELECT p.i, s.row FROM probe p JOIN seen s USING (key)").fetchnumpy()
        finally:
            con.unregister("probe")
        found[hits["i"].astype(np.int64)] = hits["row"].astype(np.int64)
        return found

    def remember(self, key: pa.Array, rows: np.ndarray) -> None:
        """Keep the keys of a chunk's rows that repeat nothing (each key once), with their rows."""
        if len(key):
            chunk = pa.table({"key": key, "row": pa.array(rows.astype(np.int64))})
            self._last = chunk if self._last is None else pa.concat_tables([self._last, chunk])

    def _store(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._dir = tempfile.TemporaryDirectory(prefix="socsec-repeats-")
            self._con = duckdb.connect()
            self._con.execute(f"SET temp_directory = '{self._dir.name}'")
            self._con.execute("SET memory_limit = '256MB'")
            self._con.execute("SET preserve_insertion_order = false")
            self._con.execute("CREATE TABLE seen (key VARCHAR, row BIGINT)")
        if self._last is not None and self._last.num_rows:
            self._con.register("chunk", self._last)
            try:
                self._con.execute("INSERT INTO seen SELECT key, row FROM chunk")
            finally:
                self._con.unregister("chunk")
            self._last = self._last.slice(0, 0)
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
        if self._dir is not None:
            self._dir.cleanup()
