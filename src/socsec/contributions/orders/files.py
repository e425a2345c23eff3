"""The Parquet files of an order batch: its checked rows written as one file per kind (orders,
corrections) and month, each under a name of the attempt's own. Which files count is read by
``selectors.accepted_files``."""

from __future__ import annotations

import uuid
from typing import Any

import pyarrow as pa

from socsec.batch.orders import CORRECTION_SCHEMA, ORDER_SCHEMA
from socsec.batch.store import batch_path, write_atomic

from .checks import CheckedRows


def write_files(data_dir: Any, platform: str, batch_id: int, checked: CheckedRows) -> list[dict[str, Any]]:
    """Write a checked batch's orders and corrections, one file per kind and month, under a name of this
    attempt's own; return the files' entries for the batch's manifest (kind, month, path, rows, sha256)."""
    attempt = uuid.uuid4().hex[:12]
    files = []
    for kind, by_month, schema in (
        ("orders", checked.orders, ORDER_SCHEMA),
        ("corrections", checked.corrections, CORRECTION_SCHEMA),
    ):
        for month, rows in sorted(by_month.items()):
            path = batch_path(data_dir, kind, month, platform, batch_id, attempt)
            digest = write_atomic(pa.Table.from_pylist(rows, schema=schema), path)
            files.append(
                {
                    "kind": kind,
                    "month": month,
                    "path": str(path.relative_to(data_dir)),
                    "rows": len(rows),
                    "sha256": digest,
                }
            )
    return files
