"""A coverage page asked for a date before the rules were in force (the statutory retirement ages start on
1978-06-02) shows today's coverage with a note, instead of failing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone


@pytest.mark.parametrize(
    ("role", "url"),
    [("worker", "/me/coverage/"), ("officer", "/officer/overview/"), ("officer", "/officer/persons/{rider}/")],
)
def test_a_page_before_the_rules_shows_today_with_a_note(world, role, url):
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(world.users[role])
    response = client.get(url.format(rider=world.rider.pk) + "?on=1960-01-01")
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert f"No coverage can be decided on 1960-01-01; showing {today}." in response.content.decode()
