"""Repeats across the chunks of a batch: the keys of earlier chunks are on disk behind a filter of fixed
size; whatever the filter lets through is looked up exactly, so a filter that lets everything through
(one word) gives the same answers as a large one."""

from __future__ import annotations

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
