"""The pension transfer carried as a signed document: issued into the outbox with its ledger entries,
credited by the receiving agency, its receipt completing the transfer; refusals with the reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings

from socsec.interagency.envelope import Answer, acknowledgement, envelope, refusal_answer
from socsec.interagency.models import DocumentState, InboundDocument, OutboundDocument
from socsec.interagency.outbox import DeliveryReport, documents_deliver
from socsec.interagency.pension_transfer import KIND
from socsec.ledger.accounts import PENSION_TRANSFER_IN_TRANSIT
from socsec.ledger.selectors import balance, trial_balance
from socsec.transfers.models import IncomingTransfer, OutgoingTransfer
from tests.interagency.helpers import ACTOR, PEER, InProcessTransport, register_both
from tests.transfers.test_pages import client_for


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


def deliver_a_receipt_naming_another_agency(document: OutboundDocument) -> DeliveryReport:
    """The peer's real answer to ``document`` with its receipt naming another agency, signed by the peer."""
    real = InProcessTransport().post_documents(
        document.peer, [{"document": document.document, "signature": document.signature}]
    )
    ack = real[0]["acknowledgement"]
    forged = {**ack, "result": {**ack["result"], "receiving_agency": "ELSEWHERE"}}

    class Forged(InProcessTransport):
        def post_documents(self, peer, documents):  # type: ignore[no-untyped-def]
            return [{"acknowledgement": forged, "signature": PEER.sign(forged)}]

    return documents_deliver(transport=Forged())


def test_a_receipt_naming_another_agency_is_flagged_and_the_transfer_stays_issued(issued, settings):

    transfer, document = issued
    report = deliver_a_receipt_naming_another_agency(document)
    assert (report.acknowledged, report.flagged) == (0, 1)
    document.refresh_from_db()
    transfer.refresh_from_db()
    assert (document.state, transfer.status) == (DocumentState.FLAGGED, OutgoingTransfer.Status.ISSUED)
    assert document.last_error == (
        f"agency_receipt_mismatch: The receipt names document {transfer.document_id} of agency ELSEWHERE; "
        f"it answers {transfer.document_id} sent to PEER."
    )
    assert not OutboundDocument.objects.filter(kind="pension.transfer.completed").exists()


class RefusingTransport(InProcessTransport):
    """The peer answers every document with ``answer`` (a refusal, or what cannot be used), signed with its
    key, applying nothing."""

    def __init__(self, answer: Answer) -> None:
        super().__init__()
        self.answer = answer

    def post_documents(self, peer, documents):  # type: ignore[no-untyped-def]
        at = dt.datetime.now(dt.UTC)
        return [acknowledgement(identity=PEER, document=d["document"], answer=self.answer, at=at) for d in documents]


ARREARS = "contributions for %(month)s are unpaid on the record; the transfer waits until they are paid."


@pytest.mark.parametrize(
    ("template", "params", "chinese"),
    [
        (ARREARS, {"month": "2026-01"}, "2026-01 的社保费尚未缴清；缴清后才能办理转移。"),
        # another agency's software, in words this catalogue does not hold: its English, marked as English
        ("Refused by our own rule %(rule)s.", {"rule": 9}, '<span lang="en">Refused by our own rule 9.</span>'),
        ("", {}, '<span lang="en">No reason in a template.</span>'),
    ],
)
def test_a_peers_refusal_reads_in_the_workers_language(issued, world, template, params, chinese):
    transfer, _document = issued
    english = template % params if template else "No reason in a template."
    answer = refusal_answer("transfer_arrears", english, template, params)
    report = documents_deliver(transport=RefusingTransport(answer))
    assert (report.acknowledged, report.refused) == (0, 1)
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_code, transfer.refusal_reason) == ("REFUSED", "transfer_arrears", english)
    assert (transfer.refusal_template, transfer.refusal_params) == (template, params)
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == 0  # the money back from transit
    zh = client_for(world, "worker").get("/me/transfers/").content.decode()
    assert chinese in zh
    en = client_for(world, "worker", "en").get("/me/transfers/").content.decode()
    assert english in en and "lang=" not in en.split(english)[0][-20:]


def test_a_refusal_through_the_endpoint_keeps_its_signature_and_reads_in_chinese(issued, world):
    """The peer (the real endpoint) no longer knows this agency: its signed refusal carries the template and
    values, verifies here, refuses the transfer and returns the money; the worker reads it in Chinese."""
    from socsec.interagency.models import Peer

    transfer, document = issued
    Peer.objects.filter(code="DEV").update(active=False)  # this agency, as the peer's register holds it
    report = documents_deliver(transport=InProcessTransport())
    assert (report.acknowledged, report.refused, report.retried) == (0, 1, 0)
    document.refresh_from_db()
    assert (document.state, document.acknowledgement["params"]) == ("REFUSED", {"sender": "DEV"})
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_code) == ("REFUSED", "agency_unknown_sender")
    assert transfer.refusal_reason == "The sender DEV is not a registered agency here."
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == 0
    zh = client_for(world, "worker").get("/me/transfers/").content.decode()
    assert "发送方 DEV 不是本机构登记的经办机构。" in zh and "registered agency" not in zh
    officer = client_for(world, "officer").get("/officer/transfers/?status=REFUSED").content.decode()
    assert "发送方 DEV 不是本机构登记的经办机构。" in officer


