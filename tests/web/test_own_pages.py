"""A worker's own contributions on the pages (Django's test client): join a voluntary scheme, pay it
through the payment provider with the amount explained first, ask a platform to withhold and end it after
a confirmation. Bad amounts are refused at their field and write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from socsec.contributions.models import OwnContribution, ProviderPayment, VoluntaryEnrolment, WithholdingMandate
from socsec.contributions.own.enrolments import enrolment_join
from socsec.core.months import month_first_day, month_index
from tests.world import SYSTEM

THIS_MONTH = f"{timezone.localdate():%Y-%m}"


def client_as(world, name: str = "worker", language: str = "en") -> Client:
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


def pay_form(**override: str) -> dict[str, str]:
    return {
        "scheme": "EMPLOYEE_PENSION",
        "period": THIS_MONTH,
        "months": "1",
        "base_level": "other",
        "base_other": "12,000",
        "tier": "",
        **override,
    }


def test_a_worker_joins_a_voluntary_scheme_on_the_page(world):
    worker = client_as(world)
    page = worker.get("/me/join/").content.decode()
    assert 'data-scheme="EMPLOYEE_PENSION"' in page and "You have not joined a scheme yet." in page
    done = worker.post("/me/join/", {"scheme": "EMPLOYEE_PENSION"})
    assert (done.status_code, done["Location"]) == (302, "/me/join/")
    e = VoluntaryEnrolment.objects.get()
    assert (e.person_id, e.scheme) == (world.rider.pk, "EMPLOYEE_PENSION")
    again = worker.post("/me/join/", {"scheme": "EMPLOYEE_PENSION"})
    assert again.status_code == 409
    assert "you joined Employee basic pension already" in again.content.decode()


def test_a_scheme_not_voluntary_for_the_person_is_refused_in_their_language(world):
    employee = Client(headers={"Accept-Language": "zh-hans"})
    from socsec.accounts.models import Role
    from socsec.accounts.services import user_create

    user = user_create(actor=SYSTEM, username="emp", password="x" * 12, role=Role.WORKER, person=world.employee)
    employee.force_login(user)
    refused = employee.post("/me/join/", {"scheme": "EMPLOYEE_PENSION"})
    assert refused.status_code == 422
    assert VoluntaryEnrolment.objects.count() == 0


def test_the_amount_is_explained_before_paying_and_the_payment_waits_for_the_provider(world):
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    worker = client_as(world)
    form = worker.get("/me/pay/").content.decode()
    # the bases offered as amounts: 60%, 100% and 300% of Beijing's average wage of 12,386 yuan
    for words in (
        "7,431.60 yuan a month (60% of the average wage",
        "12,386.00 yuan a month (100%",
        "37,158.00 yuan a month (300%",
    ):
        assert words in form
    quote = worker.post("/me/pay/", pay_form(), headers={"HX-Request": "true"})
    text = quote.content.decode()
    assert quote.status_code == 200
    assert f"<strong>2,400.00 yuan</strong> for 1 month(s) from {THIS_MONTH}." in text
    assert "12,000.00 yuan a month" in text and "960.00 yuan" in text and "1,440.00 yuan" in text
    assert 'name="quoted" value="240000"' in text and "Pay 2,400.00 yuan" in text
    assert ProviderPayment.objects.count() == 0
    paid = worker.post("/me/pay/", {**pay_form(), "action": "pay", "quoted": "240000"}, headers={"HX-Request": "true"})
    payment = ProviderPayment.objects.get()
    assert (paid.status_code, paid["HX-Redirect"]) == (204, f"/pay/local/{payment.reference}/")
    assert (payment.status, payment.amount_cents, OwnContribution.objects.count()) == ("PENDING", 240000, 0)
    provider = worker.get(f"/pay/local/{payment.reference}/").content.decode()
    assert "Amount: <strong>2,400.00 yuan</strong>" in provider
    back = worker.post(f"/pay/local/{payment.reference}/", {"outcome": "pay"})
    assert back["Location"] == f"/me/payments/{payment.reference}/"
    assert "Paid and booked to your record." in worker.get(back["Location"]).content.decode()
    c = OwnContribution.objects.get()
    assert (c.paid_cents, c.declared_base_cents, c.months) == (240000, 1200000, 1)
    mine = worker.get("/me/contributions/").content.decode()
    assert 'data-status="CONFIRMED"' in mine and "2,400.00" in mine


def test_a_changed_form_shows_the_amount_again_instead_of_paying(world):
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    again = client_as(world).post("/me/pay/", {**pay_form(), "action": "pay", "quoted": "100"})
    assert "The amount changed with your choices" in again.content.decode()
    assert ProviderPayment.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("12,00", "Enter an amount in yuan, such as 12000 or 12,000.50."),
        ("-5", "Enter an amount in yuan, such as 12000 or 12,000.50."),
        ("40000", "The amount must be at most 37,158.00 yuan."),
        ("100", "The amount must be at least 7,431.60 yuan."),
    ],
)
def test_bad_bases_are_refused_at_the_field_and_write_nothing(world, typed, words):
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    worker = client_as(world)
    for action in ("quote", "pay"):
        refused = worker.post("/me/pay/", {**pay_form(base_other=typed), "action": action, "quoted": "240000"})
        text = refused.content.decode()
        assert refused.status_code == 422
        assert f'<p class="error" id="id_base_other-error">{words}</p>' in text
        assert 'aria-describedby="id_base_other-error"' in text
    assert ProviderPayment.objects.count() == OwnContribution.objects.count() == 0


def test_bad_base_in_chinese(world):
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    refused = client_as(world, language="zh-hans").post("/me/pay/", pay_form(base_other="12,00"))
    assert refused.status_code == 422
    assert 'id="id_base_other-error"' in refused.content.decode()
    assert "Enter an amount" not in refused.content.decode()


def test_a_past_month_is_refused_at_the_period_field(world):
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="EMPLOYEE_PENSION")
    refused = client_as(world).post("/me/pay/", pay_form(period="2020-01"))
    assert refused.status_code == 422 and 'id="id_period-error"' in refused.content.decode()
    assert ProviderPayment.objects.count() == 0


def test_a_worker_asks_a_platform_to_withhold_and_ends_it_after_confirming(world):
    worker = client_as(world)
    page = worker.get("/me/withholding/").content.decode()
    assert '<option value="ridego">RideGo</option>' in page
    bad = worker.post(
        "/me/withholding/", {"platform": "ridego", "scheme": "EMPLOYEE_PENSION", "base": "-1", "valid_from": THIS_MONTH}
    )
    assert bad.status_code == 422 and 'id="id_base-error"' in bad.content.decode()
    assert WithholdingMandate.objects.count() == 0
    done = worker.post(
        "/me/withholding/",
        {"platform": "ridego", "scheme": "EMPLOYEE_PENSION", "base": "9,000", "valid_from": THIS_MONTH},
    )
    assert (done.status_code, done["Location"]) == (302, "/me/withholding/")
    m = WithholdingMandate.objects.get()
    assert (m.platform.code, m.declared_base_cents, m.valid_to) == ("ridego", 900000, None)
    assert f'href="/me/withholding/{m.pk}/end/"' in worker.get("/me/withholding/").content.decode()
    ask = worker.get(f"/me/withholding/{m.pk}/end/").content.decode()
    assert "This cannot be undone" in ask
    m.refresh_from_db()
    assert m.valid_to is None  # asking ends nothing
    ended = worker.post(f"/me/withholding/{m.pk}/end/")
    assert ended.status_code == 302
    m.refresh_from_db()
    next_month = month_first_day(month_index(timezone.localdate()) + 1)
    assert m.valid_to == next_month - dt.timedelta(days=1)  # withheld to the end of this month
    after = worker.get("/me/withholding/").content.decode()
    assert "until you end it" not in after and f"/me/withholding/{m.pk}/end/" not in after  # ending already


def test_the_residents_pension_is_paid_by_a_yearly_tier(world):
    enrolment_join(actor=SYSTEM, person=world.rider, scheme="RESIDENT_PENSION")
    worker = client_as(world)
    missing = worker.post("/me/pay/", pay_form(scheme="RESIDENT_PENSION", base_other=""))
    assert missing.status_code == 422 and "Choose the yearly tier you pay." in missing.content.decode()
    quote = worker.post("/me/pay/", pay_form(scheme="RESIDENT_PENSION", base_other="", tier="1000"))
    text = quote.content.decode()
    assert f"<strong>1,000.00 yuan</strong> for 12 month(s) from {THIS_MONTH}." in text
    assert "1000 yuan a year" in text and 'name="quoted" value="100000"' in text
    assert ProviderPayment.objects.count() == 0
