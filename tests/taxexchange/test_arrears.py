"""Employers' arrears: a month collected short carries the daily late-payment surcharge from the payment
day, reckoned by the same rule and code as the platforms' invoices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from socsec.taxexchange.selectors import employer_arrears, employer_due_on
from tests.world import World

from .helpers import exchange, fetch, lines, send


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
