"""A stored order file is checked against the SHA-256 its manifest keeps before anything reads it (a byte
changed where no read looks is caught too): the assessment and a new batch of the platform stop naming
the file and its batch, and nothing is left half done (the new batch FAILED, its key free)."""

from __future__ import annotations

import hashlib

import pytest

from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.errors import StoredFilesDamaged
from socsec.contributions.models import AssessmentRun, OrderBatch
from socsec.core.stored import StoredFileDamaged
from tests.contributions.test_ingest import MONTH, order, send
from tests.world import SYSTEM


@pytest.mark.parametrize("harm", ["damaged", "missing"])
def test_a_damaged_or_lost_order_file_stops_its_readers_with_its_path(world, data_dir, platform, harm):
    assert send(platform, [order(world, "a1"), order(world, "a2")], "k1").status_code == 201
    batch = OrderBatch.objects.get()
    (entry,) = batch.files
    path = data_dir / entry["path"]
    if harm == "damaged":  # one byte, where the ingestion's own reads may never look
        content = bytearray(path.read_bytes())
        content[len(content) // 2] ^= 0xFF
        path.write_bytes(bytes(content))
    else:
        path.unlink()
    reason = "checksum differs" if harm == "damaged" else "missing"
    damaged = [{"batch": batch.pk, "path": entry["path"], "reason": reason}]
    message = (
        f"the stored file(s) of batch(es) {batch.pk} are missing or damaged; withdraw those batches and send them again"
    )
    with pytest.raises(StoredFilesDamaged) as caught:
        assessment_run(actor=SYSTEM, month=MONTH)
    assert (caught.value.message, caught.value.code, caught.value.details) == (
        message,
        "stored_file_damaged",
        {"damaged": damaged},
    )
    assert AssessmentRun.objects.count() == 0
    refused = send(platform, [order(world, "b1")], "k2")
    assert refused.status_code == 409
    assert refused.json() == {
        "code": "stored_file_damaged",
        "message": message,
        "field": "file",
        "details": {"damaged": damaged},
    }
    assert list(OrderBatch.objects.order_by("id").values_list("status", flat=True)) == ["ACCEPTED", "FAILED"]


def test_a_damaged_lines_file_stops_the_next_assessment_with_its_path(world, data_dir, platform):
    assert send(platform, [order(world, "a1")], "k1").status_code == 201
    first = assessment_run(actor=SYSTEM, month=MONTH).run
    assert first is not None
    path = data_dir / first.lines_path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == first.lines_sha256
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))
    assert send(platform, [order(world, "a2")], "k2").status_code == 201
    with pytest.raises(StoredFileDamaged) as caught:
        assessment_run(actor=SYSTEM, month=MONTH)
    assert caught.value.message == (
        f"stored file {path} of assessment run {MONTH} 1 is damaged: its SHA-256 is not the {first.lines_sha256}"
        " recorded"
    )
    assert AssessmentRun.objects.count() == 1
