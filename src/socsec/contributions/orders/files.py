"""The Parquet files of an order batch: its checked rows written as they come, one file per kind (orders,
corrections) and month, each under a name of the attempt's own, with the index of the ids it stores
beside it (``socsec.batch.order_index``). Which files count is read by ``selectors.accepted_files``."""

from __future__ import annotations

import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyarrow as pa

from socsec.batch.order_index import INDEX_ROW_GROUP, INDEX_SCHEMA, index_path, index_rows
from socsec.batch.orders import CORRECTION_SCHEMA, ORDER_SCHEMA
from socsec.batch.store import AtomicParquetWriter, batch_path

SCHEMAS = {"orders": ORDER_SCHEMA, "corrections": CORRECTION_SCHEMA}
# columns with about as many values as rows in a large batch's piece (order ids are all distinct, workers
# nearly so): written plain, since a dictionary would be built, outgrow its page and be dropped for each
# piece (a fifth of the piece's writing time)
DISTINCT = frozenset({"order_id", "person_id", "old_person_id", "new_person_id"})


class BatchWriter:
    """The files of one attempt at a batch, written piece by piece (memory holds one piece); ``close``
    moves them into place and returns the manifest's entries, ``abort`` leaves nothing behind."""

    def __init__(self, data_dir: Path, platform: str, batch_id: int) -> None:
        self.data_dir, self.platform, self.batch_id = data_dir, platform, batch_id
        self.attempt = uuid.uuid4().hex[:12]
        self._files: dict[tuple[str, str], tuple[AtomicParquetWriter, AtomicParquetWriter]] = {}
        # pieces are encoded and written in a thread of their own (Arrow does it without Python's lock), in
        # order, while the next chunk is checked
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="orders-write")
        self._pending: list[Future[None]] = []

    def _wait(self, keep: int = 0) -> None:
        """Wait until at most ``keep`` pieces are still to be written; a failed write is raised here."""
        while len(self._pending) > keep:
            self._pending.pop(0).result()

    def add(self, kind: str, month: str, table: pa.Table) -> None:
        """Append checked rows of one kind and month."""
        key = (kind, month)
        if key not in self._files:
            path = batch_path(self.data_dir, kind, month, self.platform, self.batch_id, self.attempt)
            schema = SCHEMAS[kind]
            self._files[key] = (
                AtomicParquetWriter(path, schema, dictionary=[n for n in schema.names if n not in DISTINCT]),
                AtomicParquetWriter(
                    index_path(path, self.data_dir),
                    INDEX_SCHEMA,
                    row_group_size=INDEX_ROW_GROUP,
                    dictionary=[n for n in INDEX_SCHEMA.names if n not in DISTINCT],
                ),
            )
        data, index = self._files[key]
        self._wait(keep=1)  # one piece waits to be written at most: memory holds about two chunks
        rows = index_rows(kind, self.batch_id, table)
        self._pending.append(self._pool.submit(_write_piece, data, index, rows, table))

    def close(self) -> list[dict[str, Any]]:
        """Finish every file; the manifest's entries (kind, month, path, rows, sha256, and the index's path
        and sha256), orders first, by month."""
        entries = []
        try:
            self._wait()
            self._pool.shutdown()
            for kind in ("orders", "corrections"):
                for month in sorted(m for k, m in self._files if k == kind):
                    data, index = self._files[(kind, month)]
                    digest = data.close()
                    index_digest = index.close()
                    entries.append(
                        {
                            "kind": kind,
                            "month": month,
                            "path": str(data.path.relative_to(self.data_dir)),
                            "rows": data.rows,
                            "sha256": digest,
                            "index": str(index.path.relative_to(self.data_dir)),
                            "index_sha256": index_digest,
                        }
                    )
        except BaseException:
            self.abort()
            raise
        return entries

    def abort(self) -> None:
        for piece in self._pending:
            piece.cancel()
        self._pool.shutdown(wait=True)
        self._pending = []
        for data, index in self._files.values():
            data.abort()
            index.abort()


def _write_piece(data: AtomicParquetWriter, index: AtomicParquetWriter, rows: pa.Table, table: pa.Table) -> None:
    data.write(table)
    index.write(rows)
