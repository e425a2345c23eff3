"""In Chromium at phone size, in Chinese: a rider sees the unread count in the header, reads their
messages (written from the events: a claim received, a benefit paid), and marks them read."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from socsec.notifications.sending import deliver_due
from tests.benefits.test_claims import injury
from tests.web.test_own_pages_browser import no_sideways_scroll
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def test_a_rider_reads_the_inbox_on_a_phone_in_chinese(world, live_server, page: Page):
    claim = injury(world, today=dt.date(2026, 10, 10), day=dt.date(2026, 10, 1))
    deliver_due()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("rider")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    inbox = page.get_by_role("navigation").get_by_role("link", name="消息")
    expect(inbox).to_contain_text("1")
    expect(inbox.locator(".badge")).to_have_attribute("aria-label", "1条未读消息")
    inbox.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("消息")
    message = page.locator("#inbox li.unread")
    expect(message.get_by_role("heading", level=2)).to_have_text(f"新 您的申请 {claim.pk} 已收到")
    expect(message).to_contain_text("您就2026-10-01提出的")
    expect(message).to_contain_text(f"申请编号 {claim.pk}。将于{claim.decision_due.isoformat()}前作出决定。")
    no_sideways_scroll(page)
    message.get_by_role("button", name="标为已读").click()
    expect(page.locator("#inbox li.unread")).to_have_count(0)
    expect(page.get_by_role("navigation").get_by_role("link", name="消息").locator(".badge")).to_have_count(0)
    page.get_by_role("link", name="通知方式").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知方式")
    expect(page.get_by_role("heading", level=2)).to_have_text("始终通知（法律规定的告知）")
    no_sideways_scroll(page)
