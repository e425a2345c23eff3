"""Rows of one batch that repeat an earlier row's order id (NEW twice, or corrected twice), found in the
engine: within a chunk by one grouping, across chunks against the ids of the chunks before. Those are
kept on disk (a DuckDB database in a temporary directory, its memory limited), with a filter of fixed
size in memory (a Bloom filter of their 64-bit hashes) that says which keys of a chunk may have come
before: only those few are looked up on disk. Memory thus stays the same whatever the batch's size."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext_noop as noop

from socsec.contributions.errors import OrderRowErrorCode as Code

from .report import RowErrors
from .values import engine_hashes, trimmed, trimmed_upper

REPEATS_ROW = noop("repeats row %(row)s.")
CORRECTED_TWICE = noop("is corrected twice in this batch (row %(row)s).")


def repeat_keys(table: pa.Table) -> tuple[np.ndarray, pa.Array, np.ndarray]:
    """The rows that can repeat (with an order id and a known action), the key of each (action kind and
    id), and whether each is a NEW one."""
    action = trimmed_upper(table["action"])
    order_id = trimmed(table["order_id"])  # a null id is empty: counted out as an empty one is
    if pc.all(pc.is_in(action, pa.array(["", "NEW"]))).as_py() is not False:  # the usual batch: all NEW
        counted = pc.fill_null(pc.not_equal(order_id, ""), False).to_numpy(zero_copy_only=False)
        ids = order_id.filter(pa.array(counted)) if not counted.all() else order_id
        key = pc.binary_join_element_wise("NEW", ids, "\x00")
        key = key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key
        return counted, key, np.ones(len(key), dtype=bool)
    group = pc.if_else(
        pc.is_in(action, pa.array(["", "NEW"])),
        "NEW",
        pc.if_else(pc.is_in(action, pa.array(["VOID", "AMEND"])), "FIX", pa.scalar(None, pa.string())),
    )
    counted = pc.fill_null(pc.and_(pc.is_valid(group), pc.not_equal(order_id, "")), False).to_numpy(
        zero_copy_only=False
    )  # a row without an id or action repeats nothing
    mask = pa.array(counted)
    key = pc.binary_join_element_wise(group.filter(mask), order_id.filter(mask), "\x00")
    is_new = pc.equal(group.filter(mask), "NEW").to_numpy(zero_copy_only=False)
    return counted, key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key, is_new


@dataclass
class Repeats:
    """The rows of one chunk that repeat an earlier row's order id (of the chunk, or of the chunks before):
    their places in the chunk's table, the order ids, the rows they repeat and whether each is a NEW one."""

    places: np.ndarray
    ids: np.ndarray
    firsts: np.ndarray
    is_new: np.ndarray


def repeats_of(table: pa.Table, numbers: np.ndarray, earlier: EarlierKeys | None = None) -> Repeats | None:
    """Find the rows of a chunk that repeat an earlier row's order id: of this chunk, or (with ``earlier``)
    of the chunks before, whose keys it then keeps. None: no row repeats. It reads and writes nothing but
    ``earlier``, so it can run ahead of the checks (chunk after chunk, in file order)."""
    if table.num_rows == 0:
        return None
    counted, key, is_new_all = repeat_keys(table)
    rows = np.flatnonzero(counted)
    if earlier is not None:
        before, distinct = earlier.earlier(key)
        if not before.any() and distinct:  # the usual chunk: no repeat (distinct hashes, distinct keys)
            earlier.remember(key, numbers[rows])
            return None
    else:
        before = np.zeros(len(key), dtype=np.int64)
    encoded = pc.dictionary_encode(key)  # one hashing pass: the same number for the same (action, id)
    if not before.any() and len(encoded.dictionary) == len(key):  # no repeat
        if earlier is not None:
            earlier.remember(key, numbers[rows])
        return None
    position = encoded.indices.to_numpy()
    _, first_of_key = np.unique(position, return_index=True)  # where each one occurs first
    first = rows[first_of_key[position]]
    first_rows = numbers[first]
    before = before[first_of_key[position]]  # the first of the key in this chunk repeats an earlier chunk's
    first_rows = np.where(before > 0, before, first_rows)
    repeat = (rows != first) | (before > 0)
    if earlier is not None:
        earlier.remember(key.filter(pa.array(~repeat)), numbers[rows[~repeat]])
    places = rows[repeat]
    if len(places) == 0:
        return None
    ids = trimmed(table["order_id"]).filter(pa.array(counted)).to_numpy(zero_copy_only=False)[repeat]
    return Repeats(places, ids, first_rows[repeat], is_new_all[repeat])


