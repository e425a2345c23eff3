"""Each completed service within the rating window and not rated is invited to be rated, once."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.feedback.invitations import rating_invitations_notify
from socsec.feedback.services import service_rate
from socsec.notifications.models import Notice
from socsec.notifications.texts import render
from tests.world import SYSTEM

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def invited() -> list[tuple[str, str]]:
    return sorted(Notice.objects.filter(event="service.rate").values_list("recipient", "dedupe_key"))


def test_each_completion_is_invited_once_with_the_link(world, done):
    service_rate(
        actor=SYSTEM,
        person_id=world.rider.pk,
        service="FIRST_PAYMENT",
        subject_id=done.on_time.pk,
        rating=5,
        today=TODAY,
    )
    assert rating_invitations_notify(on=TODAY) == 3
    rider, employee = f"person:{world.rider.pk}", f"person:{world.employee.pk}"
    assert invited() == sorted(
        [
            (rider, f"CLAIM_DECISION:{done.on_time.pk}"),
            (rider, f"CONTRIBUTION_CREDIT:{done.contribution.pk}"),
            (employee, f"CLAIM_DECISION:{done.late.pk}"),
        ]
    )
    assert rating_invitations_notify(on=TODAY) == 3  # read again, written once
    assert Notice.objects.filter(event="service.rate").count() == 3
    notice = Notice.objects.get(dedupe_key=f"CONTRIBUTION_CREDIT:{done.contribution.pk}")
    assert render(notice.event, notice.context, "zh-hans") == (
        "服务怎么样：网上缴费记入缴费记录？",
        "“网上缴费记入缴费记录”已于 2026-05-12 为您办结。请告诉我们办得如何：在页面 /me/services/ 上打 1 到 5 分，"
        "也可以留言。",
    )
    # out of the 90-day window: nothing new to invite
    assert rating_invitations_notify(on=dt.date(2026, 9, 1)) == 0


def test_a_completed_transfer_is_invited_and_an_open_one_is_not(world, moved):
    assert rating_invitations_notify(on=TODAY) == 2
    assert invited() == sorted(
        [
            (f"person:{world.employee.pk}", f"PENSION_TRANSFER:{moved.on_time.pk}"),
            (f"person:{world.freelancer.pk}", f"PENSION_TRANSFER:{moved.late.pk}"),
        ]
    )
    notice = Notice.objects.get(dedupe_key=f"PENSION_TRANSFER:{moved.on_time.pk}")
    assert (
        render(notice.event, notice.context, "en")[0] == "How was it: A pension transfer to another place, completed?"
    )
