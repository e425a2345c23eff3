"""The partners' data where officers look: the platforms the market regulator deregistered and the persons
whose payments are held on an invalid or closed account (logged as read); on a person's page, the payment
account (masked) and the declared incomes beside the base the person chose; in English and Chinese."""

from __future__ import annotations

import datetime as dt

from socsec.audit.models import PersonalDataAccess
from socsec.contributions.models import OwnContribution
from socsec.partners.access import PartnerCall
from socsec.partners.account_checks import payment_accounts_check
from socsec.partners.accounts import LocalBank, payment_account_set
from socsec.partners.feeds import feed_receive
from socsec.registry.models import Organisation, Region
from tests.partners.test_pages import client_as
from tests.world import SYSTEM


def call_of(credentials):
    return PartnerCall(agreement=credentials.agreement, scopes=frozenset(credentials.agreement.scopes))


def test_officers_see_deregistered_platforms_and_held_payments(market, bank, world):
    Organisation.objects.filter(pk=world.platform.pk).update(credit_code="91440300MA5F000007")
    row = {
        "credit_code": "91440300MA5F000007",
        "name": "RideGo",
        "registered_on": "2020-05-06",
        "status": "deregistered",
    }
    feed_receive(call=call_of(market), kind="platforms", rows=[row], idempotency_key="k1")
    payment_account_set(actor=SYSTEM, person=world.rider, bank=bank.agreement.partner, account_no="6222020200112233445")
    payment_accounts_check(actor=SYSTEM, bank=bank.agreement.partner, verifier=LocalBank(), today=dt.date.today())
    english = client_as(world, "officer").get("/officer/partner-data/").content.decode()
    assert "91440300MA5F000007" in english and "2020-05-06" in english and "deregistered" in english
    assert f"/officer/persons/{world.rider.pk}/" in english and "Pilot Bank" in english and ">invalid<" in english
    chinese = client_as(world, "officer", "zh-hans").get("/officer/partner-data/").content.decode()
    assert "市场监管部门已注销的平台" in chinese and "已注销" in chinese and "暂停发放：账户无效或已销户" in chinese
    assert ">无效<" in chinese
    assert PersonalDataAccess.objects.filter(person_id=world.rider.pk, what="payment account").count() == 2


def test_a_persons_page_shows_incomes_beside_the_chosen_base_and_the_masked_account(tax, bank, world):
    payment_account_set(actor=SYSTEM, person=world.rider, bank=bank.agreement.partner, account_no="6222020200112233446")
    OwnContribution.objects.create(
        person=world.rider,
        scheme="EMPLOYEE_PENSION",
        region=Region.objects.get(code="110100"),
        period_start=dt.date(2026, 1, 1),
        months=3,
        declared_base_cents=500000,
        paid_cents=300000,
        individual_account_cents=120000,
        pooled_cents=180000,
        explanation={},
        paid_on=dt.date(2026, 1, 10),
    )
    rows = [
        {"resident_id": world.rider.resident_id, "period": "2026-02", "source": "labour", "amount_cents": "812345"},
        {"resident_id": world.rider.resident_id, "period": "2025", "source": "wages", "amount_cents": "9600000"},
    ]
    feed_receive(call=call_of(tax), kind="incomes", rows=rows, idempotency_key="k1")
    english = client_as(world, "officer").get(f"/officer/persons/{world.rider.pk}/").content.decode()
    assert "Declared incomes beside the chosen contribution base" in english
    assert "****3446" in english and "6222020200112233446" not in english and "not checked yet" in english
    assert "8,123.45" in english and "5,000.00" in english  # February: its income beside its base
    assert "96,000.00" in english and "8,000.00" in english  # 2025: a month of it, no base that year
    chinese = client_as(world, "officer", "zh-hans").get(f"/officer/persons/{world.rider.pk}/").content.decode()
    assert "申报收入与所选缴费基数对照" in chinese and "劳务报酬" in chinese and "工资薪金" in chinese
    assert "尚未核验" in chinese
