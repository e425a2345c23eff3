"""The work-injury payer revisited when the month's results come in: an injury decided before its month's
results goes to the employer; paid on time, the fund takes the award over and reimburses the employer what
it carried; paid late, the fund pays only what arises after the payment (Art. 62, third paragraph); the
claim's history, the audit log and the ledger say so, and nothing already paid is rewritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from socsec.audit.models import AuditEntry
from socsec.benefits.assessment import parse_assessment
from socsec.benefits.decisions import claim_approve, claim_assess, claim_decide
from socsec.benefits.intake import claim_submit
from socsec.benefits.models import Award, BenefitPayment, Claim
from socsec.benefits.payments import pay_month
from socsec.ledger.models import LedgerEntry, LedgerTransaction
from socsec.ledger.selectors import balance
from socsec.taxexchange.receipts import receipts_fetch
from tests.benefits.test_awards_and_payments import officer
from tests.world import SYSTEM, World

from .helpers import exchange, fetch, lines, months, send
from .test_consequences import _hired

INJURED = dt.date(2025, 1, 20)
NOW = dt.datetime(2025, 3, 10, 4, tzinfo=dt.UTC)  # the day the results and receipts are fetched
ASSESSMENT = {"outcome": "DISABILITY", "grade": 3, "average_wage_12m_cents": 800_000, "medical_costs_cents": 1_234_500}


@pytest.fixture
def injured(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Claim:
    """An employee of the factory since 2024 (every month of 2024 paid), injured on 2025-01-20 and awarded
    on 2025-01-25, before January's results: the fund's amounts went to the employer."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    person, job = _hired(world, 61, dt.date(2024, 1, 1), None)  # type: ignore[arg-type]
    paid = exchange(tmp_path / "before")
    for month in months("2024-01", 12):
        send(month, lines(world.employer.pk, person.pk, month), paid)
    fetch(paid)
    claim = claim_submit(actor=SYSTEM, person=person, kind="WORK_INJURY", event_date=INJURED, engagement=job,
                         today=INJURED)  # fmt: skip
    claim = claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")
    claim = claim_assess(actor=officer(world), claim=claim, expected_version=claim.version,
                         assessment=parse_assessment(claim.kind, ASSESSMENT), today=dt.date(2025, 1, 25))  # fmt: skip
    claim = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version,
                          today=dt.date(2025, 1, 25))  # fmt: skip
    assert sorted(claim.awards.values_list("item", "payer", "status")) == [
        ("injury_medical_costs", "EMPLOYER", "ACTIVE"),
        ("work_injury_disability_allowance_monthly", "EMPLOYER", "ACTIVE"),
        ("work_injury_disability_grant", "EMPLOYER", "ACTIVE"),
    ]
    return claim


def _amount(claim: Claim, item: str) -> int:
    return claim.awards.filter(item=item).order_by("id").first().amount_cents  # type: ignore[union-attr]


