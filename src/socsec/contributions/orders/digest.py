"""The canonical digest of a batch: what makes "the same content" for idempotency. It covers the rows as
read (every value a string or null, each with its place among the rows that are not blank) and the rows
that could not be read (place and reason), so the same orders give the same digest whatever the bytes,
encoding, headers, blank lines or JSON key order they came in.

``RowsDigest`` computes it while the batch streams by, chunk after chunk, in bounded memory and
independently of where the chunks begin and end: one SHA-256 per column for the values' lengths and one
for their bytes, one for the places, one for the refused rows, then one SHA-256 over these.
``legacy_digest`` is the digest manifests kept before batches were streamed (the rows as JSON, column by
column): it is computed only to recognise such a manifest, from a file small enough for the old limit."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from socsec.batch.order_stream import Rejected, UploadChunk
from socsec.batch.uploads import UPLOAD_COLUMNS, Upload


class RowsDigest:
    def __init__(self) -> None:
        self._places = hashlib.sha256()
        self._lengths = {c: hashlib.sha256() for c in UPLOAD_COLUMNS}
        self._values = {c: hashlib.sha256() for c in UPLOAD_COLUMNS}
        self._refused = hashlib.sha256()
        self._placed = 0  # rows placed so far (read and refused)
        self._waiting: list[Rejected] = []  # refused rows after the last row placed

    def add(self, chunk: UploadChunk) -> None:
        """The next rows of the batch (in file order)."""
        numbers = chunk.numbers
        waiting = sorted(self._waiting + list(chunk.rejected), key=lambda r: r[0])
        if len(numbers):
            last = int(numbers[-1])
            before = [r for r in waiting if r[0] < last]
            self._waiting = [r for r in waiting if r[0] >= last]
        else:
            before, self._waiting = [], waiting
        self._place(numbers, before)
        for name in UPLOAD_COLUMNS:
            lengths, values = self._lengths[name], self._values[name]
            for piece in chunk.table.column(name).chunks:  # piece by piece: the same bytes as the whole column
                _add_piece(piece, lengths, values)

    def hexdigest(self) -> str:
        self._place(np.array([], dtype=np.int64), self._waiting)
        self._waiting = []
        h = hashlib.sha256(b"socsec rows digest 2\n")
        h.update(self._places.digest())
        for name in UPLOAD_COLUMNS:
            h.update(name.encode() + b"\n" + self._lengths[name].digest() + self._values[name].digest())
        h.update(self._refused.digest())
        return h.hexdigest()

    def _place(self, numbers: np.ndarray, refused: list[Rejected]) -> None:
        refused_numbers = np.array([n for n, _, _ in refused], dtype=np.int64)
        base = self._placed
        places = base + np.arange(1, len(numbers) + 1, dtype=np.int64) + np.searchsorted(refused_numbers, numbers)
        self._places.update(places.astype("<i8").tobytes())
        refused_places = base + np.arange(1, len(refused) + 1) + np.searchsorted(numbers, refused_numbers)
        for place, (_, template, params) in zip(refused_places.tolist(), refused, strict=True):
            reason = template % params if params else template
            self._refused.update(json.dumps([place, reason], ensure_ascii=False).encode() + b"\n")
        self._placed = base + len(numbers) + len(refused)


def _add_piece(piece: pa.Array, lengths: Any, values: Any) -> None:
    """One piece of a text column: each value's length (-1 for null) as 32-bit integers, then the bytes of
    the values that are not null, read from the piece's buffers (copied only when it has nulls)."""
    if not len(piece):
        return
    if piece.type != pa.string():
        piece = piece.cast(pa.string())
    nulls = piece.null_count > 0
    if nulls:
        lengths.update(pc.fill_null(pc.binary_length(piece), -1).to_numpy(zero_copy_only=False).astype("<i4").tobytes())
        piece = pc.drop_null(piece)
        if not len(piece):
            return
    offsets = np.frombuffer(piece.buffers()[1], dtype=np.int32)[piece.offset : piece.offset + len(piece) + 1]
    if not nulls:
        lengths.update(np.diff(offsets).astype("<i4", copy=False).tobytes())
    data = piece.buffers()[2]
    if data is not None:
        values.update(memoryview(data)[int(offsets[0]) : int(offsets[-1])])


def legacy_digest(upload: Upload) -> str:
    """The digest of a whole upload as manifests kept it before batches were streamed; also the digest of
    the small uploads read whole (payroll declarations), over whichever columns their kind has."""
    rejected = np.array([n for n, _, _ in upload.rejected], dtype=np.int64)
    every = np.sort(np.concatenate([upload.numbers.astype(np.int64), rejected]))
    h = hashlib.sha256()
    h.update((np.searchsorted(every, upload.numbers) + 1).astype("<i8").tobytes())
    for name in upload.table.column_names:
        h.update(b"\n" + name.encode() + b"\n")
        h.update(json.dumps(upload.table.column(name).to_pylist(), ensure_ascii=False).encode())
    places = (np.searchsorted(every, rejected) + 1).tolist()
    reasons: list[Any] = [[place, t % p if p else t] for place, (_, t, p) in zip(places, upload.rejected, strict=True)]
    h.update(json.dumps(reasons, ensure_ascii=False).encode())
    return h.hexdigest()
