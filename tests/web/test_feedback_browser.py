"""In Chromium at phone size, in Chinese: a rider rates the decision on their claim, with the keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from socsec.feedback.models import ServiceRating
from tests.feedback.conftest import decided_claim
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def test_a_rider_rates_a_decision_on_a_phone(world, live_server, page: Page):
    today = timezone.localdate()
    claim = decided_claim(
        world.rider,
        submitted=today - dt.timedelta(days=12),
        due=today + dt.timedelta(days=48),
        decided=today - dt.timedelta(days=2),
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("rider")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="评价我们的服务").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("评价我们的服务")
    card = page.locator(f'form[data-subject="{claim.pk}"]')
    expect(card).to_contain_text("10 天")
    card.get_by_label("4").check()
    card.get_by_label("意见（可选）").fill("没有要求我交材料")
    card.get_by_label("意见（可选）").press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#nothing-to-rate")).to_be_visible()
    expect(page.locator("table")).to_contain_text("4 / 5")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert list(ServiceRating.objects.values_list("rating", "comment")) == [(4, "没有要求我交材料")]
