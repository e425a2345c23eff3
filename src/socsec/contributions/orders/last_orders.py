"""The high-water mark of a platform's orders per worker (``LastOrder``): computed in bulk from an accepted
batch's files (new orders, and orders moved to another worker), raised in the acceptance's transaction,
never lowered. The engagement-end limit reads it instead of the order files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from socsec.contributions.models import LastOrder
from socsec.registry.models import Organisation

CHUNK = 5000


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


def last_orders_raise(*, platform: Organisation, days: Mapping[int, dt.date]) -> int:
    """Inside the acceptance's transaction (platform locked): raise the marks to ``days`` where they are
    later; a few queries per ``CHUNK`` workers. Returns how many marks were set or raised."""
    people = sorted(days)
    changed = 0
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        known = dict(
            LastOrder.objects.filter(platform=platform, person_id__in=chunk).values_list("person_id", "last_order_on")
        )
        later = [
            LastOrder(platform=platform, person_id=person, last_order_on=days[person])
            for person in chunk
            if person not in known or days[person] > known[person]
        ]
        LastOrder.objects.bulk_create(
            later,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["platform", "person_id"],
            update_fields=["last_order_on"],
        )
        changed += len(later)
    return changed


def last_order_on(*, platform: Organisation, person_id: int) -> dt.date | None:
    """The last day the platform reported an order of the worker; none when it never did."""
    return (
        LastOrder.objects.filter(platform=platform, person_id=person_id).values_list("last_order_on", flat=True).first()
    )
