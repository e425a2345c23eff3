"""Employers' arrears: a month collected short carries the daily late-payment surcharge from the payment
day, reckoned by the same rule and code as the platforms' invoices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from socsec.taxexchange.arrears import employer_arrears, employer_arrears_page
from socsec.taxexchange.receipts import receipts_fetch
from socsec.taxexchange.selectors import employer_due_on
from tests.world import World

from .helpers import SYSTEM, exchange, fetch, lines, months, send


def test_an_unpaid_month_carries_the_daily_surcharge(world: World, tmp_path: Path) -> None:
    ex = exchange(
        tmp_path, unpaid_persons=frozenset({world.rider.pk}), part_paid_persons=frozenset({world.freelancer.pk})
    )
    due = [
        *lines(world.employer.pk, world.employee.pk, "2026-09"),
        *lines(world.employer.pk, world.rider.pk, "2026-09"),
        *lines(world.employer.pk, world.freelancer.pk, "2026-09"),
    ]
    send("2026-09", due, ex)
    fetch(ex)
    assert employer_due_on("2026-09") == dt.date(2026, 10, 15)
    assert employer_arrears(on=dt.date(2026, 10, 15)) == []  # not late on the payment day itself
    [arrear] = employer_arrears(on=dt.date(2026, 11, 14))
    # unpaid: the rider's 2,832 yuan and half of the freelancer's (paid on the due day)
    assert (arrear.employer_id, arrear.month, arrear.outstanding_cents, arrear.days_late) == (
        world.employer.pk,
        "2026-09",
        283_200 + 141_600,
        30,
    )
    assert arrear.surcharge_cents == 6_372  # 424,800 cents x 0.05% x 30 days
    assert [(i.start, i.end, i.days, i.outstanding_cents) for i in arrear.intervals] == [
        (dt.date(2026, 10, 15), dt.date(2026, 11, 14), 30, 424_800)
    ]
    assert employer_arrears(on=dt.date(2026, 11, 14), employer=world.platform) == []
    # a day before the rules name a payment day: nothing was due then (not an error)
    assert employer_arrears_page(on=dt.date(2000, 2, 1), limit=10) == ([], False)


def test_a_month_paid_late_is_in_the_arrears_of_the_days_before_and_its_surcharge_stops_on_the_day_paid(
    world: World, tmp_path: Path
) -> None:
    ex = exchange(
        tmp_path, unpaid_persons=frozenset({world.rider.pk}), part_paid_persons=frozenset({world.freelancer.pk})
    )
    due = [
        line
        for p in (world.employee, world.rider, world.freelancer)
        for line in lines(world.employer.pk, p.pk, "2026-09")
    ]
    send("2026-09", due, ex)
    fetch(ex)
    document = "SSX-factory-2026-09-1"
    ex.pay_late(document_id=document, receipt_id="R-1", paid_on=dt.date(2026, 11, 20), person_id=world.rider.pk)
    receipts_fetch(actor=SYSTEM, exchange=ex)
    # before the rider's month was paid: as it stood then
    [before] = employer_arrears(on=dt.date(2026, 11, 14))
    assert (before.outstanding_cents, before.surcharge_cents) == (424_800, 6_372)
    # after: the rider's part stopped accruing on the day paid; the freelancer's half still accrues
    [after] = employer_arrears(on=dt.date(2026, 11, 22))
    assert after.outstanding_cents == 141_600
    assert [(i.start, i.end, i.days, i.outstanding_cents) for i in after.intervals] == [
        (dt.date(2026, 10, 15), dt.date(2026, 11, 20), 36, 424_800),
        (dt.date(2026, 11, 20), dt.date(2026, 11, 22), 2, 141_600),
    ]
    assert after.surcharge_cents == 7_788  # 424,800 x 0.05% x 36 + 141,600 x 0.05% x 2 = 7,646.4 + 141.6
    # the freelancer's half paid too: the month is paid in full and leaves the arrears of later days only
    ex.pay_late(document_id=document, receipt_id="R-2", paid_on=dt.date(2026, 11, 25), person_id=world.freelancer.pk)
    receipts_fetch(actor=SYSTEM, exchange=ex)
    assert employer_arrears(on=dt.date(2026, 11, 26)) == []
    [still] = employer_arrears(on=dt.date(2026, 11, 24))
    assert (still.outstanding_cents, still.surcharge_cents) == (141_600, 7_930)  # 7,646.4 + 283.2, rounded once


def test_the_arrears_are_paged_in_a_constant_number_of_queries(
    world: World, tmp_path: Path, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    ex = exchange(tmp_path, unpaid_persons=frozenset({world.rider.pk}))
    for month in months("2026-03", 6):  # 2026-03 .. 2026-08, the rider unpaid each month
        send(
            month,
            [*lines(world.employer.pk, world.rider.pk, month), *lines(world.employer.pk, world.employee.pk, month)],
            ex,
        )
    fetch(ex)
    on = dt.date(2026, 11, 1)
    with django_assert_num_queries(3):
        first, more = employer_arrears_page(on=on, limit=2)
    assert ([a.month for a in first], more) == (["2026-03", "2026-04"], True)
    with django_assert_num_queries(3):
        rest, more = employer_arrears_page(on=on, limit=4, after=first[-1].position)
    assert ([a.month for a in rest], more) == (["2026-05", "2026-06", "2026-07", "2026-08"], False)
    assert {a.outstanding_cents for a in first + rest} == {283_200}
    assert employer_arrears_page(on=on, limit=2, employer=world.platform) == ([], False)
