"""The order files the assessment reads, and the month they belong to.

Orders live as Parquet files partitioned by month and platform, one file per ingested batch::

    <data>/orders/month=YYYY-MM/platform=CODE/<batch>.parquet        (ORDER_SCHEMA)
    <data>/corrections/month=YYYY-MM/platform=CODE/<batch>.parquet   (CORRECTION_SCHEMA)

A correction (VOID or AMEND of an earlier order) is resolved when its batch is ingested: the row
carries the order's values before the correction (``old_*``) and, for AMEND, after it (``new_*``).
Each correction is therefore a delta, -1 order on the old line and +1 on the new one, and the month's
lines are one aggregation over orders and deltas, never a search for "the latest row" among all orders.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa

from .errors import AssessmentError

ORDER_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("person_id", pa.int64()),
        ("region", pa.string()),  # 6-digit code of the city where the order was served
        ("sector", pa.string()),
        ("order_date", pa.date32()),
        ("fare_cents", pa.int64()),  # the order's value when the platform reports it (null otherwise)
    ]
)

CORRECTION_SCHEMA = pa.schema(
    [
        ("order_id", pa.string()),
        ("action", pa.string()),  # VOID or AMEND
        ("old_person_id", pa.int64()),
        ("old_region", pa.string()),
        ("old_sector", pa.string()),
        ("new_person_id", pa.int64()),  # null for VOID
        ("new_region", pa.string()),
        ("new_sector", pa.string()),
        ("order_date", pa.date32()),
    ]
)

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def month_start(month: str) -> dt.date:
    if not MONTH.match(month):
        raise AssessmentError(f"month {month!r}: expected YYYY-MM")
    return dt.date(int(month[:4]), int(month[5:]), 1)


def order_files(data_dir: Path, month: str, kind: str = "orders") -> list[str]:
    return sorted(str(p) for p in (data_dir / kind / f"month={month}").glob("platform=*/*.parquet"))
