"""In a real Chromium on a 390 px phone, in Chinese: an officer registers a woman worker of the original 50
group; a group of the other sex is refused under its field first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from socsec.registry.models import Person
from tests.web.test_claim_search_browser import log_in_officer
from tests.web.test_person_register_retirement_group import WOMAN
from tests.web.test_platform_pages_browser import browser_context_args, fits_the_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


__all__ = ["browser_context_args"]  # a 390 px phone in Chinese, as the platform clerk's tests


def test_an_officer_registers_a_woman_worker_of_the_50_group_in_chinese(world, live_server, page: Page):
    log_in_officer(page, live_server.url, world)
    page.goto(f"{live_server.url}/officer/persons/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登记人员")
    fits_the_phone(page)
    page.get_by_label("公民身份号码", exact=True).fill(WOMAN)
    page.get_by_label("名称", exact=True).fill("钱芳")
    page.get_by_label("居住地", exact=True).select_option("110100")
    group = page.get_by_label("原法定退休年龄组别")
    expect(group).to_have_attribute("aria-describedby", "id_retirement_group-hint")
    group.select_option("MEN_60")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("#id_retirement_group-error")).to_have_text(
        "该居民身份证号码为女性：其组别为女性55岁或女职工50岁。"
    )
    expect(page.get_by_label("原法定退休年龄组别")).to_have_attribute(
        "aria-describedby", "id_retirement_group-hint id_retirement_group-error"
    )
    fits_the_phone(page)
    page.get_by_label("原法定退休年龄组别").select_option(label="女工人，改革前50岁退休")
    page.get_by_role("button", name="登记", exact=True).click()
    person = Person.objects.with_resident_id(WOMAN).get()
    expect(page).to_have_url(f"{live_server.url}/officer/persons/{person.pk}/")
    assert (person.sex, person.retirement_group) == ("F", "WOMEN_50")
    fits_the_phone(page)
