"""The same order batch sent twice at the same moment (one idempotency key): the second request waits for the
first to finish writing the batch and replays it (201, ``Idempotent-Replayed: true``), on SQLite and on
PostgreSQL; one batch is stored."""

from __future__ import annotations

import threading
import time

import pytest

from socsec.contributions.models import OrderBatch
from socsec.contributions.orders import ingest
from tests.contributions.test_ingest import order, send
from tests.two_at_once import first_then_second

HOLD_SECONDS = 1.5  # how long the first request keeps its manifest's transaction open


@pytest.mark.django_db(transaction=True)
def test_the_second_request_waits_for_the_batch_and_replays_it(world, data_dir, platform, monkeypatch):
    rows = [order(world, "a1"), order(world, "a2")]
    inside = threading.Event()
    real_audit = ingest.audit_record
    order_of_events: list[str] = []

    def slow_audit(*, actor, action, instance, **kwargs):  # type: ignore[no-untyped-def]
        real_audit(actor=actor, action=action, instance=instance, **kwargs)
        if action == "orders.ingest.start" and threading.current_thread().name == "first":
            inside.set()  # the manifest written, not committed: the key is taken
            time.sleep(HOLD_SECONDS)
            order_of_events.append("first's manifest commits")

    monkeypatch.setattr(ingest, "audit_record", slow_audit)
    same = lambda: send(platform, rows, "same")  # noqa: E731
    answers = first_then_second(same, same, inside, order_of_events)
    one, two = answers["first"], answers["second"]
    assert (one.status_code, one["Idempotent-Replayed"]) == (201, "false"), one.content  # type: ignore[attr-defined]
    assert (two.status_code, two["Idempotent-Replayed"]) == (201, "true"), two.content  # type: ignore[attr-defined]
    assert two.json()["id"] == one.json()["id"] and two.json()["status"] == "ACCEPTED"  # type: ignore[attr-defined]
    assert order_of_events.index("first's manifest commits") < order_of_events.index("second answered")
    assert OrderBatch.objects.count() == 1
