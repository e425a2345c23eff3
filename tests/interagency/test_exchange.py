"""Documents from the outbox to a peer's endpoint and back: delivered once, acknowledged and signed,
retried after a failure, answered again unchanged when delivered twice, refused with the reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from socsec.interagency.envelope import envelope
from socsec.interagency.kinds import kind_register, kind_unregister
from socsec.interagency.models import DocumentState, InboundDocument, OutboundDocument, RefusedDocument
from socsec.interagency.outbox import Issue, documents_deliver, documents_issue
from socsec.interagency.signing import digest, verify
from tests.interagency.helpers import ACTOR, NOTE, PEER, SETTLED, STRANGER, InProcessTransport, register_both

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def note_kind() -> Iterator[None]:
    kind_register(NOTE)
    SETTLED.clear()
    yield
    kind_unregister(NOTE.name)


def _issue(n: int, **body: object) -> list[OutboundDocument]:
    return documents_issue(
        actor=ACTOR,
        peer_code=PEER.code,
        documents=[Issue(f"note-{i}", "test.note", {"n": i, **body}) for i in range(n)],
    )


def test_documents_are_delivered_applied_once_and_acknowledged_with_a_signature(settings):
    peer, _ = register_both()
    issued = _issue(3)
    assert [d.state for d in issued] == ["PENDING"] * 3
    report = documents_deliver(transport=InProcessTransport())
    assert (report.sent, report.acknowledged, report.refused, report.failed_requests) == (3, 3, 0, 0)
    out = list(OutboundDocument.objects.order_by("id"))
    assert [d.state for d in out] == [DocumentState.ACKNOWLEDGED] * 3
    ack = out[0].acknowledgement
    assert ack["outcome"] == "APPLIED" and ack["result"] == {"noted": "note-0", "from": settings.SOCSEC_AGENCY.code}
    assert ack["document_digest"] == digest(out[0].document) and ack["receiver"] == "PEER"
    assert verify(peer.public_key, ack, out[0].acknowledgement_signature)
    assert InboundDocument.objects.count() == 3
    assert [o.document_id for o in SETTLED] == ["note-0", "note-1", "note-2"]
    assert documents_deliver(transport=InProcessTransport()).sent == 0  # nothing left to send


def test_a_peer_down_is_retried_later_with_a_longer_wait(settings):
    register_both()
    _issue(2)
    transport = InProcessTransport()
    transport.down = 2
    first = documents_deliver(transport=transport)
    assert (first.failed_requests, first.retried, first.acknowledged) == (1, 2, 0)
    doc = OutboundDocument.objects.first()
    assert doc is not None and doc.attempts == 1 and "connection refused" in doc.last_error
    wait = doc.next_attempt_at - doc.created_at
    assert 1.5 < wait.total_seconds() < 3  # retry_first_seconds: 2
    assert documents_deliver(transport=transport).sent == 0  # not due yet
    later = doc.next_attempt_at
    second = documents_deliver(transport=transport, now=later)
    doc.refresh_from_db()
    assert (second.failed_requests, doc.attempts) == (1, 2)
    assert 3.5 < (doc.next_attempt_at - later).total_seconds() < 5  # twice as long
    third = documents_deliver(transport=transport, now=doc.next_attempt_at)
    assert (third.acknowledged, InboundDocument.objects.count()) == (2, 2)


def test_a_document_delivered_again_is_answered_with_the_stored_acknowledgement():
    register_both()
    (doc,) = _issue(1)
    signed = [{"document": doc.document, "signature": doc.signature}]
    transport = InProcessTransport()
    first = transport.post_documents(doc.peer, signed)
    again = transport.post_documents(doc.peer, signed + signed)  # and twice in one delivery
    assert again == [first[0], first[0]]
    row = InboundDocument.objects.get()
    assert row.replays == 1


def _post_as(identity, documents, receiver=PEER):  # type: ignore[no-untyped-def]
    with override_settings(SOCSEC_AGENCY=receiver):
        response = Client().post(
            "/api/interagency/documents", {"documents": documents}, content_type="application/json"
        )
    assert response.status_code == 200, response.content
    return [a["acknowledgement"] for a in response.json()["acknowledgements"]]


def _signed(identity, document_id="d-1", receiver="PEER", kind="test.note", **body):  # type: ignore[no-untyped-def]
    import datetime as dt

    doc = envelope(
        identity=identity, receiver=receiver, kind=kind, document_id=document_id, body=body, at=dt.datetime.now(dt.UTC)
    )
    return {"document": doc, "signature": identity.sign(doc)}


def test_refusals_name_the_reason_write_nothing_and_are_logged(settings, unchanged_but_log):
    me = settings.SOCSEC_AGENCY
    good = _signed(me, "d-ok")
    tampered = {**good, "document": {**good["document"], "body": {"n": 2}}}
    acks = _post_as(
        me,
        [
            _signed(STRANGER, "d-1"),
            tampered,
            _signed(me, "d-2", receiver="OTHER"),
            _signed(me, "d-3", kind="unknown.kind"),
            _signed(me, "d-4", refuse="no such person"),
        ],
    )
    assert [(a["outcome"], a["code"]) for a in acks] == [
        ("REFUSED", "agency_unknown_sender"),
        ("REFUSED", "agency_bad_signature"),
        ("REFUSED", "agency_wrong_receiver"),
        ("REFUSED", "agency_unknown_kind"),
        ("REFUSED", "invalid"),
    ]
    assert acks[0]["message"] == "The sender STRANGER is not a registered agency here."
    assert acks[4]["message"] == "The note is refused: no such person."
    logged = list(RefusedDocument.objects.order_by("id").values_list("document_id", "code"))
    assert logged == [(a["document_id"], a["code"]) for a in acks]


@pytest.fixture
def unchanged_but_log(settings):  # type: ignore[no-untyped-def]
    """The two peers registered, then nothing written but the log of refused attempts."""
    from tests.conftest import table_counts

    register_both()
    before = table_counts()
    yield
    after = table_counts()
    assert after.pop("interagency.RefusedDocument") == before.pop("interagency.RefusedDocument") + 5
    assert after == before


def test_a_document_id_reused_with_other_content_is_refused(settings):
    register_both()
    me = settings.SOCSEC_AGENCY
    assert _post_as(me, [_signed(me, "d-9", n=1)])[0]["outcome"] == "APPLIED"
    (ack,) = _post_as(me, [_signed(me, "d-9", n=2)])
    assert (ack["outcome"], ack["code"]) == ("REFUSED", "agency_document_conflict")
    assert InboundDocument.objects.count() == 1


def test_a_delivery_is_split_to_stay_under_the_receivers_body_limit(settings):
    register_both()
    settings.SOCSEC_INTERAGENCY = {**settings.SOCSEC_INTERAGENCY, "request_bytes": 600}
    _issue(3, text="x" * 200)
    transport = InProcessTransport()
    report = documents_deliver(transport=transport)
    assert (transport.posts, report.acknowledged) == (3, 3)