def test_paid_on_time_the_fund_takes_the_award_over_and_reimburses_the_employer(
    world: World, injured: Claim, tmp_path: Path
) -> None:
    person = injured.person
    allowance = _amount(injured, "work_injury_disability_allowance_monthly")
    grant = _amount(injured, "work_injury_disability_grant")
    ex = exchange(tmp_path / "january")
    send("2025-01", lines(world.employer.pk, person.pk, "2025-01"), ex)
    fetch(ex)  # January paid on 2025-02-15, its due day
    awards = list(injured.awards.order_by("id").values_list("item", "payer", "status", "start_month", "end_month"))
    assert sorted(awards) == [
        ("injury_medical_costs", "EMPLOYER", "SUPERSEDED", "2025-01", ""),
        ("work_injury_disability_allowance_monthly", "EMPLOYER", "SUPERSEDED", "2025-01", "2025-02"),
        ("work_injury_disability_allowance_monthly", "FUND", "ACTIVE", "2025-03", ""),
        ("work_injury_disability_grant", "EMPLOYER", "SUPERSEDED", "2025-01", ""),
    ]
    new = injured.awards.get(status="ACTIVE")
    assert new.explanation["payer"] | {"reference": ""} == {
        "month": "2025-01",
        "contribution_paid": True,
        "paid_on": "2025-02-15",
        "paid_late": False,
        "payer_from": "2025-03",
        "reference": "",
        "revisited": True,
        "payer": "FUND",
    }
    # what the employer carried (the lump sums and January-February's allowance) the fund reimburses
    carried = grant + 1_234_500 + 2 * allowance
    assert balance("payable:organisation:factory") == -carried
    settled = LedgerEntry.objects.filter(
        transaction__source__startswith="injury-payer:", account__code__startswith="fund:"
    )
    assert sorted(settled.values_list("account__code", "amount_cents")) == sorted(
        [("fund:WORK_INJURY:440000", c) for c in (grant, 1_234_500, 2 * allowance)]
    )
    assert sorted(e.note for e in injured.events.filter(note__contains="contribution for")) == [
        "injury_medical_costs: the employer's work-injury contribution for 2025-01 is paid (2025-02-15); the fund "
        "pays from now on and reimburses the employer 1234500 cents it carried",
        f"work_injury_disability_allowance_monthly: the employer's work-injury contribution for 2025-01 is paid "
        f"(2025-02-15); the fund pays from now on and reimburses the employer {2 * allowance} cents it carried",
        f"work_injury_disability_grant: the employer's work-injury contribution for 2025-01 is paid (2025-02-15); the "
        f"fund pays from now on and reimburses the employer {grant} cents it carried",
    ]
    assert AuditEntry.objects.filter(action="benefits.award_payer_revisit").count() == 4  # three changed, one new
    # the fund pays from March only: nothing already carried is paid twice
    pay_month(actor=SYSTEM, month="2025-03", today=dt.date(2025, 4, 2))
    assert list(BenefitPayment.objects.values_list("award__item", "month", "amount_cents")) == [
        ("work_injury_disability_allowance_monthly", "2025-03", allowance)
    ]
    # the same results again change nothing
    before = (LedgerTransaction.objects.count(), Award.objects.count())
    fetch(ex)
    assert (LedgerTransaction.objects.count(), Award.objects.count()) == before


def test_paid_late_the_fund_pays_only_what_arises_after_the_payment(
    world: World, injured: Claim, tmp_path: Path
) -> None:
    person = injured.person
    ex = exchange(tmp_path / "january", unpaid_persons=frozenset({person.pk}))
    send("2025-01", lines(world.employer.pk, person.pk, "2025-01"), ex)
    fetch(ex)  # January unpaid: the employer stays the payer
    assert set(injured.awards.values_list("payer", flat=True)) == {"EMPLOYER"}
    ex.pay_late(document_id="SSX-factory-2025-01-1", receipt_id="R-1", paid_on=dt.date(2025, 3, 5), person_id=person.pk)
    assert receipts_fetch(actor=SYSTEM, exchange=ex).receipts == 1
    awards = list(injured.awards.values_list("item", "payer", "status", "start_month", "end_month"))
    assert sorted(awards) == [
        ("injury_medical_costs", "EMPLOYER", "ACTIVE", "2025-01", ""),  # arose before the payment: the employer's
        ("work_injury_disability_allowance_monthly", "EMPLOYER", "SUPERSEDED", "2025-01", "2025-03"),
        ("work_injury_disability_allowance_monthly", "FUND", "ACTIVE", "2025-04", ""),
        ("work_injury_disability_grant", "EMPLOYER", "ACTIVE", "2025-01", ""),
    ]
    note = injured.awards.get(payer="FUND").explanation["payer"]
    assert (note["paid_on"], note["paid_late"], note["payer_from"]) == ("2025-03-05", True, "2025-04")
    assert note["reference"].startswith("Regulations on Work-Related Injury Insurance Art. 62, third paragraph")
    assert not LedgerTransaction.objects.filter(source__startswith="injury-payer:").exists()  # nothing carried


