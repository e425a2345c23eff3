"""A damaged order file in the store: the assessment run names it, writes nothing (no run, invoice,
ledger line or lines file), and invoices once the file is repaired or its batch withdrawn."""

from __future__ import annotations

import hashlib

import pytest

from socsec.batch.errors import UnreadableFiles
from socsec.contributions.assessment.runs import assessment_run
from socsec.contributions.errors import StoredFilesDamaged
from socsec.contributions.models import Invoice, OrderBatch
from socsec.contributions.orders.withdrawal import orders_batch_withdraw
from tests.conftest import table_counts
from tests.world import SYSTEM

from .test_ingest import MONTH, order, send


def two_batches(world, platform):
    """Two accepted batches of RideGo (2 and 1 orders); returns the first's id and its file's path."""
    first = send(platform, [order(world, "a1"), order(world, "a2")], "k1").json()["id"]
    send(platform, [order(world, "b1")], "k2")
    return first, OrderBatch.objects.get(pk=first).files[0]["path"]


def refused(data_dir, error, name: str):
    """Runs the month expecting ``error``; checks nothing was written. Returns the error."""
    before = table_counts()
    with pytest.raises(error) as caught:
        assessment_run(actor=SYSTEM, month=MONTH)
    assert table_counts() == before
    assert not (data_dir / "assessments").exists()
    assert name in str(caught.value) or name in str(caught.value.details)
    return caught.value


def invoiced():
    return [(i.platform.code, i.order_count, i.amount_cents) for i in Invoice.objects.order_by("id")]


def test_a_file_changed_on_disk_is_named_and_nothing_is_invoiced_until_withdrawn(world, data_dir, platform):
    first, path = two_batches(world, platform)
    stored = data_dir / path
    damaged = bytearray(stored.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # one bit pattern flipped in the middle of the file
    stored.write_bytes(bytes(damaged))
    error = refused(data_dir, StoredFilesDamaged, path)
    assert error.details["damaged"] == [{"batch": first, "path": path, "reason": "checksum differs"}]
    assert invoiced() == []
    orders_batch_withdraw(actor=SYSTEM, batch_id=first, reason="its stored file is damaged")
    assessment_run(actor=SYSTEM, month=MONTH)
    assert invoiced() == [("ridego", 1, 1)]  # the other batch's order


def test_an_unreadable_file_that_passed_its_check_is_named_and_invoiced_once_repaired(world, data_dir, platform):
    """Damage the checksum cannot see (the file was checked earlier in the process, or recorded so): the
    engine's failure names the file."""
    first, path = two_batches(world, platform)
    stored = data_dir / path
    good = stored.read_bytes()
    stored.write_bytes(good[: len(good) // 2] + b"\0" * (len(good) - len(good) // 2))
    batch = OrderBatch.objects.get(pk=first)
    batch.files = [{**batch.files[0], "sha256": hashlib.sha256(stored.read_bytes()).hexdigest()}]
    batch.save(update_fields=["files"])
    error = refused(data_dir, UnreadableFiles, path)
    assert error.paths == [str(stored)]
    stored.write_bytes(good)  # repaired from a copy
    batch.files = [{**batch.files[0], "sha256": hashlib.sha256(good).hexdigest()}]
    batch.save(update_fields=["files"])
    assessment_run(actor=SYSTEM, month=MONTH)
    assert invoiced() == [("ridego", 3, 3)]
