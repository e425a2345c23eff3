"""Documents from the outbox to a peer's endpoint and back: delivered once, acknowledged and signed,
retried after a failure, answered again unchanged when delivered twice, refused with the reason."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client, override_settings

from socsec.interagency.envelope import envelope
from socsec.interagency.kinds import kind_register, kind_unregister
from socsec.interagency.models import DocumentState, InboundDocument, OutboundDocument, RefusedAttempts
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
    # the verified ones are kept with their signed refusal; the two that did not verify are only counted
    kept = list(InboundDocument.objects.order_by("id").values_list("document_id", "state", "acknowledgement"))
    assert [(d, s, a["code"]) for d, s, a in kept] == [
        ("d-2", "REFUSED", "agency_wrong_receiver"),
        ("d-3", "REFUSED", "agency_unknown_kind"),
        ("d-4", "REFUSED", "invalid"),
    ]
    counted = list(RefusedAttempts.objects.order_by("code").values_list("code", "count", "last_document_id"))
    assert counted == [("agency_bad_signature", 1, "d-ok"), ("agency_unknown_sender", 1, "d-1")]


@pytest.fixture
def unchanged_but_log(settings):  # type: ignore[no-untyped-def]
    """The two peers registered, then nothing written but the refusals kept, their audit and the counter."""
    from tests.conftest import table_counts

    register_both()
    before = table_counts()
    yield
    after = table_counts()
    assert after.pop("interagency.RefusedAttempts") == before.pop("interagency.RefusedAttempts") + 2
    assert after.pop("interagency.InboundDocument") == before.pop("interagency.InboundDocument") + 3
    assert after.pop("audit.AuditEntry") == before.pop("audit.AuditEntry") + 3
    assert after == before


def test_a_refused_document_delivered_again_is_refused_the_same_way_and_applied_nothing(settings):
    register_both()
    me = settings.SOCSEC_AGENCY
    refused = _signed(me, "d-5", refuse="no such person")
    (first,) = _post_as(me, [refused])
    SETTLED.clear()
    again = _post_as(me, [refused, refused])
    assert again == [first, first]  # the stored refusal, its time and its signature unchanged
    assert (first["outcome"], first["code"], first["message"]) == (
        "REFUSED",
        "invalid",
        "The note is refused: no such person.",
    )
    row = InboundDocument.objects.get()
    assert (row.document_id, row.state, row.replays) == ("d-5", "REFUSED", 1)
    (other,) = _post_as(me, [_signed(me, "d-5", n=1)])  # the same id with other content: a conflict, counted
    assert (other["outcome"], other["code"]) == ("REFUSED", "agency_document_conflict")
    assert InboundDocument.objects.count() == 1
    assert list(RefusedAttempts.objects.values_list("code", "count")) == [("agency_document_conflict", 1)]


def test_unsigned_and_badly_signed_posts_are_counted_not_stored_however_many(settings):
    from tests.conftest import table_counts

    register_both()
    me = settings.SOCSEC_AGENCY
    good = _signed(me, "d-7")
    before = table_counts()
    for n in range(3):
        _post_as(
            me,
            [
                {**good, "signature": ""},
                {**good, "signature": STRANGER.sign(good["document"])},
                _signed(STRANGER, f"x-{n}"),
                {
                    "document": {
                        "format": "socsec-agency-document/1",
                        "document_id": "m",
                        "kind": "k",
                        "sender": "PEER",
                        "receiver": "PEER",
                        "issued_at": "x",
                        "body": {},
                        "extra": 1,
                    },
                    "signature": "",
                },
            ],
        )
    after = table_counts()
    assert after.pop("interagency.RefusedAttempts") == before.pop("interagency.RefusedAttempts") + 3
    assert after == before
    counted = {
        code: (count, last)
        for code, count, last in RefusedAttempts.objects.values_list("code", "count", "last_document_id")
    }
    assert counted == {
        "agency_bad_signature": (6, "d-7"),
        "agency_unknown_sender": (3, "x-2"),
        "agency_document_malformed": (3, "m"),
    }


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


class ForgingTransport(InProcessTransport):
    """The peer's real answers, one of them changed by ``forge`` and signed again with the peer's key."""

    def __init__(self, index: int, **changes: object) -> None:
        super().__init__()
        self.index, self.changes = index, changes

    def post_documents(self, peer, documents):  # type: ignore[no-untyped-def]
        acks = super().post_documents(peer, documents)
        ack = {**acks[self.index]["acknowledgement"], **self.changes}
        acks[self.index] = {"acknowledgement": ack, "signature": PEER.sign(ack)}
        return acks


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"document_id": "note-0"}, "the acknowledgement names another document_id 'note-0' (sent: 'note-1')"),
        ({"receiver": "OTHER"}, "the acknowledgement names another receiver 'OTHER' (sent: 'PEER')"),
        ({"sender": "OTHER"}, "the acknowledgement names another sender 'OTHER' (sent: 'DEV')"),
        ({"outcome": "MAYBE"}, "the acknowledgement's outcome 'MAYBE' is neither APPLIED nor REFUSED"),
        # signed by the peer but malformed: each would have failed the whole batch's write
        ({"code": "x" * 41}, f"the acknowledgement's code {'x' * 41!r} is not a code (a-z, 0-9 and _, 1 to 40)"),
        ({"code": ["a"]}, "the acknowledgement's code \"['a']\" is not a code (a-z, 0-9 and _, 1 to 40)"),
        ({"outcome": "REFUSED", "code": ""}, "the acknowledgement's code '' is not a code (a-z, 0-9 and _, 1 to 40)"),
        ({"message": 7}, "the acknowledgement's message is not a text of at most 2,000 characters"),
        ({"message": "m" * 2001}, "the acknowledgement's message is not a text of at most 2,000 characters"),
        (
            {"result": {"note": ["ok", "a\x00b"]}},
            "the acknowledgement holds text no database stores: acknowledgement.result.note.1: holds a control"
            " character, U+0000, at character 2; it is not accepted.",
        ),
        (
            {"result": {"rate": float("nan")}},
            "the acknowledgement holds text no database stores: acknowledgement.result.rate: nan is not a finite"
            " number",
        ),
        (  # a width a peer could make allocate gigabytes where the reason is shown
            {"outcome": "REFUSED", "code": "x", "template": "%(a)2000000000s", "params": {"a": "1"}},
            "the acknowledgement's template holds a placeholder other than %(name)s, d or r of its values",
        ),
        (
            {"outcome": "REFUSED", "code": "x", "template": "%(b)s", "params": {"a": "1"}},
            "the acknowledgement's template holds a placeholder other than %(name)s, d or r of its values",
        ),
    ],
)
def test_an_acknowledgement_naming_another_document_or_agency_is_not_taken_and_the_others_are(changes, error):
    register_both()
    _issue(3)
    report = documents_deliver(transport=ForgingTransport(1, **changes))
    assert (report.acknowledged, report.retried, report.flagged) == (2, 1, 0)
    states = list(OutboundDocument.objects.order_by("id").values_list("document_id", "state", "attempts", "last_error"))
    assert states == [
        ("note-0", "ACKNOWLEDGED", 1, ""),
        ("note-1", "PENDING", 1, error),
        ("note-2", "ACKNOWLEDGED", 1, ""),
    ]
    assert [o.document_id for o in SETTLED] == ["note-0", "note-2"]
    later = OutboundDocument.objects.get(document_id="note-1").next_attempt_at
    again = documents_deliver(transport=InProcessTransport(), now=later)  # the peer's real answer, stored
    assert (again.acknowledged, OutboundDocument.objects.get(document_id="note-1").state) == (1, "ACKNOWLEDGED")


def test_a_peer_answering_wrong_again_and_again_gets_the_document_flagged(settings):
    settings.SOCSEC_INTERAGENCY = {**settings.SOCSEC_INTERAGENCY, "flag_after_attempts": 2}
    register_both()
    _issue(1)
    transport = ForgingTransport(0, document_id="elsewhere")
    documents_deliver(transport=transport)
    doc = OutboundDocument.objects.get()
    report = documents_deliver(transport=transport, now=doc.next_attempt_at)
    doc.refresh_from_db()
    assert (report.flagged, doc.state, doc.attempts) == (1, "FLAGGED", 2)
    assert documents_deliver(transport=transport, now=doc.next_attempt_at).sent == 0  # left for an officer


def _picky_settle(outcomes):  # type: ignore[no-untyped-def]
    from socsec.core.errors import ValidationFailed

    for o in outcomes:  # all checked first: what it keeps is not rolled back with the savepoint
        if o.document_id == "note-1":
            raise ValidationFailed("The result of %(doc)s does not fit.", params={"doc": o.document_id})
    SETTLED.extend(outcomes)


def test_an_outcome_its_kind_cannot_settle_is_flagged_alone_and_the_others_settle():
    from dataclasses import replace

    kind_register(replace(NOTE, settle=_picky_settle))
    register_both()
    _issue(3)
    report = documents_deliver(transport=InProcessTransport())
    assert (report.acknowledged, report.flagged) == (2, 1)
    assert report.errors == ["note-1: invalid: The result of note-1 does not fit."]
    states = list(OutboundDocument.objects.order_by("id").values_list("state", "last_error"))
    assert states == [
        ("ACKNOWLEDGED", ""),
        ("FLAGGED", "invalid: The result of note-1 does not fit."),
        ("ACKNOWLEDGED", ""),
    ]
    assert [o.document_id for o in SETTLED] == ["note-0", "note-2"]
    flagged = OutboundDocument.objects.get(document_id="note-1")
    assert flagged.acknowledgement is not None and flagged.acknowledgement["outcome"] == "APPLIED"
