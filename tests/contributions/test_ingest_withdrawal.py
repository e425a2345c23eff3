"""Repairing an order batch: a damaged earlier file is named (not a 500 that leaves later batches WRITING),
the damaged batch is withdrawn and sent again; an assessed batch cannot be withdrawn; stale WRITING
batches are abandoned."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from socsec.audit.models import AuditEntry
from socsec.contributions.models import AssessmentRun, OrderBatch
from socsec.contributions.orders.selectors import accepted_files
from socsec.contributions.orders.withdrawal import orders_abandon_stale

from .test_ingest import MONTH, order, send, world_actor


def withdraw(client: Client, batch_id: int, reason: str = "its stored file is damaged"):
    return client.post(
        f"/api/orders/batches/{batch_id}/withdrawal",
        data=json.dumps({"reason": reason}),
        content_type="application/json",
    )


def test_a_damaged_file_is_named_then_withdrawn_and_sent_again(world, data_dir, platform):
    first = send(platform, [order(world, "a1")], "k1").json()
    path = data_dir / OrderBatch.objects.get(pk=first["id"]).files[0]["path"]
    path.write_bytes(path.read_bytes()[:40])  # the disk lost the rest

    later = send(platform, [order(world, "a2")], "k2")
    assert later.status_code == 409
    assert later.json() == {
        "code": "stored_file_damaged",
        "message": f"the stored file(s) of batch(es) {first['id']} are missing or damaged; withdraw those batches "
        "and send them again",
        "field": "file",
        "details": {
            "damaged": [{"batch": first["id"], "path": str(path.relative_to(data_dir)), "reason": "checksum differs"}]
        },
    }
    failed = OrderBatch.objects.get(idempotency_key="k2")
    assert (failed.status, failed.files, failed.errors[0]["code"]) == ("FAILED", [], "stored_file_damaged")

    response = withdraw(platform, first["id"])
    assert (response.status_code, response.json()["status"]) == (200, "WITHDRAWN")
    assert AuditEntry.objects.filter(action="orders.withdraw", object_id=str(first["id"])).count() == 1

    again = send(platform, [order(world, "a1")], "k1")  # the same key, freed by the withdrawal
    assert (again.status_code, again["Idempotent-Replayed"], again.json()["status"]) == (201, "false", "ACCEPTED")
    assert again.json()["id"] != first["id"]
    retried = send(platform, [order(world, "a2")], "k2")  # the failed batch's key is free too
    assert (retried.status_code, retried.json()["orders_new"]) == (201, 1)
    orders, _ = accepted_files(months=[MONTH])
    assert [p.split("/")[-1][:15] for p in orders] == [
        f"batch-{again.json()['id']:09d}",
        f"batch-{retried.json()['id']:09d}",
    ]
    assert OrderBatch.objects.filter(status="WRITING").count() == 0


def test_a_missing_file_is_named_missing(world, data_dir, platform):
    first = send(platform, [order(world, "a1")], "k1").json()
    (data_dir / OrderBatch.objects.get(pk=first["id"]).files[0]["path"]).unlink()
    body = send(platform, [order(world, "a2")], "k2").json()
    assert (body["code"], body["details"]["damaged"][0]["reason"]) == ("stored_file_damaged", "missing")


def test_an_assessed_batch_cannot_be_withdrawn(world, data_dir, platform):
    batch_id = send(platform, [order(world, "a1")], "k1").json()["id"]
    AssessmentRun.objects.create(
        month=MONTH, sequence=1, kind="ORIGINAL", batches=[batch_id], lines_path="x", order_count=1, amount_cents=1
    )
    response = withdraw(platform, batch_id)
    assert (response.status_code, response.json()["code"]) == (409, "batch_assessed")
    assert response.json()["message"].startswith(
        f"batch {batch_id} was counted by the assessment of {MONTH} (run 1) and invoiced"
    )
    assert OrderBatch.objects.get(pk=batch_id).status == "ACCEPTED"


def test_who_may_withdraw_and_what(world, data_dir, platform):
    batch_id = send(platform, [order(world, "a1")], "k1").json()["id"]
    courier = Client(headers={"Authorization": f"Bearer {world.courier_token}"})
    assert withdraw(courier, batch_id).status_code == 404
    assert withdraw(platform, batch_id, reason="").status_code == 422
    officer = Client()
    officer.force_login(world.users["officer"])
    assert withdraw(officer, batch_id).status_code == 200
    twice = withdraw(platform, batch_id)
    assert (twice.status_code, twice.json()["code"]) == (409, "batch_not_withdrawable")


def test_the_cli_withdraws_a_batch(world, data_dir, platform, capsys):
    from socsec.cli import main

    batch_id = send(platform, [order(world, "a1")], "k1").json()["id"]
    assert main(["ingest", "withdraw", str(batch_id), "--reason", "file lost"]) == 0
    assert capsys.readouterr().out == (
        f"batch {batch_id} of ridego: withdrawn; send it again (the same key may be used)\n"
    )
    assert OrderBatch.objects.get(pk=batch_id).withdrawal_reason == "file lost"


def test_a_batch_left_writing_is_abandoned_after_a_while(world, data_dir):
    stale = OrderBatch.objects.create(platform=world.platform, idempotency_key="k1", content_sha256="0", source="api")
    fresh = OrderBatch.objects.create(platform=world.platform, idempotency_key="k2", content_sha256="0", source="api")
    OrderBatch.objects.filter(pk=stale.pk).update(created_at=timezone.now() - dt.timedelta(hours=7))
    assert orders_abandon_stale(actor=world_actor(world)) == [stale.pk]
    assert dict(OrderBatch.objects.values_list("id", "status")) == {stale.pk: "FAILED", fresh.pk: "WRITING"}
