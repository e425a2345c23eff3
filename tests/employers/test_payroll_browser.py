"""An employer's clerk on a 390 px phone, in Chinese: uploads the month's payroll as the GBK CSV Excel
saved, reads the row refused, sends the month again as a correction, and opens the statement."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from socsec.accounts.models import Role
from socsec.accounts.services import user_create
from tests.web.test_uploads_browser import page_overflows
from tests.world import PASSWORD, SYSTEM

from .conftest import hire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "证件号码,工资（分）,上年月平均工资（分）,行业风险类别"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def test_a_clerk_declares_the_payroll_and_corrects_it_on_a_phone(world, live_server, page: Page, tmp_path):
    user_create(actor=SYSTEM, username="factory-hr", password=PASSWORD, role=Role.PLATFORM,
                organisation=world.employer)  # fmt: skip
    other = hire(world, 1)[0]
    employee = world.employee.resident_id

    def save(rows: list[str]) -> Path:
        path = tmp_path / "工资.csv"
        path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("gbk"))
        return path

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("factory-hr")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.get_by_role("navigation").get_by_role("link", name="工资申报", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申报工资")
    assert not page_overflows(page)

    page.get_by_label("工资文件（.csv、.xlsx、.parquet 或 .jsonl）").set_input_files(
        str(save([f"{employee},800000,760000,2", f"{other},150000,,2"]))
    )
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#result")).to_contain_text("保留 1 名员工，1 行有错误。")
    rows = page.locator("table.row-errors tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text("工资（分）")
    expect(rows.nth(0)).to_contain_text("低于地区 440100 的月最低工资")
    assert not page_overflows(page)

    page.reload()  # a new upload: a new idempotency key
    page.get_by_label("工资文件（.csv、.xlsx、.parquet 或 .jsonl）").set_input_files(
        str(save([f"{employee},800000,760000,2", f"{other},250000,,2"]))
    )
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#upload-error")).to_contain_text("请发送更正申报")
    page.get_by_label("更正：取代本月的申报").check()
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#result")).to_contain_text("保留 2 名员工，0 行有错误。")
    expect(page.locator("table.declarations tbody tr")).to_have_count(2)
    expect(page.locator("table.declarations tbody tr").nth(1)).to_contain_text("已被更正申报取代")
    assert not page_overflows(page)

    page.get_by_role("link", name="查看本月缴费").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工资申报缴费对账单")
    expect(page.locator("table.statement-employees tbody tr")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
