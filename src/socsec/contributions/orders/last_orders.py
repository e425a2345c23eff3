"""The high-water mark of a platform's orders per worker (``LastOrder``): computed in bulk from an accepted
batch's files (new orders, and orders moved to another worker), raised in the acceptance's transaction,
never lowered. The engagement-end limit reads it instead of the order files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.db import connection

from socsec.contributions.models import LastOrder
from socsec.registry.models import Organisation

CHUNK = 100_000
NONE = np.iinfo(np.int64).min


def batch_last_days(data_dir: Path, files: Iterable[Mapping[str, Any]]) -> dict[int, dt.date]:
    """Each worker's last order day in a batch's files: the orders' and the AMEND corrections' (the new
    worker); VOIDs are left out. One columnar read per file, one group-by."""
    parts: list[pa.Table] = []
    for f in files:
        path = data_dir / f["path"]
        if f["kind"] == "orders":
            parts.append(pq.read_table(path, columns=["person_id", "order_date"]))
        else:
            table = pq.read_table(path, columns=["action", "new_person_id", "order_date"])
            table = table.filter(pc.equal(table["action"], "AMEND"))
            parts.append(pa.table({"person_id": table["new_person_id"], "order_date": table["order_date"]}))
    if not parts:
        return {}
    maxima = pa.concat_tables(parts).group_by("person_id").aggregate([("order_date", "max")])
    return dict(zip(maxima["person_id"].to_pylist(), maxima["order_date_max"].to_pylist(), strict=True))


class LastDays:
    """Each worker's last order day in a batch, kept while the batch streams by: one slot per worker the
    platform engages (``workers``, sorted), so a chunk costs one scatter, whatever the batch's size."""

    def __init__(self, workers: np.ndarray) -> None:
        self._workers = workers
        self._days = np.full(len(workers), NONE, dtype=np.int64)  # days since 1970

    def add(self, found: tuple[np.ndarray, np.ndarray]) -> None:
        people, days = found
        if len(people):
            np.maximum.at(self._days, np.searchsorted(self._workers, people), days)

    def days(self) -> tuple[np.ndarray, np.ndarray]:
        """The workers (sorted) and each one's last order day (days since 1970)."""
        some = self._days != NONE
        return self._workers[some], self._days[some]


def last_orders_raise(*, platform: Organisation, days: tuple[np.ndarray, np.ndarray]) -> int:
    """Inside the acceptance's transaction (platform locked): raise the marks to ``days`` (workers and
    their last order days since 1970) where they are later, by one upsert statement run for ``CHUNK``
    workers at a time, their marks given as one JSON text the database unpacks (set-based: never a query
    per worker, never a statement whose variables grow with the batch). Returns how many marks were
    given."""
    table = connection.ops.quote_name(LastOrder._meta.db_table)
    if connection.vendor == "postgresql":
        rows = "SELECT %s, (m->>0)::bigint, (m->>1)::date FROM json_array_elements(%s::json) m"
    else:  # the day as the text SQLite keeps a date as
        rows = "SELECT %s, m.value->>0, m.value->>1 FROM json_each(%s) m WHERE true"
    sql = (
        f"INSERT INTO {table} (platform_id, person_id, last_order_on) {rows}"
        f" ON CONFLICT (platform_id, person_id) DO UPDATE SET last_order_on = excluded.last_order_on"
        f" WHERE excluded.last_order_on > {table}.last_order_on"
    )
    people, when = days
    with connection.cursor() as cursor:
        for start in range(0, len(people), CHUNK):
            end = start + CHUNK
            cursor.execute(sql, [platform.pk, _json_pairs(people[start:end], when[start:end])])
    return len(people)


def _json_pairs(first: np.ndarray, second: np.ndarray) -> str:
    """``[[a, "b"], ...]`` of integers and days since 1970 (written YYYY-MM-DD) as JSON text, written by
    the engine."""
    if not len(first):
        return "[]"
    days = pc.cast(pc.cast(pa.array(second.astype(np.int32)), pa.date32()), pa.string())
    pairs = pc.binary_join_element_wise(
        pc.cast(pa.array(first.astype(np.int64)), pa.string()),
        pc.binary_join_element_wise('"', days, '"', ""),
        ",",
    )
    whole = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(pairs)], pa.int32()), pairs), "],[")
    return "[[" + str(whole[0].as_py()) + "]]"


def last_order_on(*, platform: Organisation, person_id: int) -> dt.date | None:
    """The last day the platform reported an order of the worker; none when it never did."""
    return (
        LastOrder.objects.filter(platform=platform, person_id=person_id).values_list("last_order_on", flat=True).first()
    )