def test_an_officer_withdraws_a_flagged_transfer_and_its_money_returns(issued, world, settings):
    """A document flagged after answers that could not be used: an officer, having settled it with the
    receiving agency, withdraws it with a note; the transfer is refused with that note, the money leaves
    transit, the document is never sent again, and the worker reads why in Chinese."""
    from socsec.audit.models import AuditEntry
    from socsec.core.errors import Conflict, ValidationFailed
    from socsec.interagency.outbox import document_withdraw

    transfer, document = issued
    officer = ACTOR
    with pytest.raises(Conflict) as pending:  # not flagged yet
        document_withdraw(actor=officer, document_id=document.document_id, note="confirmed by phone")
    assert pending.value.code == "agency_document_not_withdrawable"
    # the peer answers with what cannot be used (a code no agency sends), applying nothing: flagged at once
    settings.SOCSEC_INTERAGENCY = {**settings.SOCSEC_INTERAGENCY, "flag_after_attempts": 1}
    assert documents_deliver(transport=RefusingTransport(Answer("APPLIED", code="?" * 50))).flagged == 1
    with pytest.raises(ValidationFailed) as no_note:
        document_withdraw(actor=officer, document_id=document.document_id, note="  ok ")
    assert no_note.value.field == "note"
    with pytest.raises(ValidationFailed) as nul:  # PostgreSQL would refuse the write: refused first
        document_withdraw(actor=officer, document_id=document.document_id, note="confirmed\x00 by phone")
    assert nul.value.message == "note: holds a control or formatting character, which is not accepted; write it again."
    document.refresh_from_db()
    assert document.state == DocumentState.FLAGGED  # a refusal changes nothing
    done = document_withdraw(
        actor=officer, document_id=document.document_id, note="Chengdu confirmed by letter 12 it credited nothing"
    )
    assert (done.state, done.last_error) == (
        "WITHDRAWN",
        "withdrawn by an officer: Chengdu confirmed by letter 12 it credited nothing",
    )
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_code) == ("REFUSED", "transfer_withdrawn")
    assert transfer.refusal_reason == (
        "withdrawn by the sending agency: the receiving agency's answers could not be used (Chengdu confirmed by"
        " letter 12 it credited nothing)."
    )
    assert balance(PENSION_TRANSFER_IN_TRANSIT) == 0 and sum(trial_balance().values()) == 0
    assert documents_deliver(transport=InProcessTransport()).sent == 0  # never sent again
    entry = AuditEntry.objects.filter(action="interagency.document_withdrawn").get()
    assert (entry.before["state"], entry.after["state"]) == ("FLAGGED", "WITHDRAWN")
    with pytest.raises(Conflict):  # once
        document_withdraw(actor=officer, document_id=document.document_id, note="again, by mistake")
    zh = client_for(world, "worker").get("/me/transfers/").content.decode()
    assert (
        "转出地经办机构已撤回：转入地经办机构的回复无法使用（Chengdu confirmed by letter 12 it credited nothing）。"
        in zh
    )


def test_only_a_kind_that_can_be_withdrawn_is(world):
    from socsec.core.errors import Conflict
    from socsec.interagency.outbox import document_withdraw

    register_both()
    (doc,) = transfers_send_completed_note()
    with pytest.raises(Conflict) as caught:
        document_withdraw(actor=ACTOR, document_id=doc.document_id, note="confirmed by phone")
    assert caught.value.message == (
        "Documents of kind pension.transfer.completed cannot be withdrawn; they are only sent again."
    )


def transfers_send_completed_note() -> list[OutboundDocument]:
    """A word that a transfer is complete, queued to the peer (a kind with nothing to undo)."""
    from socsec.interagency.outbox import Issue, documents_issue
    from socsec.interagency.pension_transfer import COMPLETED_KIND

    return documents_issue(
        actor=ACTOR, peer_code=PEER.code, documents=[Issue("x:completed", COMPLETED_KIND, {"document_id": "x"})]
    )


def test_a_refusal_answer_stays_within_what_a_sender_takes():
    answer = refusal_answer("c", "m" * 3000, "value %(v)s", {"v": "x" * 900, "n": 7, "flag": True})
    assert (len(answer.message), answer.template) == (2000, "value %(v)s")
    assert answer.params == {"v": "x" * 500, "n": 7, "flag": "True"}
    too_long = refusal_answer("c", "m", "t" * 2001, {"v": "x"})
    assert (too_long.template, too_long.params) == ("", {})  # the English message only
    formatted = refusal_answer("c", "paid 1.50", "paid %(x).2f", {"x": 1.5})
    assert (formatted.template, formatted.params) == ("", {})
    assert refusal_answer("c", "m 'a'", "m %(v)r", {"v": "a"}).template == "m %(v)r"
