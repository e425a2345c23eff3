"""In Chromium at phone size, in Chinese: a rider asks online to move their pension from Beijing to
Shenzhen and sees the steps and the amounts, explained."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socsec.transfers.models import OutgoingTransfer
from tests.transfers.test_services import pay_year
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_rider_asks_to_move_the_pension_and_sees_the_amounts(world, live_server, page: Page):
    pay_year(world.rider, 2025)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("rider")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="转移我的养老保险").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("转移我的养老保险")
    expect(page.locator("main")).to_contain_text("您还没有申请转移。")
    no_sideways_scroll(page)
    page.get_by_label("将我的养老保险转至").select_option(label="深圳市")
    page.get_by_role("button", name="申请转移").click()

    card = page.locator("article.transfer")
    expect(card.get_by_role("heading", level=2)).to_contain_text("深圳市")
    expect(card).to_contain_text("已审核")
    expect(card).to_contain_text("11,520.00 元：1998年起各年度缴费基数的12%")
    expect(card).to_contain_text("7,680.00 元，全部储存额")
    expect(card).to_contain_text("转移总额")
    expect(card).to_contain_text("19,200.00元")
    expect(card).to_contain_text("在户籍所在地领取养老金")
    no_sideways_scroll(page)
    card.get_by_text("计算过程").click()
    expect(card.locator("details")).to_contain_text("pension_transfer_pooled_amount")
    assert OutgoingTransfer.objects.get().status == "CHECKED"
    conversion = page.get_by_role("region", name="职工养老保险转入城乡居民养老保险")
    expect(conversion).to_contain_text("达到法定退休年龄后才办理制度衔接")  # the rider is 36
    expect(conversion).to_contain_text("7,680.00元")  # what would move: the whole employee account
    no_sideways_scroll(page)
