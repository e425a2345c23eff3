"""A worker on a phone, in Chinese, finds on the portal that the civil affairs bureau read their data, and
why: the department, its agreement's purpose and reference, and what was read."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.partners.test_pages import partner_read
from tests.web.test_all_pages_browser import open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_worker_sees_a_partners_read_on_a_phone_in_chinese(civil, world, live_server, browser: Browser):
    partner_read(civil, world)
    context, page = open_as(browser, live_server.url, "worker", "zh-hans", "phone", lambda p, name: None)
    try:
        page.goto(f"{live_server.url}/me/coverage/")
        expect(page.get_by_role("heading", name="谁查看了我的数据")).to_be_visible()
        row = page.locator("table.data-access tr.partner-read")
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(1)).to_have_text("其他部门 · 民政局")
        expect(row.locator("td").nth(2)).to_have_text("死亡后停发待遇（协议 MCA-2026-01）")
        expect(row.locator("td").nth(3)).to_have_text("提供给其他部门的个人信息")
        row.scroll_into_view_if_needed()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page must not scroll sideways on a phone"
    finally:
        context.close()
