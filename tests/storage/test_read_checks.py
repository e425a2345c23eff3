"""A stored order file is checked against the SHA-256 its manifest keeps before anything reads it: the
assessment and a new batch of the platform stop with the file's path, and nothing is left half done."""

from __future__ import annotations

import hashlib

import pytest

from socsec.contributions.assessment.runs import assessment_run
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
    if harm == "damaged":
        content = bytearray(path.read_bytes())
        content[len(content) // 2] ^= 0xFF
        path.write_bytes(bytes(content))
        message = (
            f"stored file {path} of order batch {batch.pk} is damaged:"
            f" its SHA-256 is not the {entry['sha256']} recorded"
        )
    else:
        path.unlink()
        message = f"stored file {path} of order batch {batch.pk} is missing"
    with pytest.raises(StoredFileDamaged) as caught:
        assessment_run(actor=SYSTEM, month=MONTH)
    assert (caught.value.message, caught.value.code, caught.value.details["path"]) == (
        message,
        "file_damaged",
        str(path),
    )
    assert AssessmentRun.objects.count() == 0
    refused = send(platform, [order(world, "b1")], "k2")
    assert refused.status_code == 503
    assert refused.json()["code"] == "file_damaged"
    assert refused.json()["message"] == message
    assert list(OrderBatch.objects.values_list("status", flat=True)) == ["ACCEPTED"]  # none left WRITING


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
