"""The insured persons' records written to a CSV file for a projection. The rows stream slice by slice
into a temporary file beside the target and the persons' ids into an unnamed temporary file; then, in one
transaction, the reads are logged and the file is renamed into place. A killed or failed export leaves
no file under the final name and no read logged; memory stays that of one slice."""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.db import transaction

from socsec.audit.models import ReadPurpose
from socsec.audit.reads import log_personal_reads_in_batches
from socsec.audit.services import Actor
from socsec.batch.store import FILE_MODE
from socsec.core.csvsafe import csv_writer
from socsec.core.faults import fault

from .insured_records import RECORD_HEADER, SLICE_PERSONS, Record, insured_record_slices

ID_BYTES = 8


@dataclass(frozen=True)
class RecordsExport:
    path: Path
    persons: int
    active: int


def insured_records_export(*, actor: Actor, year: int, path: Path, slice_persons: int = SLICE_PERSONS) -> RecordsExport:
    """Write the insured records at the start of ``year`` to ``path`` (CSV, the header first), whole or
    not at all, with the read of every person in it logged in the same transaction as the rename."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temporary, renamed = Path(name), False
    persons = active = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out, tempfile.TemporaryFile() as ids:
            csv_writer(out, lineterminator="\n").writerow(RECORD_HEADER)
            for records in insured_record_slices(year=year, slice_persons=slice_persons):
                out.write(_csv_lines(records))
                ids.write(array("q", [person_id for person_id, _ in records]).tobytes())
                persons += len(records)
                active += sum(1 for _, row in records if row[2] == "active")
                fault("records.slice_written", temporary)  # killed half way: only the temporary name exists
            out.flush()
            os.fsync(out.fileno())
            os.chmod(temporary, FILE_MODE)
            ids.seek(0)
            with transaction.atomic():  # the reads are logged with the file in place, or not at all
                log_personal_reads_in_batches(
                    actor=actor,
                    role="SYSTEM",
                    batches=_batches(ids),
                    purpose=ReadPurpose.EXPORT,
                    what="insured records",
                )
                fault("records.before_rename", path)
                os.replace(temporary, path)
                renamed = True
    except BaseException:
        temporary.unlink(missing_ok=True)
        if renamed:  # the rename happened but the reads were not committed: the file does not count
            path.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)  # the rename itself reaches the disk
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return RecordsExport(path, persons, active)


def _csv_lines(records: list[Record]) -> str:
    """The rows as ``csv_writer`` writes them, a slice at once: each cell is a number or one of the words
    male, female, active, pensioner, which need no quoting and cannot start a formula, and Python writes a
    number in a CSV cell as ``str`` does."""
    return "".join(f"{s},{a},{t},{y},{i},{b},{p}\n" for _, (s, a, t, y, i, b, p) in records)


def _batches(ids: IO[bytes], size: int = 65_536) -> Iterator[array[int]]:
    while chunk := ids.read(size * ID_BYTES):
        batch = array("q")
        batch.frombytes(chunk)
        yield batch