def refuse(
    table: pa.Table, numbers: np.ndarray, errors: RowErrors, repeats: Repeats | None
) -> tuple[pa.Table, np.ndarray]:
    """Refuse the rows ``repeats_of`` found (each with its error); returns the other rows."""
    if repeats is None:
        return table, numbers
    found = repeats  # narrowed for the lambdas
    errors.add_rows(
        numbers[found.places],
        "order_id",
        Code.DUPLICATE_IN_BATCH,
        lambda k: (REPEATS_ROW if found.is_new[k] else CORRECTED_TWICE, {"row": int(found.firsts[k])}),
        lambda k: str(found.ids[k]),
    )
    keep = np.ones(table.num_rows, dtype=bool)
    keep[found.places] = False
    return table.filter(pa.array(keep)), numbers[keep]


class EarlierKeys:
    """The keys of the rows of a batch's earlier chunks, each with the row where it first came, kept once a
    second chunk comes (a batch of one chunk never opens anything): on disk, a chunk's keys in an Arrow
    file of their own (in the chunk's order) beside their 64-bit hashes (sorted), rows and places among
    the keys, and in memory a Bloom filter of fixed size over these hashes. A chunk's keys are hashed by
    the engine; those the filter rules out (all but a few) are new, the others are looked up on disk by
    their hash (a bisection), then by the key itself."""

    FILTER_WORDS = 1 << 23  # 64 MB: about 3 in 100,000 new keys pass it after 10 million keys
    PROBES = 4

    def __init__(self) -> None:
        # the previous chunk's hashes, keys, rows and order by hash (when known), not yet stored
        self._last: tuple[np.ndarray, pa.Array, np.ndarray, np.ndarray | None] | None = None
        self._hashes: np.ndarray | None = None  # the hashes of the keys of the chunk last asked about
        self._order: np.ndarray | None = None  # their order by hash
        self._con: duckdb.DuckDBPyConnection | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._filter: np.ndarray | None = None
        self._stored = 0  # chunks stored, each as three files

    def earlier(self, key: pa.Array) -> tuple[np.ndarray, bool]:
        """For each key of a chunk's countable rows, the first row of an earlier chunk with it (0: none);
        and whether the keys are all distinct (False: some may repeat within the chunk)."""
        found = np.zeros(len(key), dtype=np.int64)
        hashes = engine_hashes(self._connection(), key)
        self._hashes = hashes
        self._order = np.argsort(hashes)  # sorted once: to find repeated hashes, then to store them
        ordered = hashes[self._order]
        all_distinct = not bool((ordered[1:] == ordered[:-1]).any())
        if (self._last is None and not self._stored) or len(key) == 0:  # nothing kept yet: the first chunk
            return found, all_distinct
        self._store()
        maybe = np.flatnonzero(self._may_have(hashes))
        if len(maybe):
            probe = hashes[maybe]
            wanted = key.take(pa.array(maybe))
            for n in range(self._stored):
                stored = np.load(self._path(n, "hashes.npy"), mmap_mode="r")
                lo, hi = np.searchsorted(stored, probe, "left"), np.searchsorted(stored, probe, "right")
                hits = np.flatnonzero(hi > lo)
                if not len(hits):
                    continue
                keys, rows = self._keys(n), np.load(self._path(n, "rows.npy"), mmap_mode="r")
                places = np.load(self._path(n, "places.npy"), mmap_mode="r")
                for k in hits.tolist():  # the few keys with an earlier hash: compare the keys themselves
                    same = pc.equal(keys.take(pa.array(places[int(lo[k]) : int(hi[k])])), wanted[k])
                    at = np.flatnonzero(same.to_numpy(zero_copy_only=False))
                    if len(at) and not found[maybe[k]]:
                        found[maybe[k]] = int(rows[int(lo[k]) + int(at[0])])
        return found, all_distinct

    def remember(self, key: pa.Array, rows: np.ndarray) -> None:
        """Keep the keys of a chunk's rows that repeat nothing (each key once), with their rows (the chunk
        ``earlier`` was last asked about, or some of its keys)."""
        if not len(key):
            return
        whole = self._hashes is not None and len(self._hashes) == len(key)
        # some of the chunk's keys: hash them again
        hashes = self._hashes if whole else engine_hashes(self._connection(), key)
        assert hashes is not None
        self._store()
        self._last = (hashes, key, rows.astype(np.int64), self._order if whole else None)

    def _word_and_bits(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where a hash goes in the filter: one 64-bit word (one memory access a key; its top bits, so that
        sorted hashes give sorted words), ``PROBES`` bits of it (from its low bits)."""
        shift = 64 - (self.FILTER_WORDS.bit_length() - 1)
        word = hashes >> np.uint64(shift) if shift < 64 else np.zeros(len(hashes), dtype=np.uint64)
        bits = np.zeros(len(hashes), dtype=np.uint64)
        for i in range(self.PROBES):
            bits |= np.uint64(1) << ((hashes >> np.uint64(6 * i)) & np.uint64(63))
        return word, bits

    def _may_have(self, hashes: np.ndarray) -> np.ndarray:
        assert self._filter is not None
        word, bits = self._word_and_bits(hashes)
        maybe: np.ndarray = (self._filter[word] & bits) == bits
        return maybe

    def _add(self, hashes: np.ndarray) -> None:
        """Set the bits of sorted hashes (the bits of keys in the same word merged first)."""
        assert self._filter is not None
        word, bits = self._word_and_bits(hashes)
        at = word.astype(np.intp)
        first = np.empty(len(at), dtype=bool)  # the first key of each word: these words are all distinct
        first[:1] = True
        np.not_equal(at[1:], at[:-1], out=first[1:])
        self._filter[at[first]] |= bits[first]
        np.bitwise_or.at(self._filter, at[~first], bits[~first])  # the few keys sharing a word with another

    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            self._con = duckdb.connect()
            # the look-ups stream the files; the reader's buffers for many key files need more than a few MB
            # (at 10M orders 32 MB ran out), and the join spills to the temporary directory beyond this
            self._con.execute("SET memory_limit = '256MB'")
        return self._con

    def _path(self, n: int, name: str) -> str:
        assert self._dir is not None
        return f"{self._dir.name}/{n:06d}-{name}"

    def _keys(self, n: int) -> pa.Array:
        with pa.memory_map(self._path(n, "keys.arrow")) as source:
            return pa.ipc.open_file(source).read_all()["key"].combine_chunks()

    def _store(self) -> None:
        """Put the previous chunk's keys on disk (sorted by hash) and in the filter."""
        if self._last is None or not len(self._last[0]):
            return
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="socsec-repeats-")
            self._filter = np.zeros(self.FILTER_WORDS, dtype=np.uint64)
        hashes, key, rows, order = self._last
        if order is None:
            order = np.argsort(hashes)
        n = self._stored
        hashes = hashes[order]
        np.save(self._path(n, "hashes.npy"), hashes)
        np.save(self._path(n, "rows.npy"), rows[order])
        np.save(self._path(n, "places.npy"), order)  # the keys stay in the chunk's order
        with pa.OSFile(self._path(n, "keys.arrow"), "wb") as sink, pa.ipc.new_file(sink, KEY_SCHEMA) as writer:
            writer.write_table(pa.table({"key": key}, schema=KEY_SCHEMA))
        self._stored += 1
        self._add(hashes)
        self._last = None

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._dir is not None:
            self._dir.cleanup()


KEY_SCHEMA = pa.schema([("key", pa.string())])
