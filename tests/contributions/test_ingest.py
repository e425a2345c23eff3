"""Order ingestion through the API: idempotency, per-row errors, corrections, files and manifests."""

from __future__ import annotations

import csv as csv_module
import datetime as dt
import io
import json
import re

import pyarrow.parquet as pq
from django.test import Client
from django.utils import timezone

from socsec.batch.assess import assess_month
from socsec.contributions.models import OrderBatch
from socsec.contributions.orders.selectors import accepted_files

TODAY = timezone.localdate()
# the orders' day: the last of last month, whose month has ended, so that it can be assessed (a job refuses
# a month not ended); three days back had it in this month from the 4th on, and the jobs' tests failed then
DAY = TODAY.replace(day=1) - dt.timedelta(days=1)
MONTH = f"{DAY.year:04d}-{DAY.month:02d}"


def order(world, order_id: str, **overrides) -> dict:
    return {
        "order_id": order_id,
        "resident_id": world.rider.resident_id,
        "region": "440300",
        "sector": "RIDE_HAILING",
        "order_date": DAY.isoformat(),
        **overrides,
    }


def send(client: Client, rows: list[dict], key: str):
    body = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)
    return client.post(
        "/api/orders/batches", data=body, content_type="application/x-ndjson", headers={"Idempotency-Key": key}
    )


def test_a_batch_is_stored_as_parquet_with_its_manifest(world, data_dir, platform):
    response = send(platform, [order(world, "a1"), order(world, "a2", fare_cents="2350")], "k1")
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("status", "rows_total", "rows_valid", "orders_new", "months", "errors_url")} == {
        "status": "ACCEPTED",
        "rows_total": 2,
        "rows_valid": 2,
        "orders_new": 2,
        "months": [MONTH],
        "errors_url": None,
    }
    batch = OrderBatch.objects.get(pk=body["id"])
    (only,) = batch.files
    table = pq.read_table(data_dir / only["path"])
    assert re.fullmatch(
        rf"orders/month={MONTH}/platform=ridego/batch-{batch.pk:09d}-[0-9a-f]{{12}}\.parquet", only["path"]
    )
    assert table.to_pylist() == [
        {
            "order_id": "a1",
            "person_id": world.rider.pk,
            "region": "440300",
            "sector": "RIDE_HAILING",
            "order_date": DAY,
            "fare_cents": None,
        },
        {
            "order_id": "a2",
            "person_id": world.rider.pk,
            "region": "440300",
            "sector": "RIDE_HAILING",
            "order_date": DAY,
            "fare_cents": 2350,
        },
    ]
    assert not list(data_dir.rglob("*.tmp"))


def test_the_same_key_and_content_is_accepted_once(world, data_dir, platform):
    first = send(platform, [order(world, "a1")], "k1")
    again = send(platform, [order(world, "a1")], "k1")
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert first["Idempotent-Replayed"] == "false"
    assert OrderBatch.objects.count() == 1
    assert len(list(data_dir.rglob("*.parquet"))) == 1


def test_the_same_key_with_other_content_is_refused(world, data_dir, platform):
    send(platform, [order(world, "a1")], "k1")
    response = send(platform, [order(world, "a2")], "k1")
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_reused")
    assert OrderBatch.objects.count() == 1


