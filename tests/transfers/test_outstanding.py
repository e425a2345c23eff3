"""The sending side refuses a transfer while money or a decision is outstanding, with the reason, and
writes nothing; a request checked before is refused at issue when something came up meanwhile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socsec.benefits.intake import claim_submit
from socsec.core.errors import Conflict, NotFound
from socsec.registry.models import Person
from socsec.taxexchange.models import CollectionResult, Handover
from socsec.transfers.errors import TransferErrorCode
from socsec.transfers.models import OutgoingTransfer
from socsec.transfers.services import transfer_issue, transfer_request
from tests.conftest import table_counts
from tests.transfers.test_services import TODAY, pay_year
from tests.world import SYSTEM


def unpaid_month(world, person, month: str = "2026-01") -> None:
    """The tax authority's answer that the employer's contributions of a month were not paid."""
    handover = Handover.objects.create(
        document_id=f"doc-{month}",
        employer=world.employer,
        month=month,
        sequence=1,
        checksum="0" * 64,
        line_count=1,
        due_cents=100_000,
    )
    CollectionResult.objects.create(
        employer=world.employer,
        person=person,
        month=month,
        scheme="PENSION",
        handover=handover,
        status=CollectionResult.Status.UNPAID,
        employer_cents=80_000,
        employee_cents=20_000,
        paid_cents=0,
        received_at=timezone.now(),
    )


def refused(person, code: TransferErrorCode, exc: type[Exception] = Conflict) -> str:
    before = table_counts()
    with pytest.raises(exc) as caught:
        transfer_request(actor=SYSTEM, person=person, to_region="440300", today=TODAY)
    assert caught.value.code == code
    assert table_counts() == before
    return str(caught.value)


def test_arrears_on_the_record(world):
    pay_year(world.rider, 2025)
    unpaid_month(world, world.rider)
    assert refused(world.rider, TransferErrorCode.ARREARS) == (
        "contributions for 2026-01 are unpaid on the record; the transfer waits until they are paid."
    )


def test_an_open_pension_claim(world):
    pay_year(world.rider, 2025)
    claim = claim_submit(actor=SYSTEM, person=world.rider, kind="PENSION", event_date=TODAY, today=TODAY)
    assert refused(world.rider, TransferErrorCode.OPEN_CLAIM) == (
        f"claim {claim.pk} is being decided; the transfer waits for its decision."
    )


def test_an_unknown_person(world):
    ghost = Person(pk=42, birth_date=dt.date(1990, 1, 1), sex="M", retirement_group="MEN_60")
    refused(ghost, TransferErrorCode.UNKNOWN_PERSON, NotFound)


def test_money_outstanding_at_issue_refuses_the_checked_transfer(world):
    pay_year(world.rider, 2025)
    transfer = transfer_request(actor=SYSTEM, person=world.rider, to_region="440300", today=TODAY)
    unpaid_month(world, world.rider)
    with pytest.raises(Conflict, match="unpaid"):
        transfer_issue(actor=SYSTEM, transfer=transfer, today=TODAY)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_code, transfer.ledger_transaction_id) == (
        OutgoingTransfer.Status.REFUSED,
        TransferErrorCode.ARREARS,
        None,
    )
    assert [s["status"] for s in transfer.steps] == ["REQUESTED", "CHECKED", "REFUSED"]


def test_a_pension_in_payment(world):
    from socsec.benefits.models import Award, Claim

    pay_year(world.rider, 2025)
    claim = claim_submit(actor=SYSTEM, person=world.rider, kind="PENSION", event_date=TODAY, today=TODAY)
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.PAID)  # decided and paid, as a payment run leaves it
    Award.objects.create(
        claim=claim,
        item="pension_monthly",
        label="pension",
        payer=Award.Payer.FUND,
        periodic=True,
        amount_cents=300_000,
        start_month="2026-03",
        explanation={},
    )
    assert (
        refused(world.rider, TransferErrorCode.PENSION_IN_PAYMENT) == "a pension is paid; the relation no longer moves."
    )
