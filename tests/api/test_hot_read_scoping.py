"""The hot reads (SQL built once per process, ``socsec.core.compiled``) keep each platform to its own: a
token reads its platform's invoices and batches only, with every filter and page, even right after
another platform's token ran the same shape of query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from socsec.contributions.models import AssessmentRun, Invoice, OrderBatch

pytestmark = pytest.mark.django_db


def _invoice(world, platform, n: int) -> Invoice:
    month = f"2025-{n % 12 + 1:02d}"
    run = AssessmentRun.objects.create(
        month=month, sequence=n + 1, kind="ORIGINAL", lines_path="x", order_count=1, amount_cents=100 + n
    )
    return Invoice.objects.create(
        run=run,
        platform=platform,
        province=world.platform.registered_region.parent,
        month=month,
        order_count=1,
        amount_cents=100 + n,
        issued_on=dt.date(2025, 1, 1),
        due_on=dt.date(2025, 1, 15),
    )


def _ids(client: Client, path: str) -> list[int]:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    "query", ["", "?month=2025-02", "?province=440000", "?limit=1", "?platform=ridego", "?month=2025-02&limit=2"]
)
def test_a_platform_lists_only_its_own_invoices(world, query):
    ridego = [_invoice(world, world.platform, n).pk for n in range(3)]
    zipper = [_invoice(world, world.courier, n).pk for n in range(3, 5)]
    ridego_client = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    zipper_client = Client(HTTP_AUTHORIZATION=f"Bearer {world.courier_token}")
    assert set(_ids(ridego_client, f"/api/invoices{query}")) <= set(ridego)
    assert set(_ids(zipper_client, f"/api/invoices{query}")) <= set(zipper)
    assert _ids(zipper_client, "/api/invoices") == zipper
    assert _ids(ridego_client, "/api/invoices") == ridego


def test_a_platforms_pages_stay_its_own(world):
    ridego = [_invoice(world, world.platform, n).pk for n in range(3)]
    _invoice(world, world.courier, 3)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    seen: list[int] = []
    path = "/api/invoices?limit=1"
    while True:
        body = client.get(path).json()
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        path = f"/api/invoices?limit=1&cursor={body['next_cursor']}"
    assert seen == ridego


def test_a_platform_cannot_read_another_platforms_batch(world):
    batch = OrderBatch.objects.create(platform=world.platform, idempotency_key="k", content_sha256="0", source="api")
    own = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {world.courier_token}")
    assert own.get(f"/api/orders/batches/{batch.pk}").status_code == 200
    refused = other.get(f"/api/orders/batches/{batch.pk}")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert other.get(f"/api/orders/batches/{2**63}").status_code == 404


def test_a_platform_reads_only_persons_engaged_with_it(world):
    own = Client(HTTP_AUTHORIZATION=f"Bearer {world.platform_token}")
    other = Client(HTTP_AUTHORIZATION=f"Bearer {world.courier_token}")
    assert own.get(f"/api/persons/{world.rider.pk}").status_code == 200
    assert other.get(f"/api/persons/{world.rider.pk}").status_code == 200  # engaged with both
    assert own.get(f"/api/persons/{world.freelancer.pk}").status_code == 404
    assert other.get(f"/api/persons/{world.employee.pk}").status_code == 404