def test_invalid_rows_are_reported_and_valid_rows_kept(world, data_dir, platform):
    send(platform, [order(world, "old")], "k0")
    rows = [
        order(world, "ok1"),
        order(world, "ok1"),  # 2: repeats row 1
        order(world, "old"),  # 3: already reported
        order(world, "x4", resident_id="11010519491231002X"),  # 4: valid ID, nobody registered
        order(world, "x5", resident_id=world.freelancer.resident_id),  # 5: not engaged with this platform
        order(world, "x6", region="999999"),  # 6
        order(world, "x7", sector="RETAIL"),  # 7
        order(world, "x8", order_date=(TODAY + dt.timedelta(days=1)).isoformat()),  # 8: future
        order(world, "x9", order_date="2020-01-01"),  # 9: before the window
        order(world, "x10", fare_cents="-5"),  # 10
        order(world, "x11", order_date="31/12/2026"),  # 11
        {"order_id": "ghost", "action": "VOID", "order_date": DAY.isoformat()},  # 12
        order(world, "x13", action="DELETE"),  # 13
    ]
    response = send(platform, rows, "k1")
    body = response.json()
    assert (response.status_code, body["rows_total"], body["rows_valid"], body["rows_invalid"]) == (201, 13, 1, 12)
    csv = platform.get(body["errors_url"]).content.decode()
    earliest = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for _ in range(11):
        earliest = (earliest - dt.timedelta(days=1)).replace(day=1)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    not_engaged = f"no engagement of this platform for this worker on {DAY.isoformat()}."
    assert [",".join(r) for r in csv_module.reader(io.StringIO(csv))] == [
        "row,order_id,field,code,message",
        "2,ok1,order_id,duplicate_in_batch,repeats row 1.",
        "3,old,order_id,already_reported,was already reported in an earlier batch.",
        f"4,x4,resident_id,not_engaged,{not_engaged}",
        f"5,x5,resident_id,not_engaged,{not_engaged}",
        "6,x6,region,unknown_region,unknown region code '999999'.",
        "7,x7,sector,not_pilot_sector,'RETAIL' is not an OIP pilot sector on " + DAY.isoformat() + ".",
        f"8,x8,order_date,outside_window,{tomorrow} is outside the reporting window ({earliest.isoformat()} to "
        f"{TODAY.isoformat()}).",
        f"9,x9,order_date,outside_window,2020-01-01 is outside the reporting window ({earliest.isoformat()} to "
        f"{TODAY.isoformat()}).",
        "9,x9,resident_id,not_engaged,no engagement of this platform for this worker on 2020-01-01.",
        "9,x9,sector,not_pilot_sector,'RIDE_HAILING' is not an OIP pilot sector on 2020-01-01.",
        "10,x10,fare_cents,invalid_fare,'-5 is outside 0 to 1000000 cents.",  # escaped for spreadsheets
        "11,x11,order_date,invalid_date,'31/12/2026' is not a date (YYYY-MM-DD).",
        "12,ghost,order_id,not_reported_before,no order with this id was reported before (report it as NEW first).",
        "13,x13,action,invalid_action,'DELETE' is not one of NEW, VOID, AMEND.",
    ]
    # a registered worker the platform does not engage and a resident ID nobody registered read the same
    assert body["error_counts"] == {
        "already_reported": 1,
        "duplicate_in_batch": 1,
        "invalid_action": 1,
        "invalid_date": 1,
        "invalid_fare": 1,
        "not_engaged": 3,
        "not_pilot_sector": 2,
        "not_reported_before": 1,
        "outside_window": 2,
        "unknown_region": 1,
    }


def test_corrections_in_a_later_batch_change_the_assessment(world, data_dir, platform):
    send(platform, [order(world, f"o{i}") for i in range(5)], "k1")
    send(
        platform,
        [
            {"order_id": "o0", "action": "VOID", "order_date": DAY.isoformat()},
            order(world, "o1", action="AMEND", region="440100"),
        ],
        "k2",
    )
    response = send(platform, [{"order_id": "o0", "action": "VOID", "order_date": DAY.isoformat()}], "k3")
    assert response.json()["rows_invalid"] == 1  # already void
    orders, corrections = accepted_files(months=[MONTH])
    a = assess_month(
        data_dir, MONTH, files=([str(data_dir / p) for p in orders], [str(data_dir / p) for p in corrections])
    )
    assert [(r["province"], r["order_count"], r["amount_cents"]) for r in a.lines.to_pylist()] == [("440000", 4, 4)]


def test_a_line_that_is_not_json_refuses_that_row_alone(world, data_dir, platform):
    good = json.dumps(order(world, "a1"))
    response = platform.post(
        "/api/orders/batches",
        data=f'{good}\n\n{{"order_id": "a2"\n[1, 2]\n{json.dumps(order(world, "a3"))}\n{{"order_id": "a4", "x": 1}}',
        content_type="application/x-ndjson",
        headers={"Idempotency-Key": "k1"},
    )
    body = response.json()
    assert (response.status_code, body["status"], body["rows_total"], body["rows_valid"]) == (201, "ACCEPTED", 5, 2)
    assert body["error_counts"] == {"unreadable": 3}
    errors = OrderBatch.objects.get(pk=body["id"]).errors
    assert [(e["row"], e["field"], e["code"], e["message"]) for e in errors] == [  # the blank line is not a row
        (2, "row", "unreadable", "is not valid JSON (Expecting ',' delimiter)."),
        (3, "row", "unreadable", "is not a JSON object."),
        (5, "row", "unreadable", "unknown field(s) x."),
    ]


