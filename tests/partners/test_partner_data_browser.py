"""An officer on a phone, in Chinese, finds the payments held on a closed account and the platform the
market regulator deregistered, without the page scrolling sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, expect

from socsec.partners.access import PartnerCall
from socsec.partners.account_checks import payment_accounts_check
from socsec.partners.accounts import LocalBank, payment_account_set
from socsec.partners.feeds import feed_receive
from tests.web.test_all_pages_browser import open_as
from tests.world import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CLOSED = "6222020200998877662"


def test_an_officer_sees_held_payments_and_deregistered_platforms_on_a_phone(
    market, bank, world, live_server, browser: Browser
):
    call = PartnerCall(agreement=market.agreement, scopes=frozenset(market.agreement.scopes))
    row = {
        "credit_code": "91110000MA01ABCD1M",
        "name": "Swift Errands Co.",
        "registered_on": "2023-04-18",
        "status": "suspended",
    }
    feed_receive(call=call, kind="platforms", rows=[row], idempotency_key="k1")
    feed_receive(call=call, kind="platforms", rows=[{**row, "status": "deregistered"}], idempotency_key="k2")
    payment_account_set(actor=SYSTEM, person=world.rider, bank=bank.agreement.partner, account_no=CLOSED)
    payment_accounts_check(
        actor=SYSTEM, bank=bank.agreement.partner, verifier=LocalBank(closed=[CLOSED]), today=dt.date.today()
    )
    context, page = open_as(browser, live_server.url, "officer", "zh-hans", "phone", lambda p, name: None)
    try:
        page.goto(f"{live_server.url}/officer/partner-data/")
        expect(page.get_by_role("heading", name="需处理的合作部门数据")).to_be_visible()
        platform = page.locator("table.platforms-flagged tbody tr")
        expect(platform).to_have_count(1)
        expect(platform.locator("td").nth(3)).to_have_text("已注销")
        held = page.locator("table.accounts-held tbody tr")
        expect(held).to_have_count(1)
        expect(held.locator("td").nth(2)).to_have_text("已销户")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page must not scroll sideways on a phone"
    finally:
        context.close()
