"""The fare column read by the engine: plain ASCII digits (one to eighteen) are cast in bulk; every other
text is read as ``int`` reads it, so signs, spaces and other scripts' digits get the answers they always
had."""

from __future__ import annotations

import pyarrow as pa

from socsec.batch.uploads import all_ascii
from socsec.contributions.orders.values import parse_fares, trimmed, trimmed_upper


def test_fares_of_every_shape_are_read_as_int_reads_them():
    texts = ["500", "", None, "0", "٣", "１２", " 7", "+8", "-5", "1a", "9" * 18, "1" * 19, "1000001", "000123"]
    value, absent, bad, outside = parse_fares(pa.chunked_array([pa.array(texts, pa.string())]), 1_000_000)
    assert value.tolist() == [500, 0, 0, 0, 3, 12, 7, 8, 0, 0, 0, 0, 0, 123]
    assert absent.tolist() == [False, True, True] + [False] * 11
    assert bad.tolist() == [False] * 9 + [True] + [False] * 4
    assert outside.tolist() == [False] * 8 + [True, False, True, True, True, False]


def test_ids_and_codes_are_trimmed_as_str_strip_trims_them_ascii_or_not():
    ascii_texts = [c + "a b" + c for c in map(chr, range(128))] + [None, "", " \x1c\x1f "]
    column = pa.chunked_array([pa.array(ascii_texts, pa.string())])
    assert all_ascii(column)
    assert trimmed(column).to_pylist() == [(t or "").strip() for t in ascii_texts]
    assert trimmed_upper(column).to_pylist() == [(t or "").strip().upper() for t in ascii_texts]
    # a text beyond ASCII takes the Unicode kernels: no-break and ideographic spaces go, letters are upper-cased
    other = ascii_texts + ["\u3000ab\xa0", "\x85é\t"]
    mixed = pa.chunked_array([pa.array(other[:64], pa.string()), pa.array(other[64:], pa.string())])
    assert not all_ascii(mixed)
    assert trimmed(mixed).to_pylist() == [(t or "").strip() for t in other]
    assert trimmed_upper(mixed).to_pylist() == [(t or "").strip().upper() for t in other]
