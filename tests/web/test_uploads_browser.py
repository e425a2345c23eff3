"""A platform clerk on a 390 px phone, in Chinese: uploads the GBK CSV Excel saved, reads the rows with
errors, downloads the error report, fixes those rows and uploads again."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.contributions.test_ingest import DAY
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "订单号,操作,身份证号,省份,行业,完成日期,金额（分）"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def page_overflows(page: Page) -> bool:
    """The page scrolls sideways, or the upload box (or anything in it) sticks out of itself or the screen."""
    return bool(
        page.evaluate(
            """() => {
            const root = document.documentElement;
            const box = document.querySelector("form.upload");
            const inside = [...box.querySelectorAll("*")].every(
                (e) => e.getBoundingClientRect().right <= box.getBoundingClientRect().right + 0.5
            );
            return root.scrollWidth > root.clientWidth || box.getBoundingClientRect().right > window.innerWidth
                || box.scrollWidth > box.clientWidth || !inside;
            }"""
        )
    )


def test_a_clerk_uploads_a_gbk_csv_fixes_the_reported_rows_and_uploads_again(
    world, live_server, page: Page, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    rid = world.rider.resident_id
    day = DAY.isoformat()

    def save(rows: list[str]) -> Path:
        path = tmp_path / "订单.csv"
        path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("gbk"))
        return path

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("ridego-staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/platform/orders/")
    expect(page.get_by_role("heading", level=1)).to_have_text("报送订单")
    assert not page_overflows(page)

    first = save(
        [
            f"B1,NEW,{rid},440300,RIDE_HAILING,{day},2350",
            f"B2,NEW,{rid},999999,RIDE_HAILING,{day},",  # row 3: no such region
            f"B3,NEW,{rid},440300,FOOD_DELIVERY,{day},",  # row 4: RideGo is not registered for food delivery
        ]
    )
    page.get_by_label("订单文件（.csv、.xlsx、.parquet 或 .jsonl）").set_input_files(str(first))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#result")).to_contain_text("保留有效行 1 行，错误行 2 行。")
    expect(page.locator("#result")).to_contain_text("读取方式：CSV，中文 GB18030/GBK 编码（Excel）")
    rows = page.locator("table.row-errors tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text("3B2地区代码未知的地区代码 '999999'。")
    expect(rows.nth(1)).to_have_text(
        f"4B3行业该平台未登记「外卖配送」行业：它在 {day} 与该劳动者的用工关系属于网约车。"
    )
    assert not page_overflows(page)

    with page.expect_download() as download:
        page.locator("#error-report").click()
    report = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r[:3] for r in report] == [["行号", "订单号", "列"], ["3", "B2", "地区代码"], ["4", "B3", "行业"]]

    fixed = save(  # the two reported rows, fixed by the clerk
        [f"B2,NEW,{rid},440300,RIDE_HAILING,{day},", f"B3,NEW,{rid},440300,RIDE_HAILING,{day},"]
    )
    page.reload()  # a new upload: a new idempotency key
    page.get_by_label("订单文件（.csv、.xlsx、.parquet 或 .jsonl）").set_input_files(str(fixed))
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#result")).to_contain_text("保留有效行 2 行，错误行 0 行。")
    expect(page.locator("table.batches tbody tr")).to_have_count(2)
    assert not page_overflows(page)
