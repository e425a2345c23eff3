"""The pages in a real Chromium (Debian's /usr/bin/chromium), against a live server on the test database."""

from __future__ import annotations

import datetime as dt
import re
import time
from base64 import b32decode
from pathlib import Path

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from socsec.accounts.models import User
from tests.second_factor import current_code, device_of
from tests.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 390, "height": 844}}


STAFF = {"officer", "supervisor", "auditor"}


def log_in(page: Page, base: str, username: str) -> None:
    """Logs in on the login page; agency staff then enter their authenticator's current code."""
    device = device_of(User.objects.get(username=username)) if username in STAFF else None
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    if device is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text("Second factor")
        page.get_by_label("Code from the app").fill(current_code(device))
        page.get_by_role("button", name="Verify").click()


def test_an_officer_sets_up_the_second_factor_at_first_login(world, live_server, page: Page):
    page.goto(f"{live_server.url}/officer/persons/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    secret = page.locator("#otp-secret").inner_text()
    code = TOTP(b32decode(secret), 30, 0, 6, 0)
    code.time = time.time()
    page.get_by_label("Code from the app").fill(f"{code.token():06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")


def test_worker_sees_their_coverage_and_changes_the_date(world, live_server, page: Page):
    log_in(page, live_server.url, "rider")
    expect(page).to_have_url(re.compile(r"/me/coverage/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My coverage")
    oip = page.locator('[data-scheme="OIP"]')
    expect(oip.locator(".badge").first).to_have_text("Mandatory")
    expect(oip.locator(".per-engagement li")).to_have_count(2)
    expect(page.locator("table.engagements tbody tr")).to_have_count(2)
    page.get_by_label("Date").fill("2022-12-31")  # fires change: htmx swaps the coverage section
    expect(page.get_by_role("heading", name="Coverage on 2022-12-31")).to_be_visible()
    expect(oip.locator(".badge").first).to_have_text("Not eligible")
    expect(page).to_have_url(re.compile(r"on=2022-12-31"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the coverage page must not scroll sideways on a phone"


def test_language_switch_to_chinese(world, live_server, page: Page):
    log_in(page, live_server.url, "rider")
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的参保情况")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator('[data-scheme="WORK_INJURY"] .badge')).to_have_text("不符合条件")


def test_officer_finds_a_person_and_reads_why(world, live_server, page: Page):
    log_in(page, live_server.url, "officer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    page.get_by_label("Name or resident ID").press_sequentially("张伟")  # live search through htmx (whole names)
    result = page.locator("#results").get_by_role("link", name="张伟")
    expect(result).to_be_visible()
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("张伟")
    expect(page.locator("table.engagements tbody tr")).to_have_count(2)
    oip = page.locator('[data-scheme="OIP"]')
    summary = oip.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")  # details open from the keyboard
    expect(oip.locator("details")).to_have_attribute("open", "")
    expect(oip.get_by_text("oip.pilot.province.440000")).to_be_visible()


def test_keyboard_users_can_skip_to_content_and_workers_cannot_open_officer_pages(world, live_server, page: Page):
    log_in(page, live_server.url, "rider")
    expect(page.get_by_role("heading", level=1)).to_have_text("My coverage")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    expect(page.locator(":focus")).to_have_attribute("id", "main")
    response = page.goto(f"{live_server.url}/officer/persons/")
    assert response is not None and response.status == 403


def test_supervisor_overview_draws_everyones_coverage(world, live_server, page: Page):
    from socsec.coverage.overview import coverage_counts_refresh

    for day in (dt.date(2026, 5, 1), dt.date(2022, 12, 31)):  # the counts the nightly job keeps
        coverage_counts_refresh(on=day)
    log_in(page, live_server.url, "supervisor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Coverage overview")
    page.goto(f"{live_server.url}/officer/overview/?on=2026-05-01")  # a fixed date: the register changes over time
    expect(page.locator(".bar-row")).to_have_count(8)
    oip = page.locator('.bar-row[data-scheme="OIP"]')
    expect(oip.locator('[data-status="MANDATORY"]')).to_have_text("Mandatory 1")
    expect(oip.locator('[data-status="COVERED_ELSEWHERE"]')).to_have_text("Covered elsewhere 1")
    expect(oip.locator('[data-status="NOT_ELIGIBLE"]')).to_have_text("Not eligible 1")
    page.get_by_label("Date").fill("2022-12-31")
    expect(page.get_by_text("On 2022-12-31: 3 registered persons, 3 active engagements.")).to_be_visible()
    expect(oip.locator('[data-status="NOT_ELIGIBLE"]')).to_have_text("Not eligible 3")


def test_platform_uploads_orders_and_downloads_the_error_report(world, live_server, page: Page, settings, tmp_path):
    import datetime as dt

    settings.DATA_DIR = tmp_path
    day = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    rid = world.rider.resident_id
    upload = tmp_path / "orders.csv"
    upload.write_text(
        "order_id,resident_id,region,sector,order_date\n"
        f"u1,{rid},440300,RIDE_HAILING,{day}\nu2,{rid},440300,RIDE_HAILING,{day}\nu3,{rid},999999,RIDE_HAILING,{day}\n"
    )
    log_in(page, live_server.url, "ridego-staff")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report orders")
    page.get_by_label("File of orders (.csv, .xlsx, .parquet or .jsonl)").set_input_files(str(upload))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#result")).to_contain_text("2 valid rows kept, 1 rows with errors")
    expect(page.locator("table.batches tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("link", name="1 · error report").click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert report.splitlines() == [
        "Row number,Order id,Column,Reason,Code",
        "4,u3,region,unknown region code '999999'.,unknown_region",  # the spreadsheet's row: the header is 1
    ]


def test_worker_sees_the_months_their_platforms_paid_for(world, live_server, page: Page, settings, tmp_path):

    from socsec.contributions.assessment.runs import assessment_run
    from socsec.contributions.orders.ingest import orders_ingest
    from tests.world import SYSTEM

    settings.DATA_DIR = tmp_path
    day = timezone.localdate()
    month = f"{day:%Y-%m}"
    rid = world.rider.resident_id
    rows = [f"o{i},{rid},440300,RIDE_HAILING,{day.isoformat()}" for i in range(250)]
    rows += [f"z{i},{rid},110100,INSTANT_DELIVERY,{day.isoformat()}" for i in range(10)]
    content = ("order_id,resident_id,region,sector,order_date\n" + "\n".join(rows[:250])).encode()
    orders_ingest(actor=SYSTEM, platform=world.platform, content=content, fmt="csv", idempotency_key="k", source="t")
    content = ("order_id,resident_id,region,sector,order_date\n" + "\n".join(rows[250:])).encode()
    orders_ingest(actor=SYSTEM, platform=world.courier, content=content, fmt="csv", idempotency_key="k", source="t")
    assessment_run(actor=SYSTEM, month=month)
    log_in(page, live_server.url, "rider")
    page.get_by_role("link", name="My contributions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My contributions")
    expect(page.locator(f'.month-bars [data-month="{month}"] .num')).to_have_text("3.20")  # 2.50 + 10 x 0.07
    rows_shown = page.locator("table.record tbody tr")
    expect(rows_shown).to_have_count(2)
    expect(rows_shown.nth(0)).to_contain_text("RideGo")
    expect(rows_shown.nth(1)).to_contain_text("Zipper Courier")


def test_statements_for_a_worker_and_a_platform(world, live_server, page: Page, settings, tmp_path):

    from socsec.contributions.assessment.runs import assessment_run
    from socsec.contributions.collection.payments import payment_record
    from socsec.contributions.orders.ingest import orders_ingest
    from socsec.contributions.own.payments import own_contribution_pay
    from tests.world import SYSTEM

    settings.DATA_DIR = tmp_path
    today = timezone.localdate()
    rid = world.rider.resident_id
    content = ("order_id,resident_id,region,sector,order_date\n" + f"s1,{rid},440300,RIDE_HAILING,{today}\n").encode()
    orders_ingest(actor=SYSTEM, platform=world.platform, content=content, fmt="csv", idempotency_key="k", source="t")
    assessment_run(actor=SYSTEM, month=f"{today:%Y-%m}", today=today)
    payment_record(
        actor=SYSTEM, platform=world.platform, amount_cents=1, received_on=today, reference="B-1", source="t"
    )
    own_contribution_pay(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=today.replace(day=1),
        months=1,
        declared_base_cents=1000000,
        today=today,
    )
    log_in(page, live_server.url, "rider")
    page.get_by_role("link", name="My statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"My statement for {today.year}")
    expect(page.locator('[data-scheme="EMPLOYEE_PENSION"] td').nth(2)).to_have_text("2,000.00")
    expect(page.locator("table.ledger tr.carried-forward td").last).to_have_text("800.00")  # 8% of 10,000
    page.get_by_label("Year").select_option(str(today.year - 1))
    page.get_by_label("Year").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the Show button, by keyboard
    expect(page.get_by_role("heading", level=1)).to_have_text(f"My statement for {today.year - 1}")
    expect(page.locator("table.ledger tr.carried-forward td").last).to_have_text("0.00")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))  # logging out lands on the login page
    log_in(page, live_server.url, "ridego-staff")
    page.get_by_role("link", name="Statement", exact=True).click()
    expect(page.locator("#statement-summary")).to_contain_text(
        "Invoiced: 0.01 yuan. Paid or credited: 0.01 yuan. Owed at the end: 0.00 yuan."
    )
    expect(page.locator("table.ledger tbody tr")).to_have_count(4)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the statement must not scroll sideways on a phone"


def test_supervisor_compares_two_scenarios_with_charts(world, live_server, page: Page):
    log_in(page, live_server.url, "supervisor")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Projections").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Actuarial projections")
    expect(page.get_by_label("Baseline (current law)")).to_be_checked()
    page.get_by_label("Baseline (current law)").uncheck()
    page.get_by_role("button", name="Run").click()  # nothing chosen: refused, nothing run
    expect(page.get_by_role("alert")).to_have_text("Choose at least one scenario.")
    page.get_by_label("Baseline (current law)").check()
    page.get_by_label("Mandatory pension coverage of platform workers from 2027").check()
    page.get_by_label("Stochastic runs (0 to 1000; 0 projects the central assumptions only)").fill("50")
    page.get_by_role("button", name="Run").click()
    result = page.locator("#projection-result")
    expect(result.locator(".js-plotly-plot")).to_have_count(5)  # 3 line charts + a fan chart per scenario
    expect(result.locator("#chart-pension-cost-rate .main-svg").first).to_be_visible()
    expect(result.locator("#chart-fan-1 .main-svg").first).to_be_visible()
    expect(page.locator("table.projection-summary thead th")).to_have_text(
        ["Indicator", "Baseline (current law)", "Mandatory pension coverage of platform workers from 2027"]
    )
    expect(page.locator("table.projection-summary tbody tr").first.locator("td")).to_have_count(2)
    expect(result.get_by_role("heading", level=2)).to_have_text("Results 2025 to 2124, 50 stochastic runs")
    expect(result).not_to_have_attribute("aria-busy", "true")
    expect(page).to_have_url(re.compile(r"scenario=baseline&scenario=platform_mandatory&stochastic=50"))
    expect(result.get_by_role("link", name="Download CSV: Summary")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the projections page must not scroll sideways on a phone"
