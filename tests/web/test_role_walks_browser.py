"""Each role's main task, end to end, in Chromium at 390 px in Chinese, with only what a person does in the
browser (clicks, typing, files, downloads). The world is set up before a walk; in a walk the only call is the
background worker taking the jobs the officer started. After each step: the page does not scroll sideways
and reads in Chinese (the all-pages language check)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from socsec.accounts.models import User
from socsec.benefits.models import Claim
from socsec.core import clock
from socsec.registry.models import Person
from tests.contributions.test_ingest import DAY, MONTH
from tests.jobs.worker import run_pending
from tests.web.all_pages import USERNAMES
from tests.web.test_all_pages_browser import language_problems, open_as
from tests.world import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORDERS_FILE = "订单文件（.csv、.xlsx、.parquet 或 .jsonl）"
HEADER = "订单号,操作,身份证号,省份,行业,完成日期,金额（分）"


def person_sees(page: Page) -> None:
    """What a person sees fits the phone and is in Chinese."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{page.url} scrolls sideways"
    problems = language_problems(page, "walk", page.url, "zh-hans", "phone")
    assert not problems, "\n".join(problems)


def nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def as_role(browser: Browser, base: str, role: str) -> Page:
    """A browser of the role's own, logged in; a staff member who logged in during this authenticator step
    waits for the app's next code (a code is taken once)."""
    user = User.objects.get(username=USERNAMES[role])
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and device.last_t >= int(time.time()) // device.step:
        time.sleep(device.step - time.time() % device.step + 0.5)
    _, page = open_as(browser, base, role, "zh-hans", "phone", lambda p, name: None)
    return page


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)


