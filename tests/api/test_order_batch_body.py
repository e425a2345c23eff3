"""The order batch as the OpenAPI declares it: a JSON array, JSON lines or CSV, with an Idempotency-Key
header; the same orders re-sent in other bytes (line endings, a trailing newline, key order, another
format) are the same batch, other orders under the same key are refused."""

from __future__ import annotations

import json
import types

import pytest

from socsec.contributions.models import OrderBatch
from tests.contributions.test_ingest import order


def post(client, body: bytes | str, content_type: str, key: str = "k1"):
    return client.post("/api/orders/batches", data=body, content_type=content_type, headers={"Idempotency-Key": key})


def jsonl(rows: list[dict], newline: str = "\n") -> str:
    return newline.join(json.dumps(r, ensure_ascii=False) for r in rows)


def test_a_json_array_of_orders_is_a_batch(world, data_dir, platform):
    response = post(platform, json.dumps([order(world, "j1"), order(world, "j2", fare_cents=2350)]), "application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["orders_new"], response["Idempotent-Replayed"]) == (2, "false")


@pytest.mark.parametrize(
    "again",
    [
        pytest.param(lambda rows: (jsonl(rows) + "\n", "application/x-ndjson"), id="trailing-newline"),
        pytest.param(lambda rows: (jsonl(rows, "\r\n") + "\r\n\r\n", "application/x-ndjson"), id="crlf-blank-lines"),
        pytest.param(
            lambda rows: ("\n".join(json.dumps(dict(reversed(r.items()))) for r in rows), "application/x-ndjson"),
            id="keys-reordered",
        ),
        pytest.param(lambda rows: (json.dumps(rows, indent=2), "application/json"), id="as-a-json-array"),
    ],
)
def test_the_same_orders_in_other_bytes_are_replayed_not_refused(world, data_dir, platform, again):
    rows = [order(world, "a1"), order(world, "a2")]
    first = post(platform, jsonl(rows), "application/x-ndjson")
    assert first.status_code == 201
    body, content_type = again(rows)
    response = post(platform, body, content_type)
    assert (response.status_code, response["Idempotent-Replayed"], response.json()["id"]) == (
        201,
        "true",
        first.json()["id"],
    )
    assert OrderBatch.objects.count() == 1


def test_other_orders_under_the_same_key_are_refused(world, data_dir, platform):
    assert post(platform, jsonl([order(world, "a1")]), "application/x-ndjson").status_code == 201
    response = post(platform, jsonl([order(world, "a1", fare_cents="1")]) + "\n", "application/x-ndjson")
    assert (response.status_code, response.json()["code"]) == (409, "idempotency_key_reused")


def test_a_csv_upload_is_a_batch_and_its_line_endings_do_not_matter(world, data_dir, platform):
    rows = [order(world, "c1"), order(world, "c2")]
    columns = list(rows[0])
    lines = [",".join(columns), *(",".join(r[c] for c in columns) for r in rows)]
    first = post(platform, "\n".join(lines), "text/csv")
    assert (first.status_code, first.json()["orders_new"]) == (201, 2)
    again = post(platform, "\r\n".join(lines) + "\r\n", "text/csv")
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")


@pytest.mark.parametrize(
    ("body", "message"),
    [("{not json", "body: is not valid JSON."), ('{"order_id": "x"}', "body: is not a JSON array of orders.")],
)
def test_a_json_body_that_is_not_an_array_of_orders_is_refused(world, data_dir, platform, body, message):
    response = post(platform, body, "application/json")
    assert (response.status_code, response.json()["field"], response.json()["message"]) == (422, "body", message)
    assert OrderBatch.objects.count() == 0


def test_without_the_header_the_batch_is_refused_naming_it(world, data_dir, platform):
    response = platform.post("/api/orders/batches", data=jsonl([order(world, "h1")]), content_type="application/json")
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json()["field"]
    assert OrderBatch.objects.count() == 0


def test_a_json_array_over_the_byte_limit_is_refused_413_before_it_is_parsed(
    world, data_dir, platform, settings, monkeypatch
):
    settings.ORDERS_MAX_BYTES = 500
    refusing = types.SimpleNamespace(
        loads=lambda *a, **k: pytest.fail("the array was parsed"),
        dumps=json.dumps,
        JSONDecodeError=json.JSONDecodeError,
    )
    monkeypatch.setattr("socsec.api.orders.json", refusing)
    body = json.dumps([order(world, f"big{n}") for n in range(10)])
    response = post(platform, body, "application/json")
    assert (response.status_code, response.json()["code"], response.json()["details"]) == (
        413,
        "upload_too_large",
        {"limit": 500, "got": len(body.encode()), "unit": "bytes"},
    )
    assert OrderBatch.objects.count() == 0
