"""The employee medical insurance relation after a transfer (Yi Bao Ban Fa [2021] No. 43): the months moved
in count with those paid here, and a break of more than 3 months before the first month paid here sets the
pooling area's waiting period (Guangdong: the cap of 6 months). The worked example of
rules/scenarios/medical_transfer.yaml."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.registry.models import Person, Region
from socsec.registry.services import region_create
from socsec.transfers.medical import medical_continuation
from tests.transfers.test_services import TODAY, move, pay_medical, pay_year
from tests.world import SYSTEM


@pytest.fixture
def rider(world):
    """The rider paid pension and medical insurance in Beijing for 2025, then moved to Shenzhen (2026-03-10)."""
    pay_year(world.rider, 2025)
    pay_medical(world.rider, dt.date(2025, 1, 1), 12)
    assert move(world.rider, "440300", TODAY).months == {"PENSION": 12, "UNEMPLOYMENT": 0, "MEDICAL": 12}
    return world.rider


def test_before_the_first_payment_here_the_worker_is_told_by_when_to_pay(rider):
    told = medical_continuation(rider, on=TODAY)
    assert told is not None
    rule = told.pop("rule")
    told.pop("transfer")
    assert told == {
        "moved_months": 12,
        "last_moved": "2025-12",
        "months_on_record": 12,
        "months_brought_in": 12,
        "first_paid_here": "",
        "gap_months": 2,  # 2026-01 and 2026-02 so far
        "waiting_months": 0,
        "allowed_gap": 3,
        "pay_by": "2026-04",  # a first month of 2026-04 leaves a break of 3 months
    }
    assert (rule["formula"], rule["value"], rule["inputs"]) == (
        "medical_transfer_waiting_months",
        0,
        {"on": "2026-03-10", "region": "440300", "gap_months": 2},
    )
    assert [p["path"] for p in rule["parameters"]] == [
        "transfers.medical_gap_months",
        "transfers.medical_waiting_months.440000",
        "transfers.medical_waiting_cap",
    ]


def test_the_notice_to_pay_turns_into_a_waiting_period_the_month_after_the_last_one_that_keeps_the_break_short(
    rider,
):
    told = medical_continuation(rider, on=dt.date(2026, 4, 30))
    assert told is not None
    assert (told["gap_months"], told["waiting_months"], told["pay_by"]) == (3, 0, "2026-04")
    told = medical_continuation(rider, on=dt.date(2026, 5, 1))
    assert told is not None
    assert (told["gap_months"], told["waiting_months"], "pay_by" in told, "benefits_from" in told) == (
        4,
        6,
        False,
        False,
    )


def test_a_short_break_sets_no_waiting_period(rider):
    pay_medical(rider, dt.date(2026, 3, 1), 3, paid_on=dt.date(2026, 3, 12))
    told = medical_continuation(rider, on=dt.date(2026, 4, 20))
    assert told is not None
    assert (told["first_paid_here"], told["gap_months"], told["waiting_months"], told["benefits_from"]) == (
        "2026-03",
        2,
        0,
        "2026-03",
    )
    assert (told["months_on_record"], told["months_brought_in"]) == (14, 12)  # the years count together
    assert "pay_by" not in told


def test_a_month_paid_in_the_new_province_before_the_transfer_arrived_is_paid_here(rider):
    """The worked example: the rider, registered in Shenzhen now, paid 2026-02 there before the transfer."""
    Person.objects.filter(pk=rider.pk).update(residence_region=Region.objects.get(code="440300"))
    rider.refresh_from_db()
    pay_medical(rider, dt.date(2026, 2, 1), 3, paid_on=dt.date(2026, 2, 10))
    told = medical_continuation(rider, on=dt.date(2026, 4, 20))
    assert told is not None
    assert (told["first_paid_here"], told["gap_months"], told["waiting_months"], told["benefits_from"]) == (
        "2026-02",
        1,
        0,
        "2026-02",
    )
    assert (told["months_on_record"], told["months_brought_in"]) == (15, 12)


def test_a_month_paid_in_advance_here_counts_before_it_comes(rider):
    pay_medical(rider, dt.date(2026, 4, 1), 3, paid_on=dt.date(2026, 3, 20))
    told = medical_continuation(rider, on=dt.date(2026, 3, 25))
    assert told is not None
    assert (told["first_paid_here"], told["gap_months"], told["benefits_from"], "pay_by" in told) == (
        "2026-04",
        3,
        "2026-04",
        False,
    )


def test_a_break_of_more_than_three_months_waits_the_pooling_areas_period(rider):
    pay_medical(rider, dt.date(2026, 7, 1), 3, paid_on=dt.date(2026, 7, 10))
    told = medical_continuation(rider, on=dt.date(2026, 7, 20))
    assert told is not None
    assert (told["first_paid_here"], told["gap_months"], told["waiting_months"], told["benefits_from"]) == (
        "2026-07",
        6,
        6,
        "2027-01",
    )


def test_months_paid_in_advance_at_the_old_place_are_not_paid_here(world):
    """A year paid in Beijing in January, the move in March: the document carries 2026-01..03; 04..06 were
    paid to Beijing, not here."""
    pay_year(world.rider, 2025)
    pay_medical(world.rider, dt.date(2026, 1, 1), 12, paid_on=dt.date(2026, 1, 10))
    move(world.rider, "440300", TODAY)
    told = medical_continuation(world.rider, on=dt.date(2026, 6, 1))
    assert told is not None
    assert (told["moved_months"], told["last_moved"], told["first_paid_here"], told["gap_months"]) == (
        3,
        "2026-03",
        "",
        2,  # 2026-04 and 2026-05 so far: nothing paid here
    )


def test_after_moving_on_the_latest_place_speaks(rider):
    """Beijing to Shenzhen, paid there, then on to Taiyuan (Shanxi): the card is Taiyuan's."""
    pay_medical(rider, dt.date(2026, 4, 1), 3, paid_on=dt.date(2026, 4, 10))
    pay_year(rider, 2026)  # the pension relation follows the payments
    moved_on = move(rider, "140100", dt.date(2026, 7, 10))
    told = medical_continuation(rider, on=dt.date(2026, 9, 1))
    assert told is not None
    assert (told["transfer"], told["last_moved"], told["first_paid_here"], told["gap_months"], told["pay_by"]) == (
        moved_on.document_id,
        "2026-06",  # the months paid in Shenzhen moved on with the rest
        "",
        2,
        "2026-10",
    )


