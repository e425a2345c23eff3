"""Repeats across the chunks of a batch: the keys of earlier chunks are on disk behind a filter of fixed
size; whatever the filter lets through is looked up exactly, so a filter that lets everything through
(one word) gives the same answers as a large one."""

from __future__ import annotations

import os

import numpy as np
import pyarrow as pa
import pytest

from socsec.contributions.orders.repeats import EarlierKeys


@pytest.mark.parametrize("words", [1, 1 << 10])
def test_earlier_chunks_keys_are_found_exactly_whatever_the_filter_lets_through(monkeypatch, words):
    monkeypatch.setattr(EarlierKeys, "FILTER_WORDS", words)
    earlier = EarlierKeys()
    try:
        first = pa.array(["NEW\x00a", "NEW\x00b", "FIX\x00a"])
        assert earlier.earlier(first)[0].tolist() == [0, 0, 0]
        earlier.remember(first, np.array([2, 3, 4]))
        second = pa.array(["NEW\x00c", "NEW\x00b", "FIX\x00b"])
        found, distinct = earlier.earlier(second)
        assert (found.tolist(), distinct) == ([0, 3, 0], True)
        earlier.remember(second.take(pa.array([0, 2])), np.array([5, 7]))
        third = pa.array(["FIX\x00a", "NEW\x00c", "FIX\x00b", "NEW\x00d", "NEW\x00d"])
        found, distinct = earlier.earlier(third)
        assert (found.tolist(), distinct) == ([4, 5, 7, 0, 0], False)
    finally:
        earlier.close()


@pytest.mark.parametrize("words", [1, 1 << 4])
def test_runs_merged_in_tiers_find_what_every_chunk_searched_would(monkeypatch, words):
    """Sixty chunks against a filter so small that runs are merged almost at once (three runs a tier, in
    pieces of seven hashes): each key of an earlier chunk is found with its row, nothing else is, and the
    runs searched stay a few per tier, the merged ones removed from the disk."""
    monkeypatch.setattr(EarlierKeys, "FILTER_WORDS", words)
    monkeypatch.setattr(EarlierKeys, "MERGE_RUNS", 3)
    monkeypatch.setattr(EarlierKeys, "MERGE_PIECE", 7)
    rng = np.random.default_rng(11)
    first_row: dict[str, int] = {}
    row = 0
    earlier = EarlierKeys()
    try:
        for _chunk in range(60):
            picked = rng.choice(400, size=int(rng.integers(1, 30)), replace=False)
            keys = [f"NEW\x00order-{k}" for k in picked.tolist()]
            found, distinct = earlier.earlier(pa.array(keys))
            assert found.tolist() == [first_row.get(k, 0) for k in keys]
            assert distinct
            new = [i for i, k in enumerate(keys) if k not in first_row]
            rows = np.arange(row + 1, row + 1 + len(new))
            row += len(new)
            first_row.update({keys[i]: int(r) for i, r in zip(new, rows, strict=True)})
            earlier.remember(pa.array([keys[i] for i in new], pa.string()), rows)
        tiers = {tier for _name, tier, _size in earlier._runs}
        assert max(tiers) >= 2
        assert len(earlier._runs) <= 2 * (max(tiers) + 1)  # at most two runs a tier
        pending = len(earlier._last[1]) if earlier._last else 0  # the last chunk's keys, kept at the next
        assert sum(size for _name, _tier, size in earlier._runs) == len(first_row) - pending
        kept = {name.split("-")[0] for name in os.listdir(earlier._dir.name) if name.endswith(".npy")}
        assert kept == {name for name, _tier, _size in earlier._runs}
    finally:
        earlier.close()


def test_after_a_chunk_of_repeats_alone_the_next_chunk_is_still_searched():
    """A chunk whose every key came before leaves nothing to keep; the chunk after it is searched against
    all the chunks before all the same (it was not: with nothing pending, it was taken for the first)."""
    earlier = EarlierKeys()
    try:
        first = pa.array(["NEW\x00a", "NEW\x00b"])
        earlier.earlier(first)
        earlier.remember(first, np.array([2, 3]))
        again = pa.array(["NEW\x00b", "NEW\x00a"])
        assert earlier.earlier(again)[0].tolist() == [3, 2]
        earlier.remember(pa.array([], pa.string()), np.array([], dtype=np.int64))  # nothing new in it
        third = pa.array(["NEW\x00a", "NEW\x00c"])
        assert earlier.earlier(third)[0].tolist() == [2, 0]
    finally:
        earlier.close()
