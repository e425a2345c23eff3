"""In Chromium at phone size, in Chinese: a rider joins the employee pension, pays a month through the
local payment provider, and sees it on their contributions page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from socsec.contributions.models import OwnContribution, ProviderPayment
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_rider_joins_the_employee_pension_and_pays_a_month(world, live_server, page: Page):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("rider")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="参加保险").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("参加保险")
    no_sideways_scroll(page)
    page.get_by_role("button", name="参加职工基本养老保险").click()
    expect(page.locator('#joined [data-scheme="EMPLOYEE_PENSION"]')).to_be_visible()

    page.get_by_role("link", name="缴纳社保费").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("缴纳社保费")
    page.get_by_label("其他金额，在下方填写").check()
    page.get_by_label("其他缴费基数（元/月）").fill("12,00")
    page.get_by_role("button", name="计算金额").click()  # refused: htmx swaps in the form with the error
    expect(page.locator("#id_base_other-error")).to_have_text("请输入以元为单位的金额，例如 12000 或 12,000.50。")
    expect(page.get_by_label("其他缴费基数（元/月）")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("其他缴费基数（元/月）").fill("12,000")
    page.get_by_role("button", name="计算金额").click()  # htmx swaps in the amount, explained
    expect(page.locator("#quote-amount")).to_contain_text("2,400.00 元")
    expect(page.locator("#quote")).to_contain_text("划入个人账户")
    no_sideways_scroll(page)
    assert ProviderPayment.objects.count() == 0
    page.get_by_role("button", name="支付 2,400.00 元").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("支付机构（演示）")
    expect(page.locator("#provider-amount")).to_have_text("金额：2,400.00 元")
    assert (ProviderPayment.objects.get().status, OwnContribution.objects.count()) == ("PENDING", 0)
    no_sideways_scroll(page)
    page.get_by_role("button", name="付款", exact=True).click()

    expect(page).to_have_url(re.compile(r"/me/payments/LOCAL-[0-9A-F]+/$"))
    expect(page.locator("#payment-status")).to_have_text("已支付，并已记入您的缴费记录。")
    page.get_by_role("link", name="我的缴费记录").last.click()
    expect(page.locator('#payments [data-status="CONFIRMED"]')).to_contain_text("2,400.00 元")
    expect(page.locator("table.record tbody tr").filter(has_text="职工基本养老保险")).to_contain_text("2,400.00")
    no_sideways_scroll(page)
    assert OwnContribution.objects.get().paid_cents == 240000