def test_a_place_with_no_waiting_period_set_says_so_and_one_before_the_measures_has_no_rule(rider):
    region_create(actor=SYSTEM, code="320000", name="Jiangsu", name_zh="江苏省", parent_code=None)
    region_create(actor=SYSTEM, code="320500", name="Suzhou", name_zh="苏州市", parent_code="320000")
    told = medical_continuation(rider, on=dt.date(2026, 8, 1))  # still Shenzhen's: a break of 7 months
    assert told is not None and told["waiting_months"] == 6
    pay_medical(rider, dt.date(2026, 4, 1), 3, paid_on=dt.date(2026, 4, 10))
    pay_year(rider, 2026)
    move(rider, "320500", dt.date(2026, 9, 10))
    told = medical_continuation(rider, on=dt.date(2026, 9, 20))
    assert told is not None
    assert (told["gap_months"], told["waiting_months"]) == (2, 0)  # a short break needs no local figure
    told = medical_continuation(rider, on=dt.date(2026, 11, 1))
    assert told is not None
    assert (told["gap_months"], told["rule"], told["no_rule"]) == (4, None, "no_figure")
    before = medical_continuation(rider, on=dt.date(2021, 12, 1))
    assert before is not None and (before["rule"], before["no_rule"]) == (None, "before")


def test_reading_it_costs_the_same_few_queries_after_several_moves(rider):
    with CaptureQueriesContext(connection) as one:
        medical_continuation(rider, on=TODAY)
    pay_year(rider, 2026)
    move(rider, "140100", dt.date(2026, 7, 10))
    with CaptureQueriesContext(connection) as two:
        medical_continuation(rider, on=dt.date(2026, 9, 1))
    assert len(two.captured_queries) == len(one.captured_queries)


def test_a_transfer_without_medical_months_has_nothing_to_say(world):
    pay_year(world.rider, 2025)
    move(world.rider, "440300", TODAY)
    assert medical_continuation(world.rider, on=TODAY) is None