def test_only_platforms_report_and_each_sees_its_own_batches(world, data_dir, platform):
    officer = Client()
    officer.force_login(world.users["officer"])
    assert send(officer, [order(world, "a1")], "k1").status_code == 403
    batch_id = send(platform, [order(world, "a1")], "k1").json()["id"]
    courier = Client(headers={"Authorization": f"Bearer {world.courier_token}"})
    assert courier.get(f"/api/orders/batches/{batch_id}").status_code == 404
    assert officer.get(f"/api/orders/batches/{batch_id}").status_code == 200
    assert send(platform, [order(world, "a2")], "").json()["field"] == "idempotency_key"


def test_assessment_charges_only_orders_that_oip_covers(world, data_dir, platform):
    from socsec.contributions.assessment.coverage import oip_line_coverage

    send(
        platform,
        [
            order(world, "r1"),
            order(world, "r2"),  # rider in Shenzhen: covered
            order(world, "b1", region="110100"),  # rider in Beijing: ridego not switched on there
            order(world, "e1", resident_id=world.employee.resident_id, region="440100"),  # has a labour relation
        ],
        "k1",
    )
    orders, corrections = accepted_files(months=[MONTH])
    a = assess_month(data_dir, MONTH, files=([str(data_dir / p) for p in orders], []), coverage=oip_line_coverage)
    lines = [
        (r["person_id"], r["province"], r["order_count"], r["coverage_reason"], r["amount_cents"])
        for r in a.lines.to_pylist()
    ]
    assert sorted(lines) == sorted(
        [
            (world.rider.pk, "110000", 1, 54, 0),
            (world.rider.pk, "440000", 2, 50, 2),
            (world.employee.pk, "440000", 1, 51, 0),
        ]
    )
    assert a.totals.to_pylist() == [
        {"platform": "ridego", "province": "440000", "order_count": 2, "amount_cents": 2, "lines": 1}
    ]


def test_a_batch_left_writing_is_completed_by_its_retry(world, data_dir, platform):
    from socsec.contributions.orders.ingest import orders_ingest

    body = json.dumps(order(world, "w1")).encode()
    import hashlib

    stale = OrderBatch.objects.create(
        platform=world.platform, idempotency_key="k1", content_sha256=hashlib.sha256(body).hexdigest(), source="api"
    )
    leftover = data_dir / "orders" / f"month={MONTH}" / "platform=ridego" / f"batch-{stale.pk:09d}-deadbeef0000.parquet"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a file")  # what a killed attempt left behind
    batch, replayed = orders_ingest(
        actor=world_actor(world), platform=world.platform, content=body, fmt="jsonl", idempotency_key="k1", source="api"
    )
    assert (batch.pk, batch.status, replayed, batch.orders_new) == (stale.pk, "ACCEPTED", False, 1)
    assert [f["path"] for f in batch.files] != [str(leftover.relative_to(data_dir))]
    orders, _ = accepted_files(months=[MONTH])
    assert len(orders) == 1 and "deadbeef" not in orders[0]


def test_a_batch_accepted_meanwhile_is_checked_against(world, data_dir, platform, monkeypatch):
    from socsec.contributions.orders import ingest

    send(platform, [order(world, "d1")], "k1")
    calls = []
    real = ingest._last_accepted_batch

    def moving(p):  # the first look misses the batch accepted "meanwhile"
        calls.append(1)
        return 0 if len(calls) == 1 else real(p)

    monkeypatch.setattr(ingest, "_last_accepted_batch", moving)
    body = send(platform, [order(world, "d1"), order(world, "d2")], "k2").json()
    assert (body["rows_valid"], body["rows_invalid"]) == (1, 1)
    assert len(calls) >= 3  # checked, saw the newer batch, checked again


def world_actor(world):
    from socsec.audit.services import Actor

    return Actor(label="token:ridego", organisation_id=world.platform.pk)
