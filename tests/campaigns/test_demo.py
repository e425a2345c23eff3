"""The demo's campaign on the small world: Guangdong's one platform worker outside the employee pension is
its segment; they join 3 days after it was sent; loading it again changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.campaigns.models import Campaign
from socsec.campaigns.results import campaign_results
from socsec.contributions.models import VoluntaryEnrolment
from socsec.demo.campaign import demo_campaign

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def test_the_demo_campaign_is_sent_before_today_and_converts(world):
    campaign = demo_campaign(today=TODAY)
    assert campaign is not None
    assert campaign.sent_on == dt.date(2026, 2, 21)
    assert campaign.treated + campaign.control == 1  # the rider: the employee is in the pension by his employer
    assert list(VoluntaryEnrolment.objects.values_list("person_id", "scheme", "joined_on")) == [
        (world.rider.pk, "EMPLOYEE_PENSION", dt.date(2026, 2, 24))
    ]
    group = "control" if campaign.control else "treated"
    windows = campaign_results(campaign, today=TODAY, threshold=1)
    assert [getattr(w, group).joined for w in windows] == [1, 1, 1]
    assert demo_campaign(today=TODAY) is None
    assert Campaign.objects.count() == 1
