"""The limits of one order batch (settings ``ORDERS_MAX_BYTES``, ``ORDERS_MAX_ROWS``), checked before
an upload is parsed: its size before it is even read (Content-Length, the file's size), its rows from
the Parquet footer or the text's line breaks."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

from socsec.batch.uploads import UploadError, UploadTooLarge, check_upload_limits
from socsec.contributions.errors import UploadTooLarge as UploadTooLargeError
from socsec.core.errors import ValidationFailed


def orders_size_check(size: int, *, streamed: bool = False) -> None:
    """Refuse (413) a batch of ``size`` bytes over the limit, before reading it; ``streamed``: a file read
    from disk in chunks, never whole (its own limit, when one is set)."""
    limit = file_limits()[0] if streamed else settings.ORDERS_MAX_BYTES
    if size > limit:
        raise _too_large(UploadTooLarge("bytes", limit, size))


def file_limits() -> tuple[int, int]:
    """The byte and row limits of a file of orders given by path (streamed from disk)."""
    return (
        settings.ORDERS_MAX_FILE_BYTES or settings.ORDERS_MAX_BYTES,
        settings.ORDERS_MAX_FILE_ROWS or settings.ORDERS_MAX_ROWS,
    )


def orders_limits_check(content: bytes | Path, fmt: str) -> None:
    """Refuse (413) a batch (its bytes, or a file) over the byte or row limit without parsing it; a file
    is scanned, never held whole (a workbook excepted: it is read in memory)."""
    if isinstance(content, Path):
        if fmt != "xlsx":
            orders_size_check(content.stat().st_size, streamed=True)
        if fmt == "xlsx":  # a workbook is read whole: the limits of an upload
            content = content.read_bytes()
        else:
            try:
                rows = _file_rows(content, fmt)
            except (pa.ArrowInvalid, OSError) as exc:
                raise ValidationFailed(
                    "file: not a readable Parquet file (%(reason)s)", field="file", params={"reason": str(exc)}
                ) from None
            max_rows = file_limits()[1]
            if rows > max_rows:
                raise _too_large(UploadTooLarge("rows", max_rows, rows))
            return
    try:
        check_upload_limits(
            content,
            fmt,
            max_bytes=settings.ORDERS_MAX_BYTES,
            max_rows=settings.ORDERS_MAX_ROWS,
            max_xlsx_rows=settings.ORDERS_MAX_XLSX_ROWS,
        )
    except UploadTooLarge as exc:
        raise _too_large(exc, workbook=fmt == "xlsx") from None
    except UploadError as exc:
        raise ValidationFailed("file: " + exc.template, field="file", params=exc.params or None) from None


def _file_rows(path: Path, fmt: str) -> int:
    """The rows of a file as ``check_upload_limits`` counts those of bytes."""
    if fmt == "parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    breaks, last = 0, b""
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(8 << 20), b""):
            breaks += block.count(b"\n")
            last = block
    rows = breaks + (0 if last.endswith(b"\n") else 1)
    return rows - 1 if fmt == "csv" else rows


def _too_large(exc: UploadTooLarge, *, workbook: bool = False) -> UploadTooLargeError:
    return UploadTooLargeError(
        "file: the workbook has %(got)s %(unit)s; at most %(limit)s %(unit)s are accepted in one .xlsx file "
        "(send more orders as CSV, or in several files)"
        if workbook
        else "file: the batch has %(got)s %(unit)s; at most %(limit)s %(unit)s are accepted in one batch "
        "(send the orders in several batches)",
        field="file",
        params={"got": exc.got, "unit": exc.unit, "limit": exc.limit},
        details={"limit": exc.limit, "got": exc.got, "unit": exc.unit},
    )
