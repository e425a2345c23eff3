"""The employee medical insurance relation after a transfer (Yi Bao Ban Fa [2021] No. 43): the months moved
in count with those paid here, and a break of more than 3 months before the first payment here sets the
pooling area's waiting period (Guangdong: the cap of 6 months)."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.contributions.own.payments import own_contribution_pay
from socsec.transfers.medical import medical_continuation
from socsec.transfers.models import IncomingTransfer
from socsec.transfers.services import transfer_deliver_locally, transfer_request
from tests.transfers.test_services import BASE, TODAY, pay_year
from tests.world import SYSTEM


def pay_medical(person, first: dt.date, months: int) -> None:
    own_contribution_pay(
        actor=SYSTEM,
        person=person,
        scheme="MEDICAL",
        period_start=first,
        months=months,
        declared_base_cents=BASE,
        today=first + dt.timedelta(days=9),
    )


@pytest.fixture
def moved(world) -> IncomingTransfer:
    """The rider paid pension and medical insurance in Beijing for 2025, then moved to Shenzhen (2026-03-10)."""
    pay_year(world.rider, 2025)
    pay_medical(world.rider, dt.date(2025, 1, 1), 12)
    transfer = transfer_request(actor=SYSTEM, person=world.rider, to_region="440300", today=TODAY)
    assert transfer.months == {"PENSION": 12, "UNEMPLOYMENT": 0, "MEDICAL": 12}
    done = transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=TODAY)
    return IncomingTransfer.objects.get(document_id=done.document_id)


def test_before_the_first_payment_here_the_worker_is_told_by_when_to_pay(moved):
    told = medical_continuation(moved, on=TODAY)
    assert told is not None
    rule = told.pop("rule")
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


def test_a_short_break_sets_no_waiting_period(moved):
    pay_medical(moved.person, dt.date(2026, 2, 1), 3)
    told = medical_continuation(moved, on=dt.date(2026, 4, 20))
    assert told is not None
    assert (told["first_paid_here"], told["gap_months"], told["waiting_months"], told["benefits_from"]) == (
        "2026-02",
        1,
        0,
        "2026-02",
    )
    assert (told["months_on_record"], told["months_brought_in"]) == (15, 12)  # the years count together
    assert "pay_by" not in told


def test_a_break_of_more_than_three_months_waits_the_pooling_areas_period(moved):
    on = dt.date(2026, 6, 1)
    told = medical_continuation(moved, on=on)
    assert told is not None
    assert (told["gap_months"], told["waiting_months"], "pay_by" in told, "benefits_from" in told) == (
        5,  # 2026-01 .. 2026-05
        6,
        False,
        False,
    )
    pay_medical(moved.person, dt.date(2026, 7, 1), 3)
    told = medical_continuation(moved, on=dt.date(2026, 7, 20))
    assert told is not None
    assert (told["first_paid_here"], told["gap_months"], told["waiting_months"], told["benefits_from"]) == (
        "2026-07",
        6,
        6,
        "2027-01",
    )


def test_a_transfer_without_medical_months_has_nothing_to_say(world):
    pay_year(world.rider, 2025)
    transfer = transfer_request(actor=SYSTEM, person=world.rider, to_region="440300", today=TODAY)
    done = transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=TODAY)
    assert medical_continuation(IncomingTransfer.objects.get(document_id=done.document_id), on=TODAY) is None
