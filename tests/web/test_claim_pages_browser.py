"""The claim journey in a real Chromium: a worker files an injury claim with the keyboard, an officer rejects
it from the work queue with a reason, the worker reads the reason."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.contributions.test_ingest import DAY
from tests.web.test_pages_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 390, "height": 844}}


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_a_worker_claims_an_officer_rejects_and_the_worker_reads_why(world, settings, tmp_path, live_server, page):
    settings.DATA_DIR = tmp_path
    base = live_server.url
    log_in(page, base, "rider")
    page.get_by_role("link", name="My claims").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My claims")
    page.locator("main").get_by_role("link", name="Claim a benefit").click()

    injury = page.get_by_role("radio", name="Injury at platform work")
    injury.focus()
    page.keyboard.press("Space")  # choosing the kind loads step 2 through htmx
    expect(injury).to_be_checked()
    expect(page.get_by_text("Step 2: details of your claim (Injury at platform work)")).to_be_visible()
    page.keyboard.press("Tab")
    day = page.get_by_label("Day of the injury")
    expect(day).to_be_focused()
    day.fill(DAY.isoformat())
    work = page.get_by_label("The work you were doing")
    work.focus()  # Tab would walk through the date's year, month and day fields first
    page.keyboard.press("ArrowDown")  # the first engagement: RideGo
    expect(work).to_have_value(str(world.rider_eng_platform.pk))
    page.keyboard.press("Tab")
    page.keyboard.type("a7")
    page.keyboard.press("Tab")
    page.keyboard.type("A car door opened in front of me.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Submit the claim")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/me/claims/\d+/$"))
    expect(page.locator("#claim-status")).to_have_text("Being checked")
    page.get_by_role("link", name="My claims").first.click()
    rows = page.locator("table.claims tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(DAY.isoformat())
    expect(rows.first).to_contain_text("Being checked")
    log_out(page)

    log_in(page, base, "officer")
    page.get_by_role("link", name="Claims", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Claims to decide")
    page.get_by_label("Kind").select_option("OCCUPATIONAL_INJURY")  # htmx swaps the table
    expect(page).to_have_url(re.compile(r"kind=OCCUPATIONAL_INJURY"))
    expect(page.locator("table.queue tbody tr")).to_have_count(1)
    page.locator("table.queue").get_by_role("link", name="张伟").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("张伟 · Injury at platform work")
    page.get_by_label("Reject").check()
    page.get_by_label("Reason, in words the claimant understands").fill("RideGo's records show no order that day.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#claim-status")).to_have_text("Rejected")
    log_out(page)

    log_in(page, base, "rider")
    page.get_by_role("link", name="My claims").click()
    page.locator("table.claims").get_by_role("link", name="Injury at platform work").click()
    expect(page.locator("#claim-status")).to_have_text("Rejected")
    expect(page.locator("#decision-reason")).to_have_text("RideGo's records show no order that day.")
    expect(page.get_by_label("What do you disagree with?")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the claim page must not scroll sideways on a phone"