def the_month_ends(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Time passes: the application's clock and the database's move to the 5th of next month (same time of
    day), so this month has ended and its benefits can be paid. Sessions lapse: people log in again."""
    today = timezone.localdate()
    first = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    shift = first + dt.timedelta(days=4) - today
    app_now, db_now = timezone.now, clock.database_now
    monkeypatch.setattr(timezone, "now", lambda: app_now() + shift)
    monkeypatch.setattr(clock, "database_now", lambda: db_now() + shift)
    return timezone.localdate()


def excel_csv(folder: Path, rows: list[str]) -> Path:
    """What Excel saves as "CSV" on a Chinese Windows: GBK, CRLF, Chinese headers."""
    path = folder / "订单.csv"
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("gbk"))
    return path


def test_a_clerk_uploads_and_fixes_orders_an_officer_bills_the_month_an_auditor_exports_the_trail(
    world, data_dir, tmp_path, live_server, browser: Browser
):
    base = live_server.url
    rid = world.rider.resident_id
    day = DAY.isoformat()

    # the platform clerk: a GBK CSV from Excel with two bad rows
    clerk = as_role(browser, base, "platform")
    nav(clerk, "订单")
    expect(clerk.get_by_role("heading", level=1)).to_have_text("报送订单")
    person_sees(clerk)
    first = excel_csv(
        tmp_path,
        [
            f"B1,NEW,{rid},440300,RIDE_HAILING,{day},2350",
            f"B2,NEW,{rid},999999,RIDE_HAILING,{day},1800",
            f"B3,NEW,{rid},440300,FOOD_DELIVERY,{day},960",
        ],
    )
    clerk.get_by_label(ORDERS_FILE).set_input_files(str(first))
    clerk.get_by_role("button", name="上传").click()
    expect(clerk.locator("#result")).to_contain_text("保留有效行 1 行，错误行 2 行。")
    expect(clerk.locator("#result")).to_contain_text("读取方式：CSV，中文 GB18030/GBK 编码（Excel）")
    errors = clerk.locator("table.row-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_have_text("3B2地区代码未知的地区代码 '999999'。")
    expect(errors.nth(1)).to_have_text(
        f"4B3行业该平台未登记「外卖配送」行业：它在 {day} 与该劳动者的用工关系属于网约车。"
    )
    person_sees(clerk)
    with clerk.expect_download() as download:
        clerk.locator("#error-report").click()
    report = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r[:3] for r in report] == [["行号", "订单号", "列"], ["3", "B2", "地区代码"], ["4", "B3", "行业"]]
    fixed = excel_csv(
        tmp_path, [f"B2,NEW,{rid},440300,RIDE_HAILING,{day},1800", f"B3,NEW,{rid},440300,RIDE_HAILING,{day},960"]
    )
    nav(clerk, "订单")  # a new upload
    clerk.get_by_label(ORDERS_FILE).set_input_files(str(fixed))
    clerk.get_by_role("button", name="上传").click()
    expect(clerk.locator("#result")).to_contain_text("保留有效行 2 行，错误行 0 行。")
    expect(clerk.locator("table.batches tbody tr")).to_have_count(2)
    person_sees(clerk)

    # the officer: registers a person, then runs the month's billing from the page
    officer = as_role(browser, base, "officer")
    nav(officer, "登记人员")
    new_id = resident_id("110105", "20010203", 45)
    officer.get_by_label("公民身份号码").fill(new_id)
    officer.get_by_label("名称").fill("王小明")
    officer.get_by_label("居住地").select_option(label="北京市 · 北京市市辖区")
    person_sees(officer)
    officer.get_by_role("button", name="登记", exact=True).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("王小明")
    person = Person.objects.with_resident_id(new_id).get()
    assert (person.birth_date.isoformat(), person.sex, person.residence_region.code) == ("2001-02-03", "M", "110100")
    person_sees(officer)

    nav(officer, "月度任务")
    officer.get_by_label("月度核定与开具缴费通知").check()
    officer.get_by_label("月份").fill(MONTH)
    officer.get_by_role("button", name="启动").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"月度核定与开具缴费通知 · {MONTH}")
    expect(officer.locator("#job-progress")).to_contain_text("正在等待后台处理接手。")
    person_sees(officer)
    run_pending()  # the background worker takes the job; the page polls every 2 s
    expect(officer.locator("#job-status")).to_contain_text("已完成", timeout=10_000)
    bar = officer.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "5")
    outcome = officer.locator("#job-outcome")
    expect(outcome).to_contain_text("开具的缴费通知1")
    expect(outcome).to_contain_text("开具通知的平台1")
    expect(outcome).to_contain_text("通知金额（元）0.03")
    person_sees(officer)

    # the clerk reads the invoice's lines
    nav(clerk, "账单")
    card = clerk.locator("[data-invoice]")
    expect(card).to_have_count(1)
    expect(card.locator("tr.line td")).to_have_text(["广东省", "网约车", "3", "0.01", "0.03"])
    expect(card.locator(".badge")).to_have_text("未缴")
    person_sees(clerk)

    # the auditor: the officer's registrations of persons, downloaded
    auditor = as_role(browser, base, "auditor")
    nav(auditor, "审计日志")
    auditor.get_by_label("操作人（用户名或记录的操作方）").fill("officer")
    auditor.get_by_label("记录类型").select_option(label="人")
    auditor.get_by_role("button", name="筛选").click()
    expect(auditor.locator("#audit-count")).to_contain_text("第 1 至 1 条，共 1 条，最新的在前。")
    person_sees(auditor)
    with auditor.expect_download() as download:
        auditor.get_by_role("link", name="下载全部 1 条（CSV）").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:6] == ["条目", "时间", "操作人", "操作", "记录类型", "记录编号"]
    # the export keeps the recorded actor and action codes, the kind of record in words
    assert [r[2:6] for r in rows[1:]] == [["user:officer", "person.register", "人", str(person.pk)]]
    assert "出生日期: — → 2001-02-03" in rows[1][6]


def test_a_rider_joins_and_pays_claims_an_injury_and_reads_the_decision_with_its_grade_and_payment_date(
    world, data_dir, live_server, browser: Browser, monkeypatch
):
    base = live_server.url
    month = f"{timezone.localdate():%Y-%m}"

    # the rider joins the employee pension and pays a month through the payment provider's page
    rider = as_role(browser, base, "worker")
    nav(rider, "参加保险")
    person_sees(rider)
    rider.get_by_role("button", name="参加职工基本养老保险").click()
    expect(rider.locator('#joined [data-scheme="EMPLOYEE_PENSION"]')).to_contain_text("职工基本养老保险")
    nav(rider, "缴纳社保费")
    rider.get_by_label("其他金额，在下方填写").check()
    rider.get_by_label("其他缴费基数（元/月）").fill("12,000")
    rider.get_by_role("button", name="计算金额").click()
    expect(rider.locator("#quote-amount")).to_contain_text("2,400.00 元")
    person_sees(rider)
    rider.get_by_role("button", name="支付 2,400.00 元").click()
    expect(rider.get_by_role("heading", level=1)).to_have_text("支付机构（演示）")
    expect(rider.locator("#provider-amount")).to_have_text("金额：2,400.00 元")
    person_sees(rider)
    rider.get_by_role("button", name="付款", exact=True).click()
    expect(rider.locator("#payment-status")).to_have_text("已支付，并已记入您的缴费记录。")
    rider.get_by_role("link", name="我的缴费记录").last.click()
    expect(rider.locator('#payments [data-status="CONFIRMED"]')).to_contain_text("2,400.00 元")
    expect(rider.locator("table.record tbody tr").filter(has_text="职工基本养老保险")).to_contain_text("2,400.00")
    person_sees(rider)

    # the rider claims an injury
    nav(rider, "我的申请")
    rider.locator("main").get_by_role("link", name="申请待遇").click()
    rider.get_by_role("radio", name="平台工作中受伤").check()  # htmx loads step 2
    rider.get_by_label("受伤日期").fill(DAY.isoformat())
    rider.get_by_label("受伤时从事的工作").select_option(str(world.rider_eng_platform.pk))
    rider.get_by_label("当时正在进行的订单（选填）").fill("B1")
    rider.get_by_label("事情经过").fill("送客途中被开启的车门撞倒，右腿骨折。")
    person_sees(rider)
    rider.get_by_role("button", name="提交申请").click()
    expect(rider).to_have_url(re.compile(r"/me/claims/\d+/$"))
    expect(rider.locator("#claim-status")).to_have_text("审核中")
    person_sees(rider)
    log_out(rider)

    # an officer finds it by searching, accepts it and assesses grade 3; a supervisor approves the awards
    officer = as_role(browser, base, "officer")
    nav(officer, "查找申请")
    officer.get_by_label("状态").select_option("GATHERING_EVIDENCE")  # htmx swaps the results
    expect(officer.locator("#claim-count")).to_contain_text("共有1件申请符合条件。")
    found = officer.locator("table.search-results tbody tr")
    expect(found).to_have_count(1)
    expect(found.first).to_contain_text("平台工作中受伤")
    person_sees(officer)
    claim = Claim.objects.get()
    found.first.get_by_role("link", name=str(claim.pk)).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("张伟 · 平台工作中受伤")
    officer.get_by_role("radio", name="受理", exact=True).check()
    officer.get_by_label("理由（请用申请人能理解的话写）").fill("平台订单记录显示受伤时正在接单。")
    officer.get_by_role("button", name="保存决定").click()
    expect(officer.locator("#claim-status")).to_have_text("已受理")
    officer.get_by_label("伤残等级").select_option("3")
    officer.get_by_label("护理等级").fill("0")
    officer.get_by_label("停工留薪（治疗）月数").fill("0")
    person_sees(officer)
    officer.get_by_role("button", name="保存鉴定结果").click()
    expect(officer.locator("#claim-status")).to_have_text("已鉴定")
    person_sees(officer)
    supervisor = as_role(browser, base, "supervisor")
    supervisor.goto(officer.url)  # the officer's link to the claim
    supervisor.get_by_role("button", name="批准").click()
    expect(supervisor.locator("#claim-status")).to_have_text("已核定")
    person_sees(supervisor)

    # the month ends; the officer runs its benefit pay run from the page
    paid_on = the_month_ends(monkeypatch).isoformat()
    officer = as_role(browser, base, "officer")
    nav(officer, "月度任务")
    officer.get_by_label("月度待遇发放").check()
    officer.get_by_label("月份").fill(month)
    officer.get_by_role("button", name="启动").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(f"月度待遇发放 · {month}")
    run_pending()
    expect(officer.locator("#job-status")).to_contain_text("已完成", timeout=10_000)
    outcome = officer.locator("#job-outcome")
    expect(outcome).to_contain_text("本次发放笔数2")
    expect(outcome).to_contain_text("本次发放金额（元）107,100.00")
    person_sees(officer)

    # the rider reads the decision: accepted, grade 3, and what was paid on which day
    rider = as_role(browser, base, "worker")
    nav(rider, "我的申请")
    rider.locator("table.claims").get_by_role("link", name="平台工作中受伤").click()
    expect(rider.locator("#decision-reason")).to_have_text("平台订单记录显示受伤时正在接单。")
    expect(rider.locator(".assessed-level").first).to_have_text("3级（1级最重，10级最轻）")
    paid = rider.locator("table.benefit-payments tbody tr")
    expect(paid).to_have_text([f"{month}{paid_on}103,500.00", f"{month}{paid_on}3,600.00"])
    person_sees(rider)
