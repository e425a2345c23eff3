"""Rows of one batch that repeat an earlier row's order id (NEW twice, or corrected twice), found in the
engine: within a chunk by one grouping, across chunks against the ids of the chunks before. Those are
kept on disk (a DuckDB database in a temporary directory, its memory limited), with a filter of fixed
size in memory (a Bloom filter of their 64-bit hashes) that says which keys of a chunk may have come
before: only those few are looked up on disk. Memory thus stays the same whatever the batch's size."""

from __future__ import annotations

import contextlib
import os
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
    second chunk comes (a batch of one chunk never opens anything): on disk, each chunk's keys in an Arrow
    file of their own (in the chunk's order), and their 64-bit hashes in sorted runs, each hash with the
    row and with where its key is (chunk and place); in memory, a Bloom filter of fixed size over these
    hashes. A chunk's keys are hashed by the engine; those the filter rules out are new, the others are
    looked up by their hash in each run (a bisection), then by the key itself.

    A chunk's hashes make a run of their own. Once the filter holds two keys a word (about 17 million),
    every ``MERGE_RUNS`` runs of one tier are merged into one of the next (a range of hashes at a time, so
    in bounded memory), up to runs of ``MAX_RUN_HASHES``: past some tens of millions of keys the filter lets
    more keys through, and each chunk would otherwise search every chunk before it (at 63 million keys:
    240 runs searched, 21 merged)."""

    FILTER_WORDS = 1 << 23  # 64 MB: about 3 in 100,000 new keys pass it after 10 million keys
    PROBES = 4
    MERGE_RUNS = 4  # runs of a tier merged into one of the next
    MAX_RUN_HASHES = 1 << 22  # hashes a run at most (32 MB of them)
    # runs are merged only once the filter holds two keys a word: before, it lets about 1 in 5,000 new keys
    # through, and searching every chunk's run for those few costs less than merging them
    MERGE_AFTER_WORDS = 2
    MERGE_PIECE = 1 << 20  # hashes merged at a time (about 24 MB with their rows and places)

    def __init__(self) -> None:
        # the previous chunk's hashes, keys, rows and order by hash (when known), not yet stored
        self._last: tuple[np.ndarray, pa.Array, np.ndarray, np.ndarray | None] | None = None
        self._hashes: np.ndarray | None = None  # the hashes of the keys of the chunk last asked about
        self._order: np.ndarray | None = None  # their order by hash
        self._con: duckdb.DuckDBPyConnection | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._filter: np.ndarray | None = None
        self._stored = 0  # chunks stored, each as a keys file and a run
        self._runs: list[tuple[str, int, int]] = []  # (name, tier, hashes) of the sorted runs, oldest first
        self._named = 0  # runs named so far
        self._kept = 0  # hashes kept

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
        # the keys the filter lets through, in the order of their hashes: each run is then searched from its
        # start to its end, not at random
        maybe = self._order[self._may_have(ordered)]
        if len(maybe):
            probe = hashes[maybe]
            wanted = key.take(pa.array(maybe))
            candidates: list[tuple[int, int, int, int]] = []  # (chunk, place, key asked about, row)
            for name, _tier, _size in self._runs:  # a few runs a tier (see ``_merge_full_tiers``)
                stored = np.load(self._path(name, "hashes.npy"), mmap_mode="r")
                lo, hi = np.searchsorted(stored, probe, "left"), np.searchsorted(stored, probe, "right")
                hits = np.flatnonzero(hi > lo)
                if not len(hits):
                    continue
                rows = np.load(self._path(name, "rows.npy"), mmap_mode="r")
                where = np.load(self._path(name, "where.npy"), mmap_mode="r")
                for k in hits.tolist():  # the few keys with an earlier hash
                    for at in range(int(lo[k]), int(hi[k])):
                        chunk, place = divmod(int(where[at]), 1 << 32)
                        candidates.append((chunk, place, k, int(rows[at])))
            # then the keys themselves compared, a chunk's keys read once and let go before the next chunk's
            # (a merged run points into many chunks: all their keys at once would grow with the batch)
            candidates.sort()
            current, keys = -1, None
            for chunk, place, k, row in candidates:
                if chunk != current:
                    current, keys = chunk, self._keys(chunk)
                assert keys is not None
                if not found[maybe[k]] and keys[place].as_py() == wanted[k].as_py():
                    found[maybe[k]] = row
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

    def _path(self, name: str, part: str) -> str:
        assert self._dir is not None
        return f"{self._dir.name}/{name}-{part}"

    def _keys(self, chunk: int) -> pa.Array:
        with pa.memory_map(self._path(f"{chunk:06d}", "keys.arrow")) as source:
            return pa.ipc.open_file(source).read_all()["key"].combine_chunks()

    def _store(self) -> None:
        """Put the previous chunk's keys on disk, their hashes as a run (sorted) and in the filter."""
        if self._last is None or not len(self._last[0]):
            return
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="socsec-repeats-")
            self._filter = np.zeros(self.FILTER_WORDS, dtype=np.uint64)
        hashes, key, rows, order = self._last
        if order is None:
            order = np.argsort(hashes)
        chunk = self._stored
        path = self._path(f"{chunk:06d}", "keys.arrow")
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, KEY_SCHEMA) as writer:
            writer.write_table(pa.table({"key": key}, schema=KEY_SCHEMA))
        self._stored += 1
        hashes = hashes[order]
        name = self._run_name()
        np.save(self._path(name, "hashes.npy"), hashes)
        np.save(self._path(name, "rows.npy"), rows[order])
        np.save(self._path(name, "where.npy"), (chunk << 32) + order.astype(np.int64))  # the keys stay in order
        self._runs.append((name, 0, len(hashes)))
        self._add(hashes)
        self._kept += len(hashes)
        self._last = None
        if self._kept > self.MERGE_AFTER_WORDS * self.FILTER_WORDS:
            self._merge_full_tiers()

    def _run_name(self) -> str:
        self._named += 1
        return f"run{self._named:06d}"

    def _merge_full_tiers(self) -> None:
        """While a tier holds ``MERGE_RUNS`` runs, merge its oldest ones into one run of the next, up to
        ``MAX_RUN_HASHES`` a run: a run is searched through a map of it, and each page a search touches counts
        in the process's memory until the run is done with. (The order of the runs does not matter: each
        key is kept once.)"""
        while True:
            for tier in sorted({tier for _n, tier, _s in self._runs}):
                oldest = [run for run in self._runs if run[1] == tier][: self.MERGE_RUNS]
                if len(oldest) == self.MERGE_RUNS and sum(size for _n, _t, size in oldest) <= self.MAX_RUN_HASHES:
                    self._runs = [run for run in self._runs if run not in oldest] + [self._merge(oldest)]
                    break
            else:
                return

    def _merge(self, runs: list[tuple[str, int, int]]) -> tuple[str, int, int]:
        """One sorted run of ``runs``' hashes (with their rows and places), made a range of hashes at a time:
        the hashes are spread evenly (the engine's hash), so each range holds about ``MERGE_PIECE``. The
        pieces are read and written as files, not mapped: mapped pages would count in the process's memory."""
        total = sum(size for _n, _t, size in runs)
        name = self._run_name()
        parts = [{p: _NpyFile(self._path(n, f"{p}.npy")) for p in _RUN_PARTS} for n, _t, _s in runs]
        pieces = max(1, -(-total // self.MERGE_PIECE))
        starts = [0] * len(parts)
        with contextlib.ExitStack() as files:
            out = {p: files.enter_context(open(self._path(name, f"{p}.npy"), "wb")) for p in _RUN_PARTS}  # noqa: SIM115
            for p, sink in out.items():
                header = {
                    "descr": np.lib.format.dtype_to_descr(_RUN_PARTS[p]),
                    "fortran_order": False,
                    "shape": (total,),
                }
                np.lib.format.write_array_header_1_0(sink, header)
            for piece in range(pieces):
                bound = np.uint64(((1 << 64) * (piece + 1)) // pieces) if piece + 1 < pieces else None
                taken = []
                for i, part in enumerate(parts):
                    end = part["hashes"].size if bound is None else part["hashes"].search(bound)
                    taken.append((part, starts[i], end))
                    starts[i] = end
                hashes = np.concatenate([part["hashes"].read(lo, hi) for part, lo, hi in taken])
                order = np.argsort(hashes, kind="stable")  # sorted runs, one after the other: a merge
                out["hashes"].write(hashes[order].tobytes())
                for p in ("rows", "where"):
                    out[p].write(np.concatenate([part[p].read(lo, hi) for part, lo, hi in taken])[order].tobytes())
        for n, _t, _s in runs:
            for p in _RUN_PARTS:
                os.remove(self._path(n, f"{p}.npy"))
        return name, runs[0][1] + 1, total

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._dir is not None:
            self._dir.cleanup()


_RUN_PARTS = {"hashes": np.dtype(np.uint64), "rows": np.dtype(np.int64), "where": np.dtype(np.int64)}


class _NpyFile:
    """A one-dimensional ``.npy`` file read a slice at a time (and searched, if sorted, through a map of it
    that touches a few pages a search)."""

    def __init__(self, path: str) -> None:
        self.path = path
        with open(path, "rb") as source:
            version = np.lib.format.read_magic(source)
            shape, _fortran, dtype = (
                np.lib.format.read_array_header_1_0(source)
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0(source)
            )
            self.offset = source.tell()
        self.dtype = dtype
        self.size = int(shape[0])

    def read(self, lo: int, hi: int) -> np.ndarray:
        return np.fromfile(self.path, dtype=self.dtype, count=hi - lo, offset=self.offset + lo * self.dtype.itemsize)

    def search(self, value: np.uint64) -> int:
        mapped = np.load(self.path, mmap_mode="r")
        return int(np.searchsorted(mapped, value, "left"))


KEY_SCHEMA = pa.schema([("key", pa.string())])