def test_a_month_no_longer_paid_recovers_from_the_employer_what_the_fund_paid(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    person = world.employee  # at the factory since 2015; January 2025 paid when the award was made
    job = person.engagements.get(organisation=world.employer)
    send("2025-01", lines(world.employer.pk, person.pk, "2025-01"), exchange(tmp_path / "paid"))
    fetch(exchange(tmp_path / "paid"))
    claim = claim_submit(actor=SYSTEM, person=person, kind="WORK_INJURY", event_date=INJURED, engagement=job,
                         today=INJURED)  # fmt: skip
    claim = claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")
    assessment = parse_assessment(claim.kind, {"outcome": "DISABILITY", "grade": 3, "average_wage_12m_cents": 800_000})
    claim = claim_assess(actor=officer(world), claim=claim, expected_version=claim.version, assessment=assessment,
                         today=dt.date(2025, 1, 25))  # fmt: skip
    claim = claim_approve(actor=officer(world, "supervisor"), claim=claim, expected_version=claim.version,
                          today=dt.date(2025, 1, 25))  # fmt: skip
    assert set(claim.awards.values_list("payer", flat=True)) == {"FUND"}
    pay_month(actor=SYSTEM, month="2025-02", today=dt.date(2025, 3, 2))  # the grant, January and February
    paid = sum(BenefitPayment.objects.values_list("amount_cents", flat=True))
    # a corrected document for January: the tax authority collected nothing of it
    unpaid = exchange(tmp_path / "corrected", unpaid_persons=frozenset({person.pk}))
    send("2025-01", lines(world.employer.pk, person.pk, "2025-01", base=900_000), unpaid)
    fetch(unpaid)
    allowance = claim.awards.filter(item="work_injury_disability_allowance_monthly")
    assert sorted(allowance.values_list("payer", "status", "start_month", "end_month")) == [
        ("EMPLOYER", "ACTIVE", "2025-03", ""),
        ("FUND", "SUPERSEDED", "2025-01", "2025-02"),
    ]
    assert balance("receivable:organisation:factory") == paid
    assert (
        claim.events.order_by("id")
        .last()
        .note.endswith(  # type: ignore[union-attr]
            "pays from now on and "
            + f"{paid - _amount(claim, 'work_injury_disability_grant')} cents the fund paid are "
            "recovered from it"
        )
    )


def test_a_proposed_award_changes_payer_and_settles_nothing(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    """Assessed, not approved yet, when January's results come in paid on time: the proposed awards go to the
    fund, and no reimbursement is posted (nobody has paid anything on them)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    person, job = _hired(world, 62, dt.date(2024, 1, 1), None)  # type: ignore[arg-type]
    paid = exchange(tmp_path / "before")
    for month in months("2024-01", 12):
        send(month, lines(world.employer.pk, person.pk, month), paid)
    fetch(paid)
    claim = claim_submit(actor=SYSTEM, person=person, kind="WORK_INJURY", event_date=INJURED, engagement=job,
                         today=INJURED)  # fmt: skip
    claim = claim_decide(actor=officer(world), claim=claim, expected_version=claim.version, accept=True, reason="ok")
    claim = claim_assess(actor=officer(world), claim=claim, expected_version=claim.version,
                         assessment=parse_assessment(claim.kind, ASSESSMENT), today=dt.date(2025, 1, 25))  # fmt: skip
    assert set(claim.awards.values_list("payer", "status")) == {("EMPLOYER", "PROPOSED")}
    ex = exchange(tmp_path / "january")
    send("2025-01", lines(world.employer.pk, person.pk, "2025-01"), ex)
    fetch(ex)
    assert set(claim.awards.values_list("payer", "status")) == {("FUND", "PROPOSED")}
    assert not LedgerTransaction.objects.filter(source__startswith="injury-payer:").exists()
