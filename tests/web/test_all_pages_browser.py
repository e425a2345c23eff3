"""Every page of every role in Chromium (the list: tests/web/all_pages.py): axe-core finds no serious or
critical violation in zh-Hans at 390 px and 1280 px and in English at 1280 px; and the text a person
reads is Chinese on the Chinese pages (English words only from an allow-list, codes in code elements,
names marked as names) and has no Chinese on the English pages outside names. One browser context and one
log-in per role. A failure lists each page with the role, the size, the language and what was found."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, BrowserContext, Page

from socsec.accounts.models import User
from socsec.registry.services import engagement_end
from tests.second_factor import current_code, device_of
from tests.web.all_pages import ALLOWED_LATIN, AXE, READ_TEXT, ROLES, RUN_AXE, USERNAMES, VISITS, Visit
from tests.web.test_claim_pages import injury
from tests.world import PASSWORD, SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LANGUAGES = ["zh-hans", "en"]
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*[A-Za-z]")
CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e]+")


@pytest.fixture
def ids(world, data_dir) -> dict[str, int | str]:
    """The ids the addresses need, and some history for the audit pages (a record changed, not only made)."""
    import datetime as dt

    from django.utils import timezone

    from socsec.benefits.models import Suspension
    from socsec.contributions.own.checkout import own_payment_start
    from socsec.contributions.own.enrolments import enrolment_join
    from socsec.contributions.own.mandates import withholding_mandate_create
    from socsec.jobs.services import job_start
    from socsec.taxexchange.models import Handover
    from tests.benefits.test_suspensions import unemployed_then_hired
    from tests.jobs.worker import run_pending
    from tests.risk.test_pages import risk_case
    from tests.taxexchange.helpers import exchange, fetch, lines, send

    engagement_end(
        actor=SYSTEM, engagement=world.rider_eng_courier, end_date=dt.date(2026, 9, 30), today=dt.date(2026, 10, 5)
    )
    unemployed_then_hired(world)  # a stop waiting for an officer
    job = job_start(actor=SYSTEM, kind="ASSESSMENT", month="2026-05")
    run_pending()
    # RideGo's contributions of a month handed to the tax authority: the rider's paid, the employee's not
    tax = exchange(data_dir / "tax-exchange", unpaid_persons=frozenset({world.employee.pk}))
    send("2026-09", lines(world.platform.pk, world.rider.pk, "2026-09"), tax)
    fetch(tax)
    handover = Handover.objects.get()
    # the rider's own contributions: a scheme joined, a payment waiting for the provider, a withholding
    this_month = timezone.localdate().replace(day=1)
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    payment, _start = own_payment_start(
        actor=SYSTEM,
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        period_start=this_month,
        declared_base_cents=1200000,
    )
    mandate = withholding_mandate_create(
        actor=SYSTEM,
        person=world.rider,
        platform=world.platform,
        scheme="EMPLOYEE_PENSION",
        declared_base_cents=900000,
        valid_from=this_month,
    )
    from socsec.quality.models import Finding
    from socsec.quality.services import quality_check_run

    quality_check_run(actor=SYSTEM, on=dt.date(2026, 5, 1))
    return {
        "finding_id": Finding.objects.filter(rule="engagement_no_orders").order_by("id").first().pk,
        "person_id": world.rider.pk,
        "claim_id": injury(world).pk,
        "engagement_id": world.rider_eng_platform.pk,
        "suspension_id": Suspension.objects.get().pk,
        "case_id": risk_case(world).pk,
        "job_id": job.pk,
        "handover_id": handover.pk,
        "reference": payment.reference,
        "mandate_id": mandate.pk,
    }


def open_as(
    browser: Browser, base: str, role: str, language: str, size: str, check: Callable[[Page, str], None]
) -> tuple[BrowserContext, Page]:
    """A context of the role's own, logged in (staff through the second factor, whose page is checked)."""
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN" if language == "zh-hans" else "en-US")
    context.add_init_script(path=str(AXE))
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    page = context.new_page()
    if role == "anonymous":
        return context, page
    username = USERNAMES[role]
    user = User.objects.get(username=username)
    device = device_of(user) if user.role in ("OFFICER", "SUPERVISOR", "AUDITOR") else None
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if device is not None:
        check(page, "web:otp_verify")
        page.locator("main input[name=code]").fill(current_code(device))
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    return context, page


def address(visit: Visit, ids: dict[str, int | str]) -> str:
    path = reverse(visit.name, kwargs={k: ids[k] for k in visit.kwargs})
    return f"{path}?{visit.query}" if visit.query else path


def walk(
    browser: Browser,
    base: str,
    role: str,
    ids: dict[str, int | str],
    combos: list[tuple[str, str]],
    check_page: Callable[[Page, str, str, str, str], list[str]],
) -> list[str]:
    problems: list[str] = []
    visits = [v for v in VISITS if v.role == role]
    language, size = combos[0]
    context, page = open_as(
        browser, base, role, language, size, lambda p, name: problems.extend(check_page(p, role, name, language, size))
    )
    try:
        for language, size in combos:
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            page.set_viewport_size(SIZES[size])
            for visit in visits:
                path = address(visit, ids)
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    problems.append(
                        f"{role} {language} {size} {path}: answered {response.status if response else 'nothing'}"
                    )
                    continue
                problems.extend(check_page(page, role, path, language, size))
    finally:
        context.close()
    return problems


def axe_problems(page: Page, role: str, path: str, language: str, size: str) -> list[str]:
    found = page.evaluate(RUN_AXE)
    return [
        f"{role} · {language} · {SIZES[size]['width']}px · {path}: axe {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"      {n}" for n in v["nodes"])
        for v in found
    ]


def language_problems(page: Page, role: str, path: str, language: str, size: str) -> list[str]:
    problems = []
    for text in page.evaluate(READ_TEXT):
        if language == "zh-hans":
            words = [w for w in LATIN_WORD.findall(text) if w not in ALLOWED_LATIN]
            if words:
                problems.append(f"{role} · {language} · {path}: English {words} in “{text[:160]}”")
        else:
            chinese = CHINESE.findall(text)
            if chinese:
                problems.append(f"{role} · {language} · {path}: Chinese {chinese} in “{text[:160]}”")
    return list(dict.fromkeys(problems))


# Chinese, the readers' first language, at both sizes; English at the desktop's. axe's serious and critical
# rules (labels, names, contrast, structure) read the markup and the colours, which the language does not
# change; the English walk at 390 px found nothing the others did not, and cost a quarter of the run.
COMBOS = [("zh-hans", "phone"), ("zh-hans", "desktop"), ("en", "desktop")]


def page_problems(page: Page, role: str, path: str, language: str, size: str) -> list[str]:
    """axe at every size; the reader's language once per language (the text does not change with the size)."""
    problems = axe_problems(page, role, path, language, size)
    if size == "desktop":
        problems += language_problems(page, role, path, language, size)
    return problems


@pytest.mark.parametrize("role", ROLES)
def test_every_page_passes_axe_and_reads_in_the_readers_language(role, ids, live_server, browser: Browser):
    problems = walk(browser, live_server.url, role, ids, COMBOS, page_problems)
    print("\n".join(problems))
    assert not problems, f"{len(problems)} axe violations or texts in the wrong language:\n" + "\n".join(problems)
