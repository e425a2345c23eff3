"""In Chromium at phone size, in Chinese: an officer picks a segment, sees its size change as a filter
changes (htmx), is refused a message without its English text, sends it, and reads the conversion page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socsec.campaigns.models import Campaign
from tests.campaigns.conftest import crowd  # noqa: F401 (a fixture)
from tests.web.test_claim_search_browser import log_in_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def test_an_officer_sends_a_campaign_on_a_phone(world, crowd, live_server, page: Page):  # noqa: F811
    log_in_officer(page, live_server.url, world)
    page.get_by_role("navigation").get_by_role("link", name="宣传活动").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("宣传活动")
    page.get_by_role("link", name="新建宣传活动").click()
    page.get_by_label("宣传活动名称").fill("骑手养老保险")
    page.get_by_label("工作所在省份").select_option("140000")
    expect(page.locator("#segment-size")).to_have_attribute("data-size", "21")  # the crowd and the freelancer
    page.get_by_label("所在平台").select_option("zipper")
    expect(page.locator("#segment-size")).to_have_attribute("data-size", "16")
    expect(page.locator("#segment-size")).to_contain_text("该细分人群今天有 16 人。")
    page.get_by_label("中文标题").fill("养老保险")
    page.get_by_label("中文信息").fill("您可以在网上参加职工养老保险。")
    page.get_by_label("英文标题").fill("Pension")
    page.get_by_role("button", name="发送宣传活动").click()
    expect(page.locator("#field-text_en .error")).to_have_text("请用中文和英文写信息。")
    assert Campaign.objects.count() == 0
    page.get_by_label("英文信息").fill("You may join the employee pension online.")
    page.get_by_role("button", name="发送宣传活动").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("骑手养老保险")
    campaign = Campaign.objects.get()
    expect(page.locator("#told")).to_have_text(str(campaign.treated))
    expect(page.locator("#conversion")).to_contain_text("参加了险种")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
