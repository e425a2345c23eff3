"""The digest that says "the same content" for a batch's idempotency: the same whatever the pieces and
chunks the rows come in (Arrow's chunks of a CSV, slices of a Parquet batch, nulls among them), and the
same as the digest batches already stored were recorded with (pinned: a change here would make every
replay of an earlier batch a conflict)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pyarrow as pa

from socsec.batch.order_stream import UploadChunk
from socsec.batch.uploads import UPLOAD_COLUMNS
from socsec.contributions.orders.digest import RowsDigest

ROWS = {
    "order_id": ["o1", "o2", None, "订单-4", " o5 ", "o6"],
    "resident_id": ["110101199003070012", None, None, "X", "", "Y"],
    "region": ["440300"] * 6,
    "sector": ["RIDE_HAILING", "DELIVERY", None, "RIDE_HAILING", "x", "y"],
    "order_date": ["2026-11-30", "2026-11-29", "bad", None, "2026-11-01", "2026-11-02"],
    "fare_cents": ["500", "12", None, "", "-1", "9"],
    "action": [None] * 6,
}
REFUSED = (7, "has %(fields)s fields; the header has %(header)s.", {"fields": 3, "header": 6})
# the digest of these rows (numbered 2-6 and 8, row 7 refused), as the code before pieces computed it
PINNED = "dcd510c2db0271009755d261ddf212f6cb087b9bb1bc90956c94ffc87660c585"


def _column(name: str, cuts: list[int]) -> pa.ChunkedArray:
    whole = pa.array(ROWS[name], pa.string())
    edges = [0, *cuts, len(whole)]
    return pa.chunked_array([whole.slice(a, b - a) for a, b in pairwise(edges)], pa.string())


def _digest(splits: list[int], cuts: list[int]) -> str:
    digest = RowsDigest()
    numbers = np.array([2, 3, 4, 5, 6, 8], dtype=np.int64)
    table = pa.table([_column(c, cuts) for c in UPLOAD_COLUMNS], names=UPLOAD_COLUMNS)
    edges = [0, *splits, 6]
    for a, b in pairwise(edges):
        refused = [REFUSED] if a < 5 <= b else []  # row 7 comes between the fifth and sixth rows
        digest.add(UploadChunk(table.slice(a, b - a), numbers[a:b], refused))
    return digest.hexdigest()


def test_the_digest_does_not_depend_on_pieces_or_chunks_and_is_the_one_recorded():
    ways = [([], []), ([], [1, 3]), ([2], []), ([2, 5], [1, 4, 5]), ([1, 2, 3, 4, 5], [3])]
    assert {_digest(splits, cuts) for splits, cuts in ways} == {PINNED}
