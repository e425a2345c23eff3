"""The pension transfer carried as a signed document: issued into the outbox with its ledger entries,
credited by the receiving agency, its receipt completing the transfer; refusals with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings

from socsec.interagency.envelope import envelope
from socsec.interagency.models import DocumentState, InboundDocument, OutboundDocument
from socsec.interagency.outbox import documents_deliver
from socsec.interagency.pension_transfer import KIND, transfers_send
from socsec.ledger.accounts import PENSION_TRANSFER_IN_TRANSIT
from socsec.ledger.selectors import balance, trial_balance
from socsec.transfers.models import IncomingTransfer, OutgoingTransfer
from socsec.transfers.services import transfer_request
from tests.interagency.helpers import ACTOR, PEER, InProcessTransport, register_both
from tests.transfers.test_services import TODAY, pay_year


@pytest.fixture
def issued(world):  # type: ignore[no-untyped-def]
    register_both()
    pay_year(world.rider, 2025)
    transfer = transfer_request(
        actor=ACTOR, person=world.rider, to_region="440300", receiving_agency=PEER.code, today=TODAY
    )
    report = transfers_send(actor=ACTOR, transfers=[transfer])
    assert report.refused == {}
    return transfer, report.queued[0]


def test_a_transfer_goes_to_the_peer_and_its_receipt_completes_it(issued):
    transfer, document = issued
    assert (document.kind, document.document_id, document.state) == (KIND, transfer.document_id, DocumentState.PENDING)
    transfer.refresh_from_db()
    assert transfer.status == OutgoingTransfer.Status.ISSUED
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == -(transfer.individual_account_cents + transfer.pooled_cents)
    report = documents_deliver(transport=InProcessTransport())
    assert (report.acknowledged, report.refused) == (1, 0)
    transfer.refresh_from_db()
    assert transfer.status == OutgoingTransfer.Status.COMPLETED
    assert IncomingTransfer.objects.get().status == IncomingTransfer.Status.CREDITED
    told = documents_deliver(transport=InProcessTransport())  # the word that it is complete, issued meanwhile
    assert (told.acknowledged, told.refused) == (1, 0)
    assert transfer.status == OutgoingTransfer.Status.COMPLETED
    incoming = IncomingTransfer.objects.get(document_id=transfer.document_id)
    assert incoming.status == IncomingTransfer.Status.COMPLETED
    completed = OutboundDocument.objects.get(kind="pension.transfer.completed")
    assert (completed.document_id, completed.state) == (f"{transfer.document_id}:completed", "ACKNOWLEDGED")
    assert (incoming.individual_account_cents, incoming.pooled_cents) == (12 * 64_000, 1_152_000)
    document.refresh_from_db()
    assert document.state == DocumentState.ACKNOWLEDGED
    assert document.acknowledgement["result"]["pooled_cents"] == 1_152_000
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == 0 and sum(trial_balance().values()) == 0


def test_a_transfer_for_a_person_unknown_to_the_receiver_is_refused_and_writes_nothing(issued, settings):
    _transfer, document = issued  # the only document in the outbox
    body = {**document.document, "body": {**document.document["body"]}}["body"]
    body["person"] = {**body["person"], "resident_id": "110105199003150000"}
    body["document_id"] = "unknown-person"
    signed = envelope(
        identity=settings.SOCSEC_AGENCY,
        receiver=PEER.code,
        kind=KIND,
        document_id="unknown-person",
        body=body,
        at=dt.datetime.now(dt.UTC),
    )
    other = {**body, "document_id": "forged", "sending": {**body["sending"], "agency": "ELSEWHERE"}}
    forged = {**signed, "document_id": "forged", "body": other}
    documents = [
        {"document": signed, "signature": settings.SOCSEC_AGENCY.sign(signed)},
        {"document": forged, "signature": settings.SOCSEC_AGENCY.sign(forged)},
    ]
    before = trial_balance()
    with override_settings(SOCSEC_AGENCY=PEER, SOCSEC_AGENCY_CODE=PEER.code):
        response = Client().post(
            "/api/interagency/documents", {"documents": documents}, content_type="application/json"
        )
    acks = [a["acknowledgement"] for a in response.json()["acknowledgements"]]
    assert [(a["outcome"], a["code"]) for a in acks] == [
        ("REFUSED", "transfer_unknown_person"),
        ("REFUSED", "agency_unknown_sender"),
    ]
    assert acks[0]["message"] == "document: the person is not registered at this agency."
    assert acks[1]["message"] == "The transfer names ELSEWHERE as its sending agency but was signed by DEV."
    assert trial_balance() == before
    assert not IncomingTransfer.objects.exists()
    kept = InboundDocument.objects.order_by("id").values_list("document_id", "state")
    assert list(kept) == [("unknown-person", "REFUSED"), ("forged", "REFUSED")]  # signed by DEV: kept, refused
    assert OutboundDocument.objects.get().state == DocumentState.PENDING


def test_a_receipt_naming_another_agency_is_flagged_and_the_transfer_stays_issued(issued, settings):

    transfer, document = issued
    real = InProcessTransport().post_documents(
        document.peer, [{"document": document.document, "signature": document.signature}]
    )
    ack = real[0]["acknowledgement"]
    forged = {**ack, "result": {**ack["result"], "receiving_agency": "ELSEWHERE"}}

    class Forged(InProcessTransport):
        def post_documents(self, peer, documents):  # type: ignore[no-untyped-def]
            return [{"acknowledgement": forged, "signature": PEER.sign(forged)}]

    report = documents_deliver(transport=Forged())
    assert (report.acknowledged, report.flagged) == (0, 1)
    document.refresh_from_db()
    transfer.refresh_from_db()
    assert (document.state, transfer.status) == (DocumentState.FLAGGED, OutgoingTransfer.Status.ISSUED)
    assert document.last_error == (
        f"agency_receipt_mismatch: The receipt names document {transfer.document_id} of agency ELSEWHERE; "
        f"it answers {transfer.document_id} sent to PEER."
    )
    assert not OutboundDocument.objects.filter(kind="pension.transfer.completed").exists()
