"""In a real Chromium on a 390 px phone, in Chinese: an officer finds a claim by searching (closed claims are
found too), opens it and decides it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.second_factor import current_code, device_of
from tests.web.test_claim_pages import injury
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def log_in_officer(page: Page, base: str, world) -> None:
    device = device_of(world.users["officer"])  # enrolled before: the login then asks for its code
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill("officer")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.locator("#id_code").fill(current_code(device))
    page.locator("main").get_by_role("button", name="验证").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("第二重验证")


def test_an_officer_searches_opens_and_decides_a_claim_in_chinese(world, settings, tmp_path, live_server, page):
    settings.DATA_DIR = tmp_path
    claim = injury(world)  # routed to an officer
    log_in_officer(page, live_server.url, world)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="查找申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("查找申请")
    page.get_by_label("状态").select_option("GATHERING_EVIDENCE")  # htmx swaps the results
    expect(page).to_have_url(re.compile(r"status=GATHERING_EVIDENCE"))
    expect(page.locator("#claim-count")).to_contain_text("共有1件申请符合条件。")
    rows = page.locator("table.search-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("平台工作中受伤")
    expect(rows.first).to_contain_text("审核中")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the search must not scroll sideways"
    rows.first.get_by_role("link", name=str(claim.pk)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("张伟 · 平台工作中受伤")
    page.get_by_role("radio", name="受理", exact=True).check()
    page.get_by_label("理由（请用申请人能理解的话写）").fill("平台订单记录显示当天在接单。")
    page.get_by_role("button", name="保存决定").click()
    expect(page.locator("#claim-status")).to_have_text("已受理")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the claim must not scroll sideways"
    claim.refresh_from_db()
    assert (claim.status, claim.decision_reason) == ("ACCEPTED", "平台订单记录显示当天在接单。")
    # the decided claim is still found: a search in every state
    page.goto(f"{live_server.url}/officer/claims/search/?status=ACCEPTED")
    expect(page.locator("table.search-results tbody tr")).to_have_count(1)
    expect(page.locator("table.search-results tbody tr").first).to_contain_text("已受理")


def test_the_worker_answers_a_question_and_officers_review_a_stop_on_a_phone(
    world, settings, tmp_path, live_server, page
):
    """At 390 px in Chinese: the worker reads the officer's question on their claim and answers it; the
    officer's stop review (with its evidence) and the death-notice form do not scroll sideways."""
    from socsec.benefits.information import claim_request_information
    from socsec.benefits.models import Suspension
    from tests.benefits.test_awards_and_payments import officer
    from tests.benefits.test_suspensions import died_in_june

    settings.DATA_DIR = tmp_path
    died_in_june(world)
    claim = injury(world)
    claim_request_information(
        actor=officer(world), claim=claim, expected_version=claim.version, question="请提供医院的出院小结。"
    )
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("rider")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/me/claims/")
    expect(page.locator("#notices")).to_contain_text("经办人员需要您为申请补充信息：请提供医院的出院小结。")
    page.goto(f"{live_server.url}/me/claims/{claim.pk}/")
    expect(page.locator("#officer-question")).to_have_text("请提供医院的出院小结。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("您的答复").fill("已在窗口提交。")
    page.get_by_role("button", name="发送答复").click()
    expect(page.locator("#claim-status")).to_have_text("审核中")
    page.context.clear_cookies()

    log_in_officer(page, live_server.url, world)
    stop = Suspension.objects.get()
    page.goto(f"{live_server.url}/officer/suspensions/{stop.pk}/")
    expect(page.locator("#evidence")).to_contain_text("2026-06-20")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server.url}/officer/persons/{world.employee.pk}/death-notice/")
    expect(page.get_by_label("死亡日期")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
