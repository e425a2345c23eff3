"""The fare column read by the engine: plain ASCII digits (one to eighteen) are cast in bulk; every other
text is read as ``int`` reads it, so signs, spaces and other scripts' digits get the answers they always
had."""

from __future__ import annotations

import pyarrow as pa

from socsec.contributions.orders.values import parse_fares


def test_fares_of_every_shape_are_read_as_int_reads_them():
    texts = ["500", "", None, "0", "٣", "１２", " 7", "+8", "-5", "1a", "9" * 18, "1" * 19, "1000001", "000123"]
    value, absent, bad, outside = parse_fares(pa.chunked_array([pa.array(texts, pa.string())]), 1_000_000)
    assert value.tolist() == [500, 0, 0, 0, 3, 12, 7, 8, 0, 0, 0, 0, 0, 123]
    assert absent.tolist() == [False, True, True] + [False] * 11
    assert bad.tolist() == [False] * 9 + [True] + [False] * 4
    assert outside.tolist() == [False] * 8 + [True, False, True, True, True, False]
