"""Lists over the API: every list is paged by an opaque cursor (``{items, next_cursor}``, ``limit``
1-500); invoices, order batches and payments have lists, a platform sees its own and staff every
platform's, or one platform's by its code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from socsec.contributions.models import (
    AssessmentRun,
    Invoice,
    OrderBatch,
    Payment,
    PaymentAllocation,
    PaymentDeclaration,
)


def staff(world, role: str = "officer") -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.fixture
def invoices(world) -> list[Invoice]:
    """Five invoices: three of ridego (months 2026-01..03), two of zipper."""
    run = AssessmentRun.objects.create(
        month="2026-01", sequence=1, kind="ORIGINAL", lines_path="x", order_count=1, amount_cents=1
    )
    made = []
    for org, month in [
        (world.platform, "2026-01"),
        (world.courier, "2026-01"),
        (world.platform, "2026-02"),
        (world.courier, "2026-02"),
        (world.platform, "2026-03"),
    ]:
        made.append(
            Invoice.objects.create(
                run=AssessmentRun.objects.create(
                    month=month, sequence=len(made) + 2, kind="ORIGINAL", lines_path="x", order_count=1, amount_cents=1
                )
                if made
                else run,
                platform=org,
                province=world.platform.registered_region.parent,
                month=month,
                order_count=10,
                amount_cents=1000 + len(made),
                issued_on=dt.date(2026, 4, 1),
                due_on=dt.date(2026, 4, 15),
            )
        )
    return made


def pages(client: Client, url: str, limit: int) -> list[list[int]]:
    """The ids of every page, following next_cursor to the end."""
    out, cursor = [], None
    while True:
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(f"{url}{'&' if '?' in url else '?'}{query}")
        assert response.status_code == 200, response.content
        body = response.json()
        out.append([row["id"] for row in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return out
        assert len(out) < 20


def test_a_platform_pages_through_its_own_invoices(world, invoices, platform):
    ids = [i.pk for i in invoices]
    assert pages(platform, "/api/invoices", 2) == [[ids[0], ids[2]], [ids[4]]]
    assert pages(platform, "/api/invoices", 3) == [[ids[0], ids[2], ids[4]]]
    # naming another platform changes nothing: a platform lists only its own
    assert pages(platform, "/api/invoices?platform=zipper", 10) == [[ids[0], ids[2], ids[4]]]


def test_staff_list_every_platforms_invoices_or_one_platforms(world, invoices):
    ids = [i.pk for i in invoices]
    officer = staff(world)
    assert pages(officer, "/api/invoices", 2) == [ids[0:2], ids[2:4], ids[4:5]]
    assert pages(officer, "/api/invoices?platform=zipper", 500) == [[ids[1], ids[3]]]
    assert pages(officer, "/api/invoices?month=2026-02", 500) == [[ids[2], ids[3]]]
    assert officer.get("/api/invoices?platform=nobody").status_code == 404


def test_an_invoice_says_what_was_paid_of_it(world, invoices, platform):
    payment = Payment.objects.create(
        platform=world.platform, reference="B-1", amount_cents=700, received_on=dt.date(2026, 4, 2), source="test"
    )
    PaymentAllocation.objects.create(payment=payment, invoice=invoices[0], amount_cents=600)
    PaymentAllocation.objects.create(payment=payment, invoice=invoices[2], amount_cents=100)
    first = platform.get("/api/invoices?limit=1").json()["items"][0]
    assert first == {
        "id": invoices[0].pk,
        "platform": "ridego",
        "province": world.platform.registered_region.parent.code,
        "month": "2026-01",
        "order_count": 10,
        "amount_cents": 1000,
        "withheld_cents": 0,
        "paid_cents": 600,
        "issued_on": "2026-04-01",
        "due_on": "2026-04-15",
    }
    listed = platform.get("/api/payments").json()
    assert listed == {
        "items": [
            {
                "id": payment.pk,
                "platform": "ridego",
                "reference": "B-1",
                "amount_cents": 700,
                "received_on": "2026-04-02",
                "allocated": [
                    {"invoice": invoices[0].pk, "amount_cents": 600},
                    {"invoice": invoices[2].pk, "amount_cents": 100},
                ],
            }
        ],
        "next_cursor": None,
    }
    courier = Client(headers={"Authorization": f"Bearer {world.courier_token}"})
    assert courier.get("/api/payments").json() == {"items": [], "next_cursor": None}


def test_order_batches_are_listed_per_platform_with_a_status_filter(world, platform):
    made = [
        OrderBatch.objects.create(platform=org, idempotency_key=f"k{n}", content_sha256="0" * 64, source="t", status=s)
        for n, (org, s) in enumerate(
            [(world.platform, "ACCEPTED"), (world.courier, "ACCEPTED"), (world.platform, "REJECTED")]
        )
    ]
    assert pages(platform, "/api/orders/batches", 1) == [[made[0].pk], [made[2].pk]]
    assert pages(platform, "/api/orders/batches?status=REJECTED", 5) == [[made[2].pk]]
    assert pages(staff(world), "/api/orders/batches", 5) == [[b.pk for b in made]]
    worker = staff(world, "worker")
    assert worker.get("/api/orders/batches").status_code == 403


def test_declared_payments_are_paged_per_platform_with_a_status_filter(world, platform):
    made = [
        PaymentDeclaration.objects.create(
            platform=org, reference=f"D-{n}", amount_cents=100 + n, declared_received_on=dt.date(2026, 3, 1), status=s
        )
        for n, (org, s) in enumerate(
            [
                (world.platform, "PENDING"),
                (world.courier, "PENDING"),
                (world.platform, "REJECTED"),
                (world.platform, "PENDING"),
            ]
        )
    ]
    assert pages(platform, "/api/payment-declarations", 2) == [[made[0].pk, made[2].pk], [made[3].pk]]
    assert pages(platform, "/api/payment-declarations?status=PENDING", 5) == [[made[0].pk, made[3].pk]]
    assert pages(staff(world), "/api/payment-declarations", 3) == [[d.pk for d in made[:3]], [made[3].pk]]
    assert pages(staff(world), "/api/payment-declarations?platform=zipper", 5) == [[made[1].pk]]
    first = platform.get("/api/payment-declarations?limit=1").json()
    assert (first["items"][0]["reference"], first["items"][0]["status"], first["items"][0]["allocated"]) == (
        "D-0",
        "PENDING",
        [],
    )
    assert staff(world, "worker").get("/api/payment-declarations").status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [("limit=0", "limit"), ("limit=501", "limit"), ("cursor=bm9wZQ", "cursor"), ("cursor=%25%25", "cursor")],
)
def test_a_limit_out_of_bounds_or_a_cursor_not_given_is_refused(world, invoices, platform, query, field):
    response = platform.get(f"/api/invoices?{query}")
    assert (response.status_code, response.json()["code"], response.json()["field"]) == (422, "invalid", field)


def test_lists_without_ids_page_by_position(world):
    officer = staff(world)
    regions = [r["code"] for r in officer.get("/api/regions?limit=500").json()["items"]]
    first = officer.get("/api/regions?limit=2").json()
    second = officer.get(f"/api/regions?limit=2&cursor={first['next_cursor']}").json()
    assert [r["code"] for r in first["items"] + second["items"]] == regions[:4]
    assert len(regions) > 4
