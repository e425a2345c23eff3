"""OIP contributions due, collected and in arrears by age, in one query, agree with the platform's account
as ``contributions.collection.outstanding`` reckons it invoice by invoice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.contributions.collection.outstanding import invoice_histories
from socsec.contributions.models import AssessmentRun, Invoice, Payment, PaymentAllocation
from socsec.registry.models import Organisation, Region
from socsec.supervision.collection import BUCKETS, collection_on

D = dt.date


def invoice(platform: Organisation, province: str, cents: int, due: dt.date, month: str) -> Invoice:
    run, _ = AssessmentRun.objects.get_or_create(
        month=month, sequence=1, defaults=dict(kind="ORIGINAL", lines_path="x", order_count=1, amount_cents=cents)
    )
    return Invoice.objects.create(
        run=run,
        platform=platform,
        province=Region.objects.get(code=province),
        month=month,
        order_count=1,
        amount_cents=cents,
        issued_on=due - dt.timedelta(days=15),
        due_on=due,
    )


def pay(platform: Organisation, cents: int, on: dt.date, ref: str, allocations: list[tuple[Invoice, int]]) -> None:
    payment = Payment.objects.create(platform=platform, reference=ref, amount_cents=cents, received_on=on, source="t")
    for inv, part in allocations:
        PaymentAllocation.objects.create(payment=payment, invoice=inv, amount_cents=part)


@pytest.fixture
def book(world):
    """RideGo: three invoices in Guangdong, part paid, a credit note and a payment with a surplus; Zipper:
    two invoices in Beijing, one unpaid for 200 days."""
    a = invoice(world.platform, "440000", 100_000, D(2026, 2, 15), "2026-01")
    b = invoice(world.platform, "440000", 50_000, D(2026, 3, 15), "2026-02")
    c = invoice(world.platform, "440000", 80_000, D(2026, 5, 15), "2026-04")
    invoice(world.platform, "440000", -20_000, D(2026, 4, 1), "2026-03")  # credit note, issued 2026-03-17
    pay(world.platform, 70_000, D(2026, 3, 1), "p1", [(a, 60_000)])  # 10,000 beyond its allocation
    pay(world.platform, 30_000, D(2026, 6, 20), "p2", [(c, 30_000)])
    z1 = invoice(world.courier, "110000", 40_000, D(2025, 12, 10), "2025-11")
    z2 = invoice(world.courier, "110000", 25_000, D(2026, 6, 10), "2026-05")
    pay(world.courier, 5_000, D(2026, 6, 1), "z1", [(z1, 5_000)])
    return world, [a, b, c, z1, z2]


def python_outstanding(on: dt.date) -> dict[int, int]:
    return {
        h.invoice.pk: h.outstanding_on(on)
        for p in Organisation.objects.filter(kind="PLATFORM")
        for h in invoice_histories(p)
    }


@pytest.mark.parametrize("on", [D(2026, 3, 10), D(2026, 4, 30), D(2026, 6, 30), D(2026, 12, 31)])
def test_what_is_left_agrees_with_the_platforms_account_on_every_day(book, on):
    rows = collection_on(on)
    left = python_outstanding(on)
    invoices = Invoice.objects.filter(amount_cents__gt=0)
    assert sum(r.due_cents for r in rows) == sum(i.amount_cents for i in invoices)
    assert sum(r.arrears_cents + r.not_yet_due_cents for r in rows) == sum(max(v, 0) for v in left.values())
    late = sum(max(left[i.pk], 0) for i in invoices if i.due_on < on)
    assert sum(r.arrears_cents for r in rows) == late


def test_exact_figures_by_province_month_and_age(book):
    rows = {(r.province, r.month): r for r in collection_on(D(2026, 6, 30))}
    assert sorted(rows) == [
        ("110000", "2025-11"),
        ("110000", "2026-05"),
        ("440000", "2026-01"),
        ("440000", "2026-02"),
        ("440000", "2026-04"),
    ]
    # RideGo's credit by 30 June: the credit note 20,000 and p1's surplus 10,000 = 30,000, applied to its
    # oldest: a owes 40,000 after p1 (30,000 of it taken by the credit), b 50,000, c 80,000 - 30,000.
    a, b, c = rows[("440000", "2026-01")], rows[("440000", "2026-02")], rows[("440000", "2026-04")]
    assert (a.due_cents, a.collected_cents, a.arrears_cents) == (100_000, 90_000, 10_000)
    assert a.arrears == {"1-30": 0, "31-90": 0, "91-180": 10_000, "181-365": 0, "366+": 0}
    assert (b.due_cents, b.collected_cents, b.arrears["91-180"]) == (50_000, 0, 50_000)
    assert (c.due_cents, c.collected_cents, c.arrears["31-90"]) == (80_000, 30_000, 50_000)
    z1, z2 = rows[("110000", "2025-11")], rows[("110000", "2026-05")]
    assert (z1.collected_cents, z1.arrears["181-365"]) == (5_000, 35_000)
    assert (z2.arrears["1-30"], z2.not_yet_due_cents) == (25_000, 0)
    assert tuple(a.arrears) == BUCKETS


def test_one_query_whatever_the_number_of_invoices(book):
    world, _ = book
    with CaptureQueriesContext(connection) as small:
        collection_on(D(2026, 6, 30))
    for n in range(30):
        invoice(
            world.courier,
            "110000",
            1_000 + n,
            D(2026, 1, 1) + dt.timedelta(days=n),
            f"{2020 + n // 12}-{n % 12 + 1:02d}",
        )
    with CaptureQueriesContext(connection) as large:
        rows = collection_on(D(2026, 6, 30))
    assert len(small) == len(large) == 1
    assert sum(r.due_cents for r in rows) == 295_000 + sum(1_000 + n for n in range(30))
