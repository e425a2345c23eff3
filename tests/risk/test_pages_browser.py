"""In a real Chromium on a 390 px phone, in Chinese: an officer opens the risk queue, reads a case's evidence,
records it as confirmed, and sees the rule's precision."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from socsec.risk.models import RiskCase
from tests.web.test_claim_search_browser import log_in_officer

from .test_pages import risk_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def test_an_officer_confirms_a_risk_case_on_a_phone_in_chinese(world, live_server, page):
    case = risk_case(world)
    log_in_officer(page, live_server.url, world)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="风险案件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("风险案件")
    expect(page.locator("#risk-count")).to_have_text("1 个案件。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the queue must not scroll sideways"
    page.get_by_role("link", name="87 死亡日期之后仍发放待遇").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("风险案件 · 死亡日期之后仍发放待遇")
    expect(page.locator("#evidence")).to_contain_text("死亡日期")
    expect(page.locator("#evidence")).to_contain_text("2026-01-20")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the case must not scroll sideways"
    page.get_by_role("radio", name="确认：风险属实").check()
    page.get_by_label("备注：核查了什么").fill("银行退回了两个月的养老金。")
    page.get_by_role("button", name="记录").click()
    expect(page.locator("#risk-state")).to_have_text("已确认")
    case.refresh_from_db()
    assert (case.status, case.outcome_note) == (RiskCase.Status.CONFIRMED, "银行退回了两个月的养老金。")
    page.get_by_role("link", name="风险案件").first.click()
    page.get_by_role("link", name="规则及其准确率").click()
    expect(page.locator('[data-rule="paid_after_death"]')).to_contain_text("准确率 100%（已处理 1 件，确认 1 件）")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the rules must not scroll sideways"
