"""A chunk of order rows read as values, column by column: ids and codes trimmed, dates and fares parsed
as Python parses them (``date.fromisoformat``, ``int``) once per distinct text, and the pilot-sector
rule asked once per distinct (sector, day). Each returns arrays aligned with the chunk's rows."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socsec.batch.uploads import all_ascii
from socsec.rules.parameters import Parameter, ParameterNode

EPOCH = dt.date(1970, 1, 1)
NO_DAY = np.iinfo(np.int32).min


# the ASCII characters Python's ``str.strip`` (and Arrow's ``utf8_trim_whitespace``) take for white space
ASCII_SPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def engine_hashes(con: duckdb.DuckDBPyConnection, texts: pa.Array) -> np.ndarray:
    """DuckDB's 64-bit hash of each text, in order (one pass of the engine, no Python per text)."""
    con.register("texts", pa.table({"v": texts}))
    try:
        return np.asarray(con.execute("SELECT hash(v) AS h FROM texts").fetchnumpy()["h"], dtype=np.uint64)
    finally:
        con.unregister("texts")


def trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The texts without white space at either end (null as empty), as ``str.strip`` gives them; ASCII
    text (nearly every file) by the byte kernels, which do the same there at a fraction of the cost."""
    column = pc.fill_null(column, "")
    return pc.ascii_trim(column, ASCII_SPACE) if all_ascii(column) else pc.utf8_trim_whitespace(column)


def trimmed_upper(column: pa.ChunkedArray) -> pa.ChunkedArray:
    column = trimmed(column)
    return pc.ascii_upper(column) if all_ascii(column) else pc.utf8_upper(column)


def _distinct(column: pa.ChunkedArray) -> tuple[list[Any], np.ndarray]:
    """The distinct values of a column (null included) and each row's place among them."""
    encoded = pc.dictionary_encode(column, null_encoding="encode").combine_chunks()
    return encoded.dictionary.to_pylist(), encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)


def parse_days(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's day (days since 1970; ``NO_DAY`` where it is not a date), the row's place among the
    distinct texts, and the day of each distinct text (to ask the rules once per day)."""
    texts, where = _distinct(column)
    days = np.full(len(texts), NO_DAY, dtype=np.int64)
    for i, raw in enumerate(texts):
        with contextlib.suppress(ValueError):
            days[i] = (dt.date.fromisoformat(str(raw or "").strip()) - EPOCH).days
    return days[where], where, days


def parse_fares(column: pa.ChunkedArray, maximum: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row's fare in cents (0 where there is none), and whether it is absent, not a whole number,
    or outside 0 to ``maximum``. Plain digits (nearly every fare) are cast by the engine; any other text
    (signs, spaces, other digits, not a number) is read as ``int`` reads it, once per distinct text."""
    # one to eighteen ASCII digits (a regular expression did the same at five times the cost)
    digits = pc.fill_null(pc.and_(pc.ascii_is_decimal(column), pc.less_equal(pc.binary_length(column), 18)), False)
    plain = digits.to_numpy(zero_copy_only=False)
    absent = pc.fill_null(pc.equal(column, ""), True).to_numpy(zero_copy_only=False)
    value = np.zeros(len(plain), dtype=np.int64)
    value[plain] = pc.cast(column.filter(digits), pa.int64()).to_numpy()
    bad = np.zeros(len(plain), dtype=bool)
    outside = np.zeros(len(plain), dtype=bool)
    other = ~plain & ~absent
    if other.any():
        rows = np.flatnonzero(other)
        texts, where = _distinct(column.take(pa.array(rows)))
        numbers = np.zeros(len(texts), dtype=np.int64)
        unreadable = np.zeros(len(texts), dtype=bool)
        beyond = np.zeros(len(texts), dtype=bool)
        for i, raw in enumerate(texts):
            try:
                number = int(str(raw))
            except ValueError:
                unreadable[i] = True
                continue
            if number < 0 or number > maximum:
                beyond[i] = True
            else:
                numbers[i] = number
        value[rows], bad[rows], outside[rows] = numbers[where], unreadable[where], beyond[where]
    outside |= value > maximum
    value[outside] = 0
    return value, absent, bad, outside


def pilot_sectors(
    amounts: ParameterNode, sectors: pa.ChunkedArray, day_place: np.ndarray, text_days: np.ndarray
) -> np.ndarray:
    """Whether each row's sector is an OIP pilot sector on its day, asked once per (sector, day)."""
    names, sector_place = _distinct(sectors)
    table = np.zeros((len(names), len(text_days)), dtype=bool)
    valid = text_days != NO_DAY
    days = text_days[valid].astype("datetime64[D]")
    for i, name in enumerate(names):
        child = amounts.children.get(name or "")
        if isinstance(child, Parameter) and len(days):
            table[i, valid] = ~np.isnan(child.at(days))
    pilot: np.ndarray = table[sector_place, day_place]
    return pilot
