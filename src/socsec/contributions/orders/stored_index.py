"""The index files of a platform's accepted batches (``socsec.batch.order_index``), as their manifests list
them: each order or correction file's entry keeps its index's path and SHA-256 (``index``,
``index_sha256``). Before a batch is checked against them, every stored file of the months in the window
is checked against its manifest (a damaged one is named, as before); an index that is missing, damaged,
or was never written (batches stored before there were indexes) is rebuilt from its checked file and
recorded, so that a look-up is never answered from a wrong index."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import transaction

from socsec.batch.order_index import INDEX_ROW_GROUP, index_of_file, index_path
from socsec.batch.store import write_atomic
from socsec.contributions.errors import StoredFilesDamaged
from socsec.contributions.models import OrderBatch
from socsec.core.stored import stored_file_problem
from socsec.registry.models import Organisation


def stored_index_files(*, platform: Organisation, months: Iterable[str]) -> list[str]:
    """The index files (absolute paths) of the platform's accepted batches for the months, rebuilding those
    missing or damaged. A stored order file that is missing or damaged raises ``StoredFilesDamaged``."""
    wanted = set(months)
    data_dir: Path = settings.DATA_DIR
    found: list[str] = []
    damaged: list[dict[str, Any]] = []
    rebuilt: dict[int, list[dict[str, Any]]] = {}
    batches = OrderBatch.objects.filter(platform=platform, status=OrderBatch.Status.ACCEPTED).order_by("id")
    for batch_id, files in batches.values_list("id", "files"):
        for f in files:
            if f["month"] not in wanted:
                continue
            problem = stored_file_problem(data_dir / f["path"], f["sha256"])
            if problem:
                reason = "missing" if problem == "missing" else "checksum differs"
                damaged.append({"batch": batch_id, "path": f["path"], "reason": reason})
                continue
            index = f.get("index")
            if not index or stored_file_problem(data_dir / index, f.get("index_sha256", "")):
                index, digest = _rebuild(data_dir, batch_id, f)
                rebuilt.setdefault(batch_id, []).append({**f, "index": index, "index_sha256": digest})
            found.append(str(data_dir / index))
    if damaged:
        raise StoredFilesDamaged(damaged, "")
    for batch_id, entries in rebuilt.items():
        _record(batch_id, entries)
    return found


def _rebuild(data_dir: Path, batch_id: int, entry: dict[str, Any]) -> tuple[str, str]:
    data_file = data_dir / entry["path"]
    path = index_path(data_file, data_dir)
    try:
        table = index_of_file(entry["kind"], batch_id, data_file)
    except (OSError, pa.ArrowException) as exc:  # checked a moment ago: changed meanwhile
        raise StoredFilesDamaged(
            [{"batch": batch_id, "path": entry["path"], "reason": "unreadable"}], str(exc)
        ) from None
    digest = write_atomic(table, path, row_group_size=INDEX_ROW_GROUP)
    return str(path.relative_to(data_dir)), digest


def _record(batch_id: int, entries: list[dict[str, Any]]) -> None:
    """Keep the rebuilt indexes' paths and digests in the batch's manifest."""
    by_path = {e["path"]: e for e in entries}
    with transaction.atomic():
        batch = OrderBatch.objects.select_for_update().filter(pk=batch_id).first()
        if batch is None or batch.status != OrderBatch.Status.ACCEPTED:
            return
        files = [by_path.get(f["path"], f) for f in batch.files]
        OrderBatch.objects.filter(pk=batch_id).update(files=files)
