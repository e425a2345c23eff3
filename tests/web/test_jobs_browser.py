"""In Chromium at 390 px, in Chinese: an officer starts the month's billing from the page, watches the
job wait, run (the database backend's worker takes it) and show its figures."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socsec.jobs.models import Job
from tests.contributions.test_ingest import MONTH, order, send
from tests.jobs.worker import run_pending
from tests.web.test_pages_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 390, "height": 844}}


def test_an_officer_runs_the_months_billing_from_the_page(world, data_dir, platform, live_server, page: Page):
    send(platform, [order(world, f"a{i}") for i in range(3)], "k1")
    log_in(page, live_server.url, "officer")
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "domain": host, "path": "/"}])
    page.goto(f"{live_server.url}/officer/jobs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("月度任务")
    page.get_by_label("月度核定与开具缴费通知").check()
    page.get_by_label("月份").fill(MONTH)
    page.get_by_role("button", name="启动").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"月度核定与开具缴费通知 · {MONTH}")
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("#job-progress")).to_contain_text("正在等待后台处理接手。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    run_pending()  # the database backend's worker takes the job; the page polls every 2 s
    expect(page.locator("#job-status")).to_contain_text("已完成", timeout=10_000)
    expect(bar).to_have_attribute("aria-valuenow", "5")
    expect(bar).to_have_attribute("aria-valuemax", "5")
    outcome = page.locator("#job-outcome")
    expect(outcome).to_contain_text("开具的缴费通知1")
    expect(outcome).to_contain_text("开具通知的平台1")
    expect(outcome).to_contain_text("通知金额（元）0.03")
    assert Job.objects.get().status == "SUCCEEDED"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
