"""An auditor on a phone, in Chinese, narrows the trail to one kind of record and downloads it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from socsec.audit.models import AuditEntry
from tests.web.test_all_pages_browser import open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_filters_the_trail_and_exports_it_in_chinese(world, live_server, browser: Browser):
    context, page = open_as(browser, live_server.url, "auditor", "zh-hans", "phone", lambda p, name: None)
    try:
        page.goto(f"{live_server.url}/audit/")
        expect(page.get_by_role("heading", level=1)).to_have_text("审计日志")
        nav = page.get_by_role("navigation", name="主导航")
        expect(nav.locator('[aria-current="page"]')).to_have_text("审计日志")
        page.get_by_label("记录类型").select_option(label="用工关系")
        page.get_by_role("button", name="筛选").click()
        expected = AuditEntry.objects.filter(object_type="registry.Engagement").count()
        assert expected == 5  # the world's five engagements, each made once
        expect(page.locator("#audit-count")).to_contain_text(f"第 1 至 {expected} 条，共 {expected} 条，最新的在前。")
        expect(page.locator(".audit-entry")).to_have_count(expected)
        with page.expect_download() as download:
            page.get_by_role("link", name=f"下载全部 {expected} 条（CSV）").click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][:6] == ["条目", "时间", "操作人", "操作", "记录类型", "记录编号"]
        assert [r[4] for r in rows[1:]] == ["用工关系"] * expected
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the audit trail must not scroll sideways on a phone"
    finally:
        context.close()
