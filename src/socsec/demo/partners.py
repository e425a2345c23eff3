"""The demo's partner departments: civil affairs, market regulation, health, tax and a bank, each under an
agreement. The civil affairs bureau sends a death register (a person of the register dies last month: a
death notice, so the next payment run stops their benefits, and a row of an unknown person refused) and
looks up the demo worker under its agreement: the read is on the worker's "who read my data". Then the
year's pensioners are checked by data. Idempotent: nothing is done again once the bureau is registered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef

from socsec.accounts.models import User
from socsec.benefits.models import Claim
from socsec.core.months import month_first_day, month_index
from socsec.registry.models import Person

from .pilot import ACTOR

PARTNERS: tuple[tuple[Any, ...], ...] = (
    # code, name, Chinese name, kind, reference, purpose (English, Chinese), legal basis, scopes, read fields,
    # send fields
    (
        "civil-affairs",
        "Civil Affairs Bureau",
        "民政局",
        "CIVIL_AFFAIRS",
        "MCA-2026-01",
        (
            "Stop benefits paid after a death; confirm pensioners by the civil register",
            "死亡后停发待遇；以民政登记核验领取养老金人员",
        ),
        "Social Insurance Law art. 10 and 16; Regulations on Marriage and Death Registration",
        ["deaths:send", "persons:read"],
        ["birth_date", "died_on", "receives_pension"],
        ["resident_id", "died_on", "certificate_no"],
    ),
    (
        "market-regulation",
        "Market Regulation Administration",
        "市场监督管理局",
        "MARKET_REGULATION",
        "SAMR-2026-01",
        ("Find platform enterprises that must report their workers' orders", "查找应报送从业人员订单的平台企业"),
        "Guiding Opinions on Protecting the Rights of Workers in New Forms of Employment (2021)",
        ["platforms:send"],
        [],
        ["credit_code", "name", "registered_on", "status"],
    ),
    (
        "health",
        "Health Commission",
        "卫生健康委员会",
        "HEALTH",
        "NHC-2026-01",
        (
            "Confirm injuries of injury claims without a certificate from the worker",
            "无需劳动者提交证明即可核实工伤申请的伤情",
        ),
        "Regulations on Work-Related Injury Insurance art. 17-20",
        ["injuries:send"],
        [],
        ["resident_id", "injured_on", "hospital", "admitted_on", "diagnosis_code"],
    ),
    (
        "tax",
        "Tax Service",
        "税务局",
        "TAX",
        "STA-2026-01",
        ("Declared incomes for contribution bases of the self-employed", "申报收入用于确定灵活就业人员缴费基数"),
        "Social Insurance Law art. 59; Individual Income Tax Law art. 15",
        ["incomes:send"],
        [],
        ["resident_id", "period", "source", "amount_cents"],
    ),
    (
        "bank",
        "Pilot Commercial Bank",
        "试点商业银行",
        "BANK",
        "BANK-2026-01",
        ("Check that benefit accounts are open and held by the beneficiary", "核验待遇账户有效且为领取人本人所有"),
        "Social security card cooperation agreement",
        ["accounts:send"],
        [],
        ["resident_id", "account_no", "result", "checked_on"],
    ),
)


def demo_partners(today: dt.date | None = None) -> None:
    from socsec.partners.access import PartnerCall
    from socsec.partners.feeds import feed_receive
    from socsec.partners.lookups import persons_lookup
    from socsec.partners.models import Partner
    from socsec.partners.proof_of_life import pensioners_check_year
    from socsec.partners.services import agreement_create, partner_register

    if Partner.objects.filter(code="civil-affairs").exists():
        return
    today = today or dt.date.today()
    civil = None
    for code, name, name_zh, kind, reference, (purpose, purpose_zh), basis, scopes, read, send in PARTNERS:
        partner = partner_register(actor=ACTOR, code=code, name=name, name_zh=name_zh, kind=kind)
        agreement, _secret = agreement_create(
            actor=ACTOR,
            partner=partner,
            reference=reference,
            purpose=purpose,
            purpose_zh=purpose_zh,
            legal_basis=basis,
            scopes=scopes,
            read_fields=read,
            send_fields=send,
            valid_from=dt.date(today.year, 1, 1),
            valid_until=dt.date(today.year + 2, 12, 31),
        )
        civil = civil or agreement
    assert civil is not None
    call = PartnerCall(agreement=civil, scopes=frozenset(civil.scopes))
    # the oldest person of the register with no claim and no login: dies in the middle of last month
    quiet = Person.objects.exclude(Exists(Claim.objects.filter(person=OuterRef("pk")))).exclude(
        Exists(User.objects.filter(person=OuterRef("pk")))
    )
    deceased = quiet.order_by("birth_date", "id").first()
    died_on = month_first_day(month_index(today) - 1) + dt.timedelta(days=14)
    rows = [{"resident_id": "110105193001010013", "died_on": died_on.isoformat(), "certificate_no": "SW-0002"}]
    if deceased is not None:
        rows.insert(
            0, {"resident_id": deceased.resident_id, "died_on": died_on.isoformat(), "certificate_no": "SW-0001"}
        )
    feed_receive(
        call=call, kind="deaths", rows=rows, idempotency_key=f"death-register-{today.isoformat()}", today=today
    )
    worker = User.objects.filter(username="worker").values_list("person_id", flat=True).first()
    if worker is not None:
        person = Person.objects.get(pk=worker)
        persons_lookup(
            call=call, resident_ids=[person.resident_id], fields=["birth_date", "receives_pension"], today=today
        )
    pensioners_check_year(actor=ACTOR, year=today.year, today=today)
    if worker is not None:
        _demo_partner_data(Person.objects.get(pk=worker), today)


def _demo_partner_data(worker: Person, today: dt.date) -> None:
    """The market regulator registers a new platform; the tax service declares the demo worker's incomes;
    the bank checks the worker's payment account (valid) and the oldest pensioner's (closed: held); another
    person paid monthly then gives a new account with a typo in it (not checked yet)."""
    from socsec.benefits.models import Award
    from socsec.partners.access import PartnerCall
    from socsec.partners.account_checks import payment_accounts_check
    from socsec.partners.accounts import LocalBank, payment_account_set
    from socsec.partners.feeds import feed_receive
    from socsec.partners.models import Agreement, Partner

    def call(code: str) -> PartnerCall:
        agreement = Agreement.objects.get(partner__code=code)
        return PartnerCall(agreement=agreement, scopes=frozenset(agreement.scopes))

    platform = {"credit_code": "91110000MA01ABCD1M", "name": "Swift Errands Co.", "registered_on": "2023-04-18"}
    feed_receive(
        call=call("market-regulation"),
        kind="platforms",
        rows=[{**platform, "status": "active"}],
        idempotency_key=f"samr-{today.isoformat()}",
        today=today,
    )
    last_year = today.year - 1
    incomes = [
        {"period": str(last_year), "source": "labour", "amount_cents": "7260000"},
        {
            "period": f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{last_year}-12",
            "source": "labour",
            "amount_cents": "655000",
        },
    ]
    feed_receive(
        call=call("tax"),
        kind="incomes",
        rows=[{"resident_id": worker.resident_id, **row} for row in incomes],
        idempotency_key=f"sta-{today.isoformat()}",
        today=today,
    )
    bank = Partner.objects.get(code="bank")
    payment_account_set(actor=ACTOR, person=worker, bank=bank, account_no="6222020200112233446")
    pensioner = (
        Award.objects.filter(claim__kind="PENSION", periodic=True)
        .order_by("claim__person__birth_date")
        .values_list("claim__person_id", flat=True)
        .first()
    )
    closed = "6222020200998877662"
    if pensioner is not None and pensioner != worker.pk:
        payment_account_set(actor=ACTOR, person=Person.objects.get(pk=pensioner), bank=bank, account_no=closed)
    payment_accounts_check(actor=ACTOR, bank=bank, verifier=LocalBank(closed=[closed]), today=today)
    other = (  # another person paid monthly gives a new account, mistyped (it should end in 4)
        Award.objects.filter(periodic=True)
        .exclude(claim__person_id__in=[worker.pk, pensioner or 0])
        .order_by("claim__person_id")
        .values_list("claim__person_id", flat=True)
        .first()
    )
    if other is not None:
        mistyped = "6222020200556677881"
        payment_account_set(actor=ACTOR, person=Person.objects.get(pk=other), bank=bank, account_no=mistyped)
