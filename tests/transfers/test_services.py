"""The pension relation moved between two provinces of one deployment: request, check, issue, credit,
complete; the ledgers balanced; refusals that write nothing; a document applied twice credited once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socsec.contributions.own.payments import own_contribution_pay
from socsec.core.errors import Conflict, NotFound, ValidationFailed
from socsec.ledger.accounts import PENSION_TRANSFER_IN_TRANSIT, fund
from socsec.ledger.selectors import balance, individual_account_balance, trial_balance
from socsec.transfers.documents import TransferDocument
from socsec.transfers.errors import TransferErrorCode
from socsec.transfers.models import IncomingTransfer, OutgoingTransfer, TransferredPeriod
from socsec.transfers.services import (
    transfer_deliver_locally,
    transfer_document_apply,
    transfer_issue,
    transfer_refused_by_receiver,
    transfer_request,
)
from tests.world import SYSTEM

BASE = 800_000  # 8,000.00 yuan a month, inside Beijing's 60%-300% of the average wage
TODAY = dt.date(2026, 3, 10)


def pay_year(person, year: int, base: int = BASE) -> None:
    """A year of the employee pension paid at once in January, on a monthly base (cents)."""
    own_contribution_pay(
        actor=SYSTEM,
        person=person,
        scheme="EMPLOYEE_PENSION",
        period_start=dt.date(year, 1, 1),
        months=12,
        declared_base_cents=base,
        today=dt.date(year, 1, 10),
    )


def pay_medical(person, first: dt.date, months: int, *, paid_on: dt.date | None = None) -> None:
    """Months of the employee medical insurance paid at once (on the 10th of the first, unless told)."""
    own_contribution_pay(
        actor=SYSTEM,
        person=person,
        scheme="MEDICAL",
        period_start=first,
        months=months,
        declared_base_cents=BASE,
        today=paid_on or first + dt.timedelta(days=9),
    )


def move(person, to_region: str, on: dt.date) -> IncomingTransfer:
    """The relation moved to ``to_region`` within the deployment on ``on``, and received that day."""
    transfer = transfer_request(actor=SYSTEM, person=person, to_region=to_region, today=on)
    done = transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=on)
    incoming = IncomingTransfer.objects.get(document_id=done.document_id)
    received = timezone.make_aware(dt.datetime.combine(on, dt.time(10)))
    IncomingTransfer.objects.filter(pk=incoming.pk).update(received_at=received)
    incoming.refresh_from_db()
    return incoming


@pytest.fixture
def paid(world):
    pay_year(world.rider, 2025)
    return world


def test_a_rider_moves_from_beijing_to_shenzhen(paid):
    rider = paid.rider
    account = individual_account_balance(rider.pk)
    transfer = transfer_request(actor=SYSTEM, person=rider, to_region="440300", today=TODAY)
    assert transfer.status == OutgoingTransfer.Status.CHECKED
    assert transfer.from_region.code == "110100"
    assert transfer.months == {"PENSION": 12, "UNEMPLOYMENT": 0, "MEDICAL": 0}
    # 12% of 12 x 8,000.00 = 11,520.00 yuan
    assert transfer.pooled_cents == 1_152_000
    assert transfer.individual_account_cents == account == 12 * 64_000
    assert transfer.explanation["claim_place"]["value"] == 4  # no place with 10 years: the residence

    done = transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=TODAY)
    assert done.status == OutgoingTransfer.Status.COMPLETED
    assert [s["status"] for s in done.steps] == ["REQUESTED", "CHECKED", "ISSUED", "COMPLETED"]
    assert done.completed_at is not None and done.steps[-1]["at"] == done.completed_at.isoformat()
    incoming = IncomingTransfer.objects.get(document_id=done.document_id)
    assert incoming.status == IncomingTransfer.Status.COMPLETED
    assert [s["status"] for s in incoming.steps] == ["RECEIVED", "CREDITED", "COMPLETED"]
    assert incoming.months == {"PENSION": 12, "UNEMPLOYMENT": 0, "MEDICAL": 0}
    assert individual_account_balance(rider.pk) == account
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == 0
    assert balance(fund("EMPLOYEE_PENSION", "440000")) == -1_152_000
    assert sum(trial_balance().values()) == 0
    assert list(
        TransferredPeriod.objects.values_list("scheme", "region", "first_month", "last_month", "monthly_base_cents")
    ) == [("PENSION", "110100", 2025 * 12, 2025 * 12 + 11, BASE)]


def test_a_document_applied_twice_is_credited_once(paid):
    transfer = transfer_request(actor=SYSTEM, person=paid.rider, to_region="440300", today=TODAY)
    document = transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)
    data = document.as_json()
    first = transfer_document_apply(actor=SYSTEM, document=data)
    again = transfer_document_apply(actor=SYSTEM, document=data)
    assert first == again
    assert IncomingTransfer.objects.count() == 1
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == 0
    changed = {**data, "pooled_cents": data["pooled_cents"] + 1}
    with pytest.raises(Conflict) as refused:
        transfer_document_apply(actor=SYSTEM, document=changed)
    assert refused.value.code == TransferErrorCode.DUPLICATE_DOCUMENT
    assert transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY) == document  # issued once


def test_a_document_whose_years_do_not_follow_from_its_periods_is_refused(paid):
    transfer = transfer_request(actor=SYSTEM, person=paid.rider, to_region="440300", today=TODAY)
    data = transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY).as_json()
    data["years"][0]["pooled_cents"] += 100
    data["pooled_cents"] += 100
    with pytest.raises(ValidationFailed, match="do not follow"):
        transfer_document_apply(actor=SYSTEM, document=data)
    assert not IncomingTransfer.objects.exists()


def test_unknown_person_on_the_receiving_side_writes_nothing(paid):
    transfer = transfer_request(actor=SYSTEM, person=paid.rider, to_region="440300", today=TODAY)
    data = transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY).as_json()
    data = {**data, "document_id": "another", "person": {**data["person"], "resident_id": "110105199003150000"}}
    before = trial_balance()
    with pytest.raises(NotFound) as refused:
        transfer_document_apply(actor=SYSTEM, document=data)
    assert refused.value.code == TransferErrorCode.UNKNOWN_PERSON
    assert not IncomingTransfer.objects.exists() and trial_balance() == before


def test_a_bad_version_is_refused(paid):
    with pytest.raises(ValidationFailed, match="version"):
        transfer_document_apply(actor=SYSTEM, document={"format": "socsec.pension-transfer", "version": 9})


def test_the_same_province_is_refused(paid):
    with pytest.raises(Conflict) as refused:
        transfer_request(actor=SYSTEM, person=paid.rider, to_region="110100", today=TODAY)
    assert refused.value.code == TransferErrorCode.SAME_PROVINCE
    assert not OutgoingTransfer.objects.exists()


def test_a_man_of_54_moving_away_from_home_gets_a_temporary_account(world):
    from socsec.transfers.models import TemporaryAccount
    from socsec.transfers.services import transfer_deliver_locally

    before = trial_balance()
    transfer = transfer_request(actor=SYSTEM, person=world.freelancer, to_region="440300", today=TODAY)
    assert (transfer.status, transfer.individual_account_cents, transfer.pooled_cents) == ("CHECKED", 0, 0)
    assert transfer.explanation["temporary_account"]["value"] is True
    assert (
        transfer.explanation["temporary_account"]["reference"] == "Guo Ban Fa [2009] No. 66, Interim Measures Art. 5(2)"
    )
    kept_at = world.freelancer.residence_region.code
    assert transfer.explanation["relation_kept_at"] == kept_at
    assert transfer.explanation["claim_place"]["value"] == 1  # the relation stays at the registered residence
    assert transfer.explanation["claim_place"]["province"] == kept_at[:2] + "0000"
    done = transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=TODAY)
    assert done.status == "COMPLETED"
    incoming = IncomingTransfer.objects.get(document_id=transfer.document_id)
    assert (incoming.status, incoming.individual_account_cents, incoming.pooled_cents) == ("COMPLETED", 0, 0)
    assert not incoming.periods.exists() and incoming.ledger_transaction_id is None
    account = TemporaryAccount.objects.get()
    assert (account.person_id, account.region.code, account.relation_region) == (
        world.freelancer.pk,
        "440300",
        kept_at,
    )
    assert account.explanation["temporary_account"]["value"] is True
    assert account.explanation["claim_place"]["province"] == kept_at[:2] + "0000"
    assert trial_balance() == before  # nothing moved
    from socsec.transfers.outstanding import relation_region

    assert relation_region(world.freelancer, TODAY) == kept_at  # the relation did not move with him


def test_a_temporary_account_asked_for_a_person_the_rule_does_not_cover_is_refused(paid):
    from socsec.transfers.models import TemporaryAccount
    from socsec.transfers.services import transfer_document_apply

    transfer = transfer_request(actor=SYSTEM, person=paid.rider, to_region="440300", today=TODAY)
    data = transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY).as_json()
    forged = {
        **data,
        "document_id": "forged-temporary",
        "periods": [],
        "years": [],
        "individual_account_cents": 0,
        "pooled_cents": 0,
        "explanation": {**data["explanation"], "temporary_account": {"value": True}},
    }
    with pytest.raises(ValidationFailed) as refused:
        transfer_document_apply(actor=SYSTEM, document=forged)
    assert refused.value.code == TransferErrorCode.BAD_DOCUMENT
    assert refused.value.message.startswith("document: it asks for a temporary account, but the rule sets none up")
    assert not TemporaryAccount.objects.exists()


def test_document_round_trip(paid):
    transfer = transfer_request(actor=SYSTEM, person=paid.rider, to_region="440300", today=TODAY)
    document = transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)
    assert TransferDocument.from_json(document.as_json()) == document
    assert document.person.registered_residence == "110100"
    assert document.receiving.province == "440000" and document.sending.province == "110000"


def test_conversion_both_ways_from_the_record(world):
    from socsec.transfers.conversion import conversion_preview

    freelancer = world.freelancer
    for year in (2024, 2025):
        own_contribution_pay(
            actor=SYSTEM,
            person=freelancer,
            scheme="RESIDENT_PENSION",
            period_start=dt.date(year, 1, 1),
            months=12,
            tier="500",
            today=dt.date(year, 1, 10),
        )
    pay_year(freelancer, 2025, 600_000)
    to_resident = conversion_preview(person=freelancer, direction="TO_RESIDENT", on=TODAY, at_retirement_age=True)
    assert (to_resident.employee_months, to_resident.resident_months, to_resident.overlap_months) == (12, 24, 12)
    assert to_resident.check["value"] == 2  # under 15 employee years: towards the residents' pension
    assert to_resident.counted_months["value"] == 24  # 12 + 24, the 12 paid to both once
    assert to_resident.moved["value"] == 12 * 48_000  # the whole employee account: 8% of 6,000.00 x 12
    to_employee = conversion_preview(person=freelancer, direction="TO_EMPLOYEE", on=TODAY, at_retirement_age=True)
    assert to_employee.check["value"] == 4  # refused: under 15 years of employee pension
    assert to_employee.counted_months["value"] == 12
    resident_money = to_employee.moved["inputs"]["resident_account"]
    assert to_employee.moved["value"] == resident_money - resident_money * 12 // 24  # 2025 refunded


def test_a_delivery_stopped_after_the_issue_is_finished_by_running_it_again(paid):
    from socsec.ledger.models import LedgerTransaction

    transfer = transfer_request(actor=SYSTEM, person=paid.rider, to_region="440300", today=TODAY)
    transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)  # stopped here: the money is in transit
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == -(1_152_000 + 12 * 64_000)
    done = transfer_deliver_locally(actor=SYSTEM, transfer=transfer, today=TODAY)
    again = transfer_deliver_locally(actor=SYSTEM, transfer=done, today=TODAY)
    assert (done.status, again.status) == ("COMPLETED", "COMPLETED")
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == 0
    assert LedgerTransaction.objects.filter(source__startswith="transfer-").count() == 2


def test_a_document_the_receiver_refuses_returns_the_amounts_once(paid):
    rider = paid.rider
    account = individual_account_balance(rider.pk)
    pooled_before = balance(fund("EMPLOYEE_PENSION", "110000"))
    transfer = transfer_request(actor=SYSTEM, person=rider, to_region="440300", today=TODAY)
    transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == -(account + 1_152_000)  # out of the fund and the account
    assert individual_account_balance(rider.pk) == 0
    refused = transfer_refused_by_receiver(
        actor=SYSTEM, document_id=transfer.document_id, code="transfer_unknown_person", reason="no such person here"
    )
    assert (refused.status, refused.refusal_code, refused.refusal_reason) == (
        OutgoingTransfer.Status.REFUSED,
        "transfer_unknown_person",
        "no such person here",
    )
    assert [s["status"] for s in refused.steps] == ["REQUESTED", "CHECKED", "ISSUED", "REFUSED"]
    # back where they were: the account, the Beijing pooled fund, nothing in transit
    assert individual_account_balance(rider.pk) == account
    assert balance(fund("EMPLOYEE_PENSION", "110000")) == pooled_before
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == 0
    assert sum(trial_balance().values()) == 0
    again = transfer_refused_by_receiver(actor=SYSTEM, document_id=transfer.document_id, code="x", reason="y")
    assert again.refusal_code == "transfer_unknown_person" and balance(PENSION_TRANSFER_IN_TRANSIT) == 0
    with pytest.raises(NotFound):
        transfer_refused_by_receiver(actor=SYSTEM, document_id="no-such-document", code="x", reason="y")


def test_the_amounts_are_worked_out_again_at_the_issue(paid):
    """A contribution paid between the request and the issue moves with the rest: nothing stays behind."""
    rider = paid.rider
    transfer = transfer_request(actor=SYSTEM, person=rider, to_region="440300", today=TODAY)
    assert (transfer.individual_account_cents, transfer.pooled_cents) == (12 * 64_000, 1_152_000)
    own_contribution_pay(
        actor=SYSTEM,
        person=rider,
        scheme="EMPLOYEE_PENSION",
        period_start=dt.date(2026, 3, 1),
        months=1,
        declared_base_cents=BASE,
        today=TODAY,
    )
    transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)
    transfer.refresh_from_db()
    assert transfer.individual_account_cents == 13 * 64_000
    assert transfer.pooled_cents == 1_152_000 + 96_000  # 12% of one more month of 8,000.00
    assert transfer.months["PENSION"] == 13
    assert individual_account_balance(rider.pk) == 0  # all of it moved into transit
