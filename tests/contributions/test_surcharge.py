"""The late-payment surcharge reckoned day by day: each stretch of days between the due date, the days
payments or credit reduced the invoice, and the date asked about is charged on what was unpaid during
it; each invoice's total is rounded once (Social Insurance Law Art. 86: 0.05% a day)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from socsec.contributions.collection.arrears import arrears
from socsec.contributions.collection.payments import payment_record
from socsec.contributions.models import AssessmentRun, Invoice
from socsec.rules.parameters import load_parameters
from tests.world import SYSTEM

DUE = dt.date(2026, 3, 15)


def invoice(world, cents: int, due: dt.date = DUE, month: str = "2026-02", sequence: int = 1) -> Invoice:
    run = AssessmentRun.objects.create(
        month=month,
        sequence=sequence,
        kind="ORIGINAL" if sequence == 1 else "ADJUSTMENT",
        lines_path="x",
        order_count=1,
        amount_cents=cents,
    )
    return Invoice.objects.create(
        run=run,
        platform=world.platform,
        province=world.platform.registered_region.parent,
        month=month,
        order_count=1,
        amount_cents=cents,
        issued_on=due - dt.timedelta(days=15),
        due_on=due,
    )


def pay(world, cents: int, day: dt.date, reference: str) -> None:
    payment_record(
        actor=SYSTEM, platform=world.platform, amount_cents=cents, received_on=day, reference=reference, source="test"
    )


def stretches(a) -> list[tuple[str, str, int, int, float]]:
    return [(i.start.isoformat(), i.end.isoformat(), i.days, i.outstanding_cents, i.amount_cents) for i in a.intervals]


def test_the_daily_rate_is_the_one_in_the_parameters():
    assert load_parameters().value("contribution.late_payment_daily_rate", DUE) == 0.0005


def test_partial_payments_cut_the_surcharge_into_stretches(world):
    # 100,000.00 yuan due 2026-03-15; 40,000.00 paid on 03-25, 30,000.00 on 04-10; asked on 04-30.
    #   03-15 to 03-25: 10 days x 100,000.00 x 0.05% = 500.00
    #   03-25 to 04-10: 16 days x  60,000.00 x 0.05% = 480.00
    #   04-10 to 04-30: 20 days x  30,000.00 x 0.05% = 300.00
    #   together 1,280.00 yuan = 128,000 cents (on what is unpaid now x 46 days it would be 690.00)
    first = invoice(world, 10_000_000)
    pay(world, 4_000_000, dt.date(2026, 3, 25), "B-1")
    pay(world, 3_000_000, dt.date(2026, 4, 10), "B-2")
    [a] = arrears(on=dt.date(2026, 4, 30))
    assert (a.invoice.pk, a.outstanding_cents, a.days_late, a.surcharge_cents) == (first.pk, 3_000_000, 46, 128_000)
    assert stretches(a) == [
        ("2026-03-15", "2026-03-25", 10, 10_000_000, 50_000.0),
        ("2026-03-25", "2026-04-10", 16, 6_000_000, 48_000.0),
        ("2026-04-10", "2026-04-30", 20, 3_000_000, 30_000.0),
    ]
    # asked on 04-05, the payment of 04-10 has not arrived yet:
    #   10 days x 100,000.00 x 0.05% = 500.00; 11 days x 60,000.00 x 0.05% = 330.00; together 830.00
    [earlier] = arrears(on=dt.date(2026, 4, 5))
    assert (earlier.outstanding_cents, earlier.days_late, earlier.surcharge_cents) == (6_000_000, 21, 83_000)
    assert [i.days for i in earlier.intervals] == [10, 11]


def test_each_invoice_is_rounded_once_not_each_stretch(world):
    # 1.00 yuan due 03-15, 0.50 paid on 03-25, asked on 04-14:
    #   10 days x 100 cents x 0.05% = 0.5 cent; 20 days x 50 cents x 0.05% = 0.5 cent
    #   together 1.0 cent -> 1 cent (rounding each stretch half up would give 2)
    invoice(world, 100)
    pay(world, 50, dt.date(2026, 3, 25), "B-1")
    [a] = arrears(on=dt.date(2026, 4, 14))
    assert [i.amount_cents for i in a.intervals] == [0.5, 0.5]
    assert (a.exact_cents, a.surcharge_cents) == (1.0, 1)


def test_money_before_the_due_date_lowers_the_base_and_a_credit_note_counts_from_its_date(world):
    # 10,000.00 due 03-15; 2,000.00 paid on 03-10 (before the due date); a credit note of 1,000.00 issued
    # on 03-20; asked on 03-30:
    #   03-15 to 03-20:  5 days x 8,000.00 x 0.05% = 20.00
    #   03-20 to 03-30: 10 days x 7,000.00 x 0.05% = 35.00; together 55.00 yuan
    first = invoice(world, 1_000_000)
    pay(world, 200_000, dt.date(2026, 3, 10), "B-1")
    credit = invoice(world, -100_000, due=dt.date(2026, 4, 4), sequence=2)
    Invoice.objects.filter(pk=credit.pk).update(issued_on=dt.date(2026, 3, 20))
    [a] = arrears(on=dt.date(2026, 3, 30))
    assert (a.invoice.pk, a.outstanding_cents, a.surcharge_cents) == (first.pk, 700_000, 5_500)
    assert stretches(a) == [
        ("2026-03-15", "2026-03-20", 5, 800_000, 2_000.0),
        ("2026-03-20", "2026-03-30", 10, 700_000, 3_500.0),
    ]


def test_a_payment_on_the_day_asked_ends_the_last_stretch(world):
    # 1,000.00 due 03-15, 600.00 paid on 03-25, asked on 03-25: 10 days x 1,000.00 x 0.05% = 5.00
    invoice(world, 100_000)
    pay(world, 60_000, dt.date(2026, 3, 25), "B-1")
    [a] = arrears(on=dt.date(2026, 3, 25))
    assert (a.outstanding_cents, a.surcharge_cents) == (40_000, 500)
    assert stretches(a) == [("2026-03-15", "2026-03-25", 10, 100_000, 500.0)]


def test_paid_in_full_is_not_in_arrears(world):
    invoice(world, 100_000)
    pay(world, 100_000, dt.date(2026, 3, 25), "B-1")
    assert arrears(on=dt.date(2026, 4, 30)) == []
    assert len(arrears(on=dt.date(2026, 3, 24))) == 1  # before it was paid, it was


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_officer_sees_every_stretch(world, language):
    invoice(world, 10_000_000)
    pay(world, 4_000_000, dt.date(2026, 3, 25), "B-1")
    pay(world, 3_000_000, dt.date(2026, 4, 10), "B-2")
    officer = Client()
    officer.force_login(world.users["officer"])
    [row] = officer.get("/api/arrears?on=2026-04-30").json()["items"]
    explanation = row["explanation"]
    assert (row["surcharge_cents"], explanation["value"], explanation["formula"]) == (
        128_000,
        128_000,
        "late_payment_surcharge_accrued",
    )
    assert explanation["reference"].endswith("Art. 86")
    assert (
        explanation["rounding"]
        == "to the cent, halves away from zero, once per total of the rows added up (not per row)"
    )
    assert explanation["intervals"] == [
        {
            "from": "2026-03-15",
            "to": "2026-03-25",
            "days": 10,
            "outstanding_cents": 10_000_000,
            "daily_rate": 0.0005,
            "amount_cents": 50_000.0,
        },
        {
            "from": "2026-03-25",
            "to": "2026-04-10",
            "days": 16,
            "outstanding_cents": 6_000_000,
            "daily_rate": 0.0005,
            "amount_cents": 48_000.0,
        },
        {
            "from": "2026-04-10",
            "to": "2026-04-30",
            "days": 20,
            "outstanding_cents": 3_000_000,
            "daily_rate": 0.0005,
            "amount_cents": 30_000.0,
        },
    ]
    page = officer.get("/officer/arrears/?on=2026-04-30", headers={"Accept-Language": language}).content.decode()
    if language == "en":
        assert "2026-03-25 to 2026-04-10: 16 days x 60,000.00 yuan x 0.05% a day = 480.00 yuan" in page
        assert "Together 1,280.00 yuan, rounded once per invoice to the cent: 1,280.00 yuan." in page
    else:
        assert "2026-03-25 至 2026-04-10：16 天 × 60,000.00 元 × 每日 0.05% = 480.00 元" in page
        assert "合计 1,280.00 元，每张账单只在合计时四舍五入到分：1,280.00 元。" in page
