"""A platform clerk's tasks in a real Chromium, in Chinese on a 390 px phone: register a worker (a mistyped
resident ID first), end an engagement after confirming, and read an invoice's lines."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.web.test_platform_workers_pages import NEW_ID
from tests.world import PASSWORD, SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 390, "height": 844}}


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{page.url} scrolls sideways"


def test_a_clerk_registers_a_worker_ends_an_engagement_and_reads_an_invoice(
    world, live_server, page: Page, settings, tmp_path
):
    from socsec.contributions.assessment.runs import assessment_run
    from socsec.contributions.orders.ingest import orders_ingest

    settings.DATA_DIR = tmp_path
    today = timezone.localdate()
    rid = world.rider.resident_id
    rows = "".join(f"o{i},{rid},440300,RIDE_HAILING,{today}\n" for i in range(3))
    content = ("order_id,resident_id,region,sector,order_date\n" + rows).encode()
    orders_ingest(actor=SYSTEM, platform=world.platform, content=content, fmt="csv", idempotency_key="k", source="t")
    (invoice,) = assessment_run(actor=SYSTEM, month=f"{today:%Y-%m}", today=today).invoices

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("ridego-staff")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()

    # register a worker: a mistyped resident ID is refused under its field, then corrected
    page.locator("nav").get_by_role("link", name="劳动者", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("劳动者")
    fits_the_phone(page)
    page.get_by_role("link", name="登记劳动者", exact=True).click()
    page.get_by_label("居民身份证号码").fill(NEW_ID[:-1] + ("0" if NEW_ID[-1] != "0" else "1"))
    page.get_by_label("姓名").fill("赵六")
    page.get_by_label("常住地区").select_option(label="广州市")
    page.get_by_label("行业").select_option(label="网约车")
    page.get_by_label("工作地区").select_option(label="深圳市")
    page.get_by_label("起始日期").fill("2026-02-01")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("#id_resident_id-error")).to_have_text("最后一位（校验码）不符：号码有误。")
    expect(page.get_by_label("居民身份证号码")).to_have_attribute("aria-describedby", "id_resident_id-error")
    fits_the_phone(page)
    page.get_by_label("居民身份证号码").fill(NEW_ID)
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator(".notice")).to_have_text("赵六已登记，自2026-02-01起与贵单位建立用工关系。")
    worker = page.locator(".worker", has_text="赵六")
    expect(worker).to_contain_text("网约车 · 不完全符合确立劳动关系情形 · 深圳市")

    # end that engagement: the date, what will happen, then the confirmation
    worker.get_by_role("link", name="终止此用工关系").click()
    page.get_by_label("用工关系的最后一天").fill(today.isoformat())
    page.get_by_role("button", name="继续").click()
    expect(page.get_by_role("heading", name="请确认")).to_be_visible()
    expect(page.locator(".confirm")).to_contain_text(f"赵六的用工关系将于{today.isoformat()}终止。")
    expect(page.locator(".confirm")).to_contain_text("此处无法撤销")
    fits_the_phone(page)
    page.get_by_role("button", name=f"确认于{today.isoformat()}终止").click()
    expect(page.locator(".notice")).to_have_text(f"赵六的用工关系于{today.isoformat()}终止。")
    expect(page.locator(".worker", has_text="赵六")).to_contain_text(f"自2026-02-01至{today.isoformat()}")

    # the invoice's lines and how to pay it
    page.locator("nav").get_by_role("link", name="账单", exact=True).click()
    card = page.locator(f'[data-invoice="{invoice.pk}"]')
    expect(card.locator("tr.line td")).to_have_text(["广东省", "网约车", "3", "0.01", "0.03"])
    expect(card.locator(".badge")).to_have_text("未缴")
    expect(card.locator(".instructions")).to_have_text(
        f"请于{invoice.due_on.isoformat()}前向账户 6222 0000 1234 5678 901 支付0.03元，并注明参考号 INV-{invoice.pk}。"
    )
    card.locator(".table-wrap").focus()  # the table's wrapper is reachable by keyboard
    fits_the_phone(page)
