"""In Chromium at phone size, in Chinese: an officer opens the documents sent to other agencies, reads a
flagged one's error (masked) and sends it again, then opens the documents received."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socsec.interagency.models import OutboundDocument
from socsec.interagency.outbox import Issue, documents_issue
from tests.interagency.helpers import ACTOR, PEER, register_both
from tests.web.test_pages_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 390, "height": 844}}


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_an_officer_sends_a_flagged_document_again_on_a_phone(world, live_server, page: Page):
    register_both()
    documents_issue(actor=ACTOR, peer_code=PEER.code, documents=[Issue("note-1", "test.note", {"n": 1})])
    OutboundDocument.objects.update(state="FLAGGED", attempts=8, last_error="HTTP 500 for li.wei@example.cn")
    log_in(page, live_server.url, "officer")  # with the second factor
    host = live_server.url.split("//")[1].split(":")[0]
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "domain": host, "path": "/"}])
    page.goto(f"{live_server.url}/officer/transfers/")
    page.get_by_role("navigation").get_by_role("link", name="发往其他经办机构的文书").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("发往其他经办机构的文书")
    row = page.locator("#agency-outbox tbody tr")
    expect(row).to_contain_text("已标记：回执无法采用，需经办人员重新发送")
    expect(row).to_contain_text("HTTP 500 for l***@example.cn")
    no_sideways_scroll(page)
    row.get_by_role("button", name="重新发送").click()
    expect(page.locator(".notices")).to_contain_text("文书 note-1 等待重新发送。")
    expect(page.locator("#agency-outbox tbody tr")).to_contain_text("等待送达")
    assert OutboundDocument.objects.get().state == "PENDING"
    page.get_by_role("link", name="其他经办机构发来的文书").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("其他经办机构发来的文书")
    expect(page.locator("#agency-refused")).to_contain_text("无。")
    no_sideways_scroll(page)
