"""The last order day a platform reported per worker is kept as a high-water mark: raised when a batch is
accepted, never lowered by withdrawing the batch or voiding the orders; the engagement-end limit reads it."""

from __future__ import annotations

import datetime as dt
import importlib
import json

from django.apps import apps
from django.test import Client

from socsec.contributions.models import LastOrder, OrderBatch

from .test_ingest import DAY, order, send
from .test_ingest_withdrawal import withdraw


def end(c: Client, engagement_id: int, end_date: dt.date) -> tuple[int, str]:
    response = c.post(
        f"/api/engagements/{engagement_id}/end",
        json.dumps({"end_date": end_date.isoformat()}),
        content_type="application/json",
    )
    body = response.json()
    return response.status_code, body.get("code") or body.get("end_date")


def marks() -> list[tuple[str, int, dt.date]]:
    return list(LastOrder.objects.values_list("platform__code", "person_id", "last_order_on"))


def test_withdrawing_the_batch_does_not_lower_the_mark(world, data_dir, platform):
    batch = send(
        platform, [order(world, "a1"), order(world, "a2", order_date=(DAY - dt.timedelta(1)).isoformat())], "k"
    )
    assert marks() == [("ridego", world.rider.pk, DAY)]
    assert withdraw(platform, batch.json()["id"]).status_code == 200
    assert OrderBatch.objects.get().status == "WITHDRAWN"
    assert end(platform, world.rider_eng_platform.pk, DAY - dt.timedelta(days=1)) == (409, "end_before_last_order")
    assert marks() == [("ridego", world.rider.pk, DAY)]


def test_voiding_the_orders_does_not_lower_the_mark(world, data_dir, platform):
    assert send(platform, [order(world, "a1")], "k1").status_code == 201
    void = {"order_id": "a1", "action": "VOID", "order_date": DAY.isoformat()}
    assert send(platform, [void], "k2").json()["orders_void"] == 1
    assert end(platform, world.rider_eng_platform.pk, DAY - dt.timedelta(days=1)) == (409, "end_before_last_order")
    assert end(platform, world.rider_eng_platform.pk, DAY) == (200, DAY.isoformat())


def test_the_migration_backfills_the_marks_from_accepted_files(world, data_dir, platform):
    send(platform, [order(world, "a1"), order(world, "a2", order_date=(DAY - dt.timedelta(2)).isoformat())], "k")
    LastOrder.objects.all().delete()
    migration = importlib.import_module("socsec.contributions.migrations.0014_fixmoney_last_orders")
    migration.backfill(apps, None)
    assert marks() == [("ridego", world.rider.pk, DAY)]
