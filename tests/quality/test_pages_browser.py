"""In Chromium at 390 px, in Chinese: an officer reads the data-quality dashboard, opens a finding, is
refused a value out of range with the field and the reason, proposes the prefilled value; the worker
confirms it on the portal and the engagement ends. Nothing is wider than the phone."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from socsec.quality.models import Correction, Finding
from socsec.registry.models import Engagement
from tests.web.test_pages_browser import log_in

from .test_corrections import findings  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 390, "height": 844}}


def in_chinese(page: Page, base: str) -> None:
    host = base.split("//")[1].split(":")[0]
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "domain": host, "path": "/"}])


def test_an_officer_proposes_and_the_worker_confirms_on_a_phone(findings, live_server, page: Page):  # noqa: F811
    w = findings
    zipper = Finding.objects.get(subject=f"engagement:{w.rider_eng_courier.pk}")
    log_in(page, live_server.url, "officer")
    in_chinese(page, live_server.url)
    page.goto(f"{live_server.url}/officer/quality/")
    expect(page.get_by_role("heading", level=1)).to_have_text("数据质量")
    expect(page.locator("#last-run")).to_contain_text("共 7 个问题。")
    expect(page.locator("main")).to_contain_text("出生日期与居民身份证号码不符")
    expect(page.locator("main")).to_contain_text("登记的出生日期为 1972-01-02；居民身份证号码所载为 1972-01-01。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.goto(f"{live_server.url}/officer/quality/findings/{zipper.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"问题 {zipper.pk}")
    field = page.get_by_label("新的用工关系结束日期（年-月-日）")
    expect(field).to_have_value("2025-10-03")
    expect(page.locator("#prefilled")).to_have_text(
        "已根据我们掌握的数据填写（取自平台最后报送的订单）：无需本人提供任何材料。"
    )
    field.fill("2024-01-01")
    page.get_by_role("button", name="提出").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "new_value：结束日期 2024-01-01 须在用工关系开始日期 2024-03-01 与今天"
    )
    assert Correction.objects.count() == 0
    page.get_by_label("新的用工关系结束日期（年-月-日）").fill("2025-10-03")
    page.get_by_role("button", name="提出").click()
    expect(page.locator("main")).to_contain_text("更正已提出；已通知本人确认或拒绝。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.context.clear_cookies()
    log_in(page, live_server.url, "rider")
    in_chinese(page, live_server.url)
    page.goto(f"{live_server.url}/my/corrections/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的记录更正")
    expect(page.locator("main")).to_contain_text("现为 —；建议改为 2025-10-03（取自平台最后报送的订单）")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="确认此更正").click()
    expect(page.locator("main")).to_contain_text("谢谢：您的记录已更正。")
    assert Engagement.objects.get(pk=w.rider_eng_courier.pk).end_date == dt.date(2025, 10, 3)
    assert Correction.objects.get().state == "CONFIRMED"
