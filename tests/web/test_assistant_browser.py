"""In Chromium at phone size, in Chinese: a rider asks the assistant what a grade-7 injury would pay them and
reads the answer with its sources, asks about another person and is refused, and hands over a question the
assistant does not know - with the keyboard, htmx adding each exchange without a page load."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socsec.assistant.models import Enquiry, Exchange
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def test_a_rider_asks_the_assistant_in_chinese_on_a_phone(world, live_server, page: Page):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("rider")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="咨询问题").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("咨询问题")
    box = page.get_by_label("您的问题")
    box.fill("如果我受伤被评为七级伤残，我能拿多少钱？")
    box.press("Tab")
    page.keyboard.press("Enter")
    first = page.locator("article.exchange").first
    expect(first).to_contain_text("一次性伤残补助金为")
    expect(first.locator(".sources")).to_contain_text("benefits.oip.disability_grant_months.7")
    box.fill("张三的缴费记录")
    page.get_by_role("button", name="提问").click()
    expect(page.locator("article.exchange").first).to_contain_text("我只能回答您本人的记录：问题中提到了其他人。")
    box.fill("办事大厅可以停车吗")
    page.get_by_role("button", name="提问").click()
    unknown = page.locator('article.exchange[data-outcome="UNKNOWN"]')
    expect(unknown).to_contain_text("转交经办人员")
    unknown.get_by_role("button", name="转交经办人员").click()
    expect(page.locator(".handed-over")).to_have_text("已转交经办人员：答复后会通知您。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert list(Exchange.objects.order_by("id").values_list("outcome", flat=True)) == ["ANSWERED", "REFUSED", "UNKNOWN"]
    assert Enquiry.objects.get().question == "办事大厅可以停车吗"
