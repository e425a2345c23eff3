"""A screening run over the whole database: each rule's findings with their evidence, the counts per rule
and province stored per run, findings seen again or resolved by later runs."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from socsec.audit.models import AuditEntry
from socsec.audit.services import Actor
from socsec.contributions.models import LastOrder
from socsec.partners.accounts import passes_check_digit, payment_account_set
from socsec.partners.models import Partner, PaymentAccount
from socsec.quality.models import Finding, QualityCount, QualityRun
from socsec.quality.rules import RULES, months_before
from socsec.quality.services import quality_check_run
from socsec.registry.models import Person
from socsec.web.ledger_text import Names
from socsec.web.quality import finding_text

from .planted import ON, plant

D = dt.date
SYSTEM = Actor.system("test")


def test_months_before_keeps_the_day_or_takes_the_months_last():
    assert months_before(D(2026, 5, 1), 6) == D(2025, 11, 1)
    assert months_before(D(2026, 8, 31), 6) == D(2026, 2, 28)
    assert months_before(D(2026, 3, 15), 15) == D(2024, 12, 15)


def test_a_run_finds_each_planted_case_and_counts_them_by_rule_and_province(world):
    plant(world)
    run = quality_check_run(actor=SYSTEM, on=ON)
    found = {(f.rule, f.subject): f for f in Finding.objects.all()}
    zipper = world.rider_eng_courier.pk
    employee_ridego = world.employee.engagements.get(organisation=world.platform).pk
    employer = world.employee.engagements.get(organisation=world.employer).pk
    own = world.freelancer.own_contributions.get().pk
    assert sorted(found) == sorted(
        [
            ("engagement_no_orders", f"engagement:{zipper}"),
            ("engagement_no_orders", f"engagement:{employee_ridego}"),
            ("birth_date_not_id", f"person:{world.freelancer.pk}"),
            ("withheld_without_engagement", f"own_contribution:{own}"),
            ("engagement_after_death", f"engagement:{employer}"),
            ("engagement_after_death", f"engagement:{employee_ridego}"),
            ("award_without_contact", f"person:{world.rider.pk}"),
        ]
    )
    assert found[("engagement_no_orders", f"engagement:{zipper}")].evidence == {
        "engagement": zipper,
        "organisation": "zipper",
        "start_date": "2024-03-01",
        "last_order_on": None,
        "since": "2025-11-01",
    }
    assert found[("birth_date_not_id", f"person:{world.freelancer.pk}")].evidence == {
        "birth_date": "1972-01-02",
        "id_birth_date": "1972-01-01",
    }
    assert found[("engagement_after_death", f"engagement:{employer}")].evidence == {
        "engagement": employer,
        "organisation": "factory",
        "died_on": "2026-02-01",
    }
    counts = set(QualityCount.objects.filter(run=run).values_list("rule", "province", "count"))
    assert counts == {
        ("engagement_no_orders", "110000", 1),
        ("engagement_no_orders", "440000", 1),
        ("birth_date_not_id", "140000", 1),
        ("withheld_without_engagement", "140000", 1),
        ("engagement_after_death", "440000", 2),
        ("award_without_contact", "110000", 1),
    }
    assert run.findings == 7 and run.on == ON
    assert AuditEntry.objects.filter(action="quality.run", object_id=str(run.pk)).count() == 1


def test_a_later_run_sees_open_findings_again_and_resolves_the_fixed_ones(world):
    plant(world)
    first = quality_check_run(actor=SYSTEM, on=ON)
    LastOrder.objects.create(platform=world.courier, person_id=world.rider.pk, last_order_on=D(2026, 4, 30))
    Person.objects.filter(pk=world.freelancer.pk).update(birth_date=D(1972, 1, 1))
    second = quality_check_run(actor=SYSTEM, on=ON)
    zipper = Finding.objects.get(subject=f"engagement:{world.rider_eng_courier.pk}")
    birth = Finding.objects.get(rule="birth_date_not_id")
    assert (zipper.state, zipper.first_run_id, zipper.last_run_id) == ("RESOLVED", first.pk, first.pk)
    assert birth.state == "RESOLVED"
    assert Finding.objects.filter(state="OPEN").count() == 5
    assert Finding.objects.filter(state="OPEN", last_run=second, first_run=first).count() == 5
    assert second.findings == 5
    assert list(
        QualityCount.objects.filter(run=second, rule="engagement_no_orders").values_list("province", "count")
    ) == [("440000", 1)]
    # it comes back: open again, the same finding
    Person.objects.filter(pk=world.freelancer.pk).update(birth_date=D(1972, 1, 3))
    quality_check_run(actor=SYSTEM, on=ON)
    birth.refresh_from_db()
    assert (birth.state, birth.evidence["birth_date"]) == ("OPEN", "1972-01-03")
    assert QualityRun.objects.count() == 3


def test_a_run_on_an_earlier_day_reads_the_data_as_of_that_day(world):
    plant(world)
    run = quality_check_run(actor=SYSTEM, on=D(2025, 6, 1))
    rules = sorted(Finding.objects.values_list("rule", flat=True))
    # the employee's ridego engagement (2025-01-01) is not 6 months old, the death and the withheld
    # contribution are later; the rider's zipper engagement and the other two stand
    assert rules == ["award_without_contact", "birth_date_not_id", "engagement_no_orders"]
    assert run.findings == 3


def test_accounts_failing_their_check_digit_are_found_without_their_full_number(world):
    bank = Partner.objects.create(code="icbc", name="ICBC", kind=Partner.Kind.BANK)
    for person, number in [
        (world.rider, "6222 0202 0011 2233 446"),  # the Luhn digit: no finding
        (world.employee, "6222020200112233440"),  # 6 should end it
        (world.freelancer, "62170000100012340"),  # 7 should end it
    ]:
        payment_account_set(actor=SYSTEM, person=person, bank=bank, account_no=number)
    PaymentAccount.objects.filter(person=world.freelancer).update(status=PaymentAccount.Status.INVALID)
    run = quality_check_run(actor=SYSTEM, on=ON)
    found = {f.subject: f.evidence for f in Finding.objects.filter(rule="account_check_digit")}
    employee, freelancer = (PaymentAccount.objects.get(person=p).pk for p in (world.employee, world.freelancer))
    assert found == {
        f"payment_account:{employee}": {"bank": "icbc", "account_ends": "3440", "digits": 19, "status": "UNCHECKED"},
        f"payment_account:{freelancer}": {"bank": "icbc", "account_ends": "2340", "digits": 17, "status": "INVALID"},
    }
    assert set(QualityCount.objects.filter(run=run, rule="account_check_digit").values_list("province", "count")) == {
        ("440000", 1),
        ("140000", 1),
    }
    assert [passes_check_digit(n) for n in ("6222020200112233446", "6222020200112233440")] == [True, False]
    assert RULES["account_check_digit"].correctable == ""  # the person gives the account again


def test_a_check_digit_finding_reads_in_chinese_and_english(world):
    finding = Finding(
        rule="account_check_digit",
        evidence={"bank": "icbc", "account_ends": "3440", "digits": 19, "status": "UNCHECKED"},
    )
    with translation.override("zh-hans"):
        assert finding_text(finding, Names()) == "银行 icbc 尾号 3440 的账号（19 位，尚未核验）：最后一位不是校验位。"
    with translation.override("en"):
        assert finding_text(finding, Names()) == (
            "Account ending 3440 at bank icbc (19 digits, not checked yet): its last digit is not the check digit."
        )
