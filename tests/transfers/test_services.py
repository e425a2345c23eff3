"""The pension relation moved between two provinces of one deployment: request, check, issue, credit,
complete; the ledgers balanced; refusals that write nothing; a document applied twice credited once."""

from __future__ import annotations

import datetime as dt

import pytest

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
    transfer_request,
)
from tests.world import SYSTEM

BASE = 800_000  # 8,000.00 yuan a month, inside Beijing's 60%-300% of the average wage
TODAY = dt.date(2026, 3, 10)


def pay_year(person, year: int) -> None:
    own_contribution_pay(
        actor=SYSTEM,
        person=person,
        scheme="EMPLOYEE_PENSION",
        period_start=dt.date(year, 1, 1),
        months=12,
        declared_base_cents=BASE,
        today=dt.date(year, 1, 10),
    )


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
    assert list(done.steps) == ["REQUESTED", "CHECKED", "ISSUED", "COMPLETED"]
    incoming = IncomingTransfer.objects.get(document_id=done.document_id)
    assert incoming.status == IncomingTransfer.Status.CREDITED
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
    with pytest.raises(Conflict) as refused:
        transfer_request(actor=SYSTEM, person=world.freelancer, to_region="440300", today=TODAY)
    assert refused.value.code == TransferErrorCode.TEMPORARY_ACCOUNT
    assert not OutgoingTransfer.objects.exists()


def test_document_round_trip(paid):
    transfer = transfer_request(actor=SYSTEM, person=paid.rider, to_region="440300", today=TODAY)
    document = transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)
    assert TransferDocument.from_json(document.as_json()) == document
    assert document.person.registered_residence == "110100"
    assert document.receiving.province == "440000" and document.sending.province == "110000"
