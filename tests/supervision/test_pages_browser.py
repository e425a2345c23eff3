"""In Chromium at 390 px, in Chinese: a supervisor reads the fund dashboard's alert with its evidence, is
refused a threshold out of range with the field and the reason, acknowledges the alert, and reads the
effective coverage tables; nothing is wider than the phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socsec.supervision.alerts import fund_alerts_evaluate
from socsec.supervision.models import FundAlert, FundThreshold
from tests.web.test_pages_browser import log_in

from .test_alerts import TODAY, alerts, crossing  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 390, "height": 844}}


def test_a_supervisor_reads_the_alerts_and_the_coverage_on_a_phone(crossing, live_server, page: Page):  # noqa: F811
    fund_alerts_evaluate(actor=alerts.Actor.system("t"), month="2026-06", today=TODAY)
    log_in(page, live_server.url, "supervisor")
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "domain": host, "path": "/"}])
    page.goto(f"{live_server.url}/supervisor/funds/?month=2026-06")
    expect(page.get_by_role("heading", level=1)).to_have_text("基金")
    expect(page.locator("#alerts")).to_have_text("预警（3 条未处理）")
    expect(page.locator("main")).to_contain_text("储备 100.00 元可支付 0.7 个月的平均支出（下限 2.0）。")
    expect(page.locator("main")).to_contain_text("申请数由 2 件增至 5 件（增长 150.0%，上限 50%）。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("储备可支付月数低于此值时预警").fill("500")
    page.get_by_role("button", name="保存阈值").click()
    expect(page.get_by_role("alert")).to_have_text("reserve_months：须为 0.1 至 120 之间的数字，不能是 500。")
    assert FundThreshold.objects.get().reserve_months == 2

    page.get_by_role("button", name="确认").first.click()
    expect(page.locator("#alerts")).to_have_text("预警（2 条未处理）")
    assert FundAlert.objects.filter(state="ACKNOWLEDGED").count() == 1

    page.goto(f"{live_server.url}/supervisor/coverage/?month=2026-06&threshold=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("实际覆盖")
    expect(page.locator("#by-category")).to_have_text("按 工作者类别")
    expect(page.locator("table.coverage-stats").first).to_contain_text("不完全符合确立劳动关系情形")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
