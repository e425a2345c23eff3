"""An employer's clerk on a 390 px phone, in Chinese, reads the months collected short: a page of them,
the surcharge day by day, the next page, and the arrears of a day before a month was paid late."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.world import PASSWORD, World

from .test_employer_arrears import short  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):  # type: ignore[no-untyped-def]
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= 390"))


def test_a_clerk_reads_the_arrears_on_a_phone(world: World, short: None, live_server, page: Page) -> None:  # noqa: F811
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(world.users["platform"].username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="欠费", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("欠费")
    page.get_by_label("日期").fill("2026-11-14")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#employer-arrears-total")).to_contain_text("3 个月份过缴费日仍未足额征收")
    rows = page.locator("#employer-arrears tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("2,832.00")
    expect(rows.nth(0)).to_contain_text("128.86")
    rows.nth(0).get_by_text("逐日计算").click()
    expect(rows.nth(0)).to_contain_text("2026-08-15 至 2026-11-14")
    assert _fits(page)

    page.goto(f"{live_server.url}/employer/arrears/?on=2026-11-14&size=2")
    expect(rows).to_have_count(2)
    page.get_by_role("link", name="下一页").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#employer-arrears-total")).to_contain_text("1 个月份")
    assert _fits(page)

    page.get_by_label("日期").fill("2026-08-01")  # before June was paid late
    page.get_by_role("button", name="查看").click()
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("24.07")
    assert _fits(page)
