"""The runs of equal platform x province x sector of an assessment's lines, found chunk by chunk as the
engine hands the lines over: the same whatever the chunks, nulls included (a null starts a run of its own)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pyarrow as pa

from socsec.batch import lines
from socsec.batch.lines import line_runs

ROWS = [
    ("p1", "110000", "RIDE_HAILING"),
    ("p1", "110000", "RIDE_HAILING"),
    ("p1", "110000", "FOOD_DELIVERY"),
    ("p1", "440000", "FOOD_DELIVERY"),
    ("p1", "440000", "FOOD_DELIVERY"),
    ("p2", "440000", "FOOD_DELIVERY"),
    ("p2", None, "FOOD_DELIVERY"),
    ("p2", None, "FOOD_DELIVERY"),
    ("p2", "440000", "FOOD_DELIVERY"),
    ("p2", "440000", "FOOD_DELIVERY"),
]
EXPECTED = [0, 2, 3, 5, 6, 7, 8]


def _table(cuts: list[int]) -> pa.Table:
    edges = [0, *cuts, len(ROWS)]
    columns = {}
    for i, name in enumerate(("platform", "province", "sector")):
        whole = pa.array([r[i] for r in ROWS], pa.string())
        columns[name] = pa.chunked_array([whole.slice(a, b - a) for a, b in pairwise(edges)])
    columns["person_id"] = pa.chunked_array([pa.array(np.arange(len(ROWS)))])
    return pa.table(columns)


def test_runs_are_the_same_whatever_the_chunks():
    for cuts in ([], [1], [2, 3], [5], [6, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 0, 10]):
        starts, keys = line_runs(_table(cuts))
        assert starts.tolist() == EXPECTED, cuts
        assert keys[1] == ("p1", "110000", "FOOD_DELIVERY") and keys[4] == ("p2", None, "FOOD_DELIVERY")


def test_runs_are_the_same_when_pieces_are_compared_side_by_side(monkeypatch):
    monkeypatch.setattr(lines, "PIECE", 2)  # pieces of two lines, compared in threads
    for cuts in ([], [1], [2, 3], [6, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9]):
        table = _table(cuts)
        assert line_runs(table)[0].tolist() == EXPECTED, cuts
        mixed = table.set_column(0, "platform", table["platform"].dictionary_encode())  # codes and text together
        assert line_runs(mixed)[0].tolist() == EXPECTED, cuts
