"""The officers' pages of the exchange: each document sent with its state, attempts and last error (the
personal data in it masked), a flagged one sent again by an officer with an audit entry; each document
received, applied or refused; the counts of posts that could not be trusted."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from socsec.audit.models import AuditEntry
from socsec.interagency.kinds import kind_register, kind_unregister
from socsec.interagency.models import OutboundDocument, RefusedAttempts
from socsec.interagency.outbox import Issue, documents_issue
from tests.interagency.helpers import ACTOR, NOTE, PEER, SETTLED, register_both

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def note_kind() -> Iterator[None]:
    kind_register(NOTE)
    SETTLED.clear()
    yield
    kind_unregister(NOTE.name)


def client_as(world, name: str, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(headers={"Accept-Language": language})
    client.force_login(world.users[name])
    return client


@pytest.fixture
def flagged(world):  # type: ignore[no-untyped-def]
    register_both()
    documents_issue(
        actor=ACTOR, peer_code=PEER.code, documents=[Issue(f"note-{i}", "test.note", {"n": i}) for i in range(3)]
    )
    OutboundDocument.objects.filter(document_id="note-1").update(
        state="FLAGGED", attempts=8, last_error="HTTP 500: no person 440305199001010018 (li.wei@example.cn)"
    )
    OutboundDocument.objects.filter(document_id="note-2").update(state="ACKNOWLEDGED", attempts=1)
    RefusedAttempts.objects.create(
        day="2026-12-02",
        code="agency_bad_signature",
        count=41,
        first_at="2026-12-02T01:00:00Z",
        last_at="2026-12-02T02:00:00Z",
        last_sender="PEER",
        last_remote_address="203.0.113.9",
    )


def test_the_outbox_shows_each_documents_state_and_an_officer_sends_a_flagged_one_again(world, flagged):
    officer = client_as(world, "officer")
    page = officer.get("/officer/agencies/outbox/").content.decode()
    assert "<td>PEER</td><td>Flagged: the answer could not be used; an officer sends it again</td><td>8</td>" in page
    assert "HTTP 500: no person 440***********0018 (l***@example.cn)" in page
    assert "440305199001010018" not in page and "li.wei" not in page
    assert page.count('name="document"') == 1  # the flagged one only (the pending one was never tried)
    counts = officer.get("/officer/agencies/outbox/?state=FLAGGED").content.decode()
    assert "note-1" in counts and "note-0" not in counts and "note-2" not in counts

    answer = officer.post("/officer/agencies/outbox/", {"document": "note-1"}, follow=True).content.decode()
    assert "The document note-1 waits to be sent again." in answer
    doc = OutboundDocument.objects.get(document_id="note-1")
    assert (doc.state, doc.attempts, doc.last_error[:8]) == ("PENDING", 8, "HTTP 500")
    entry = AuditEntry.objects.filter(action="interagency.document_retried").get()
    assert (entry.actor_user_id, entry.object_id) == (world.users["officer"].pk, str(doc.pk))
    again = officer.post("/officer/agencies/outbox/", {"document": "note-2"}, follow=True).content.decode()
    assert "The document note-2 is Applied by the receiving agency; only a flagged or waiting document" in again

    auditor = client_as(world, "auditor")
    assert auditor.get("/officer/agencies/outbox/").status_code == 200
    assert auditor.post("/officer/agencies/outbox/", {"document": "note-1"}).status_code == 403
    assert client_as(world, "worker").get("/officer/agencies/outbox/").status_code == 403


def test_the_inbox_shows_documents_received_and_the_counted_refusals_in_chinese(world, flagged, settings):
    from tests.interagency.test_exchange import _post_as, _signed

    me = settings.SOCSEC_AGENCY
    _post_as(me, [_signed(me, "d-1"), _signed(me, "d-2", refuse="no such person")])
    page = client_as(world, "officer", "zh-hans").get("/officer/agencies/inbox/").content.decode()
    assert "其他经办机构发来的文书" in page
    assert (
        '<td>test.note<br><span class="muted">d-2</span></td><td>DEV</td><td>接收机构已拒绝</td><td>0</td>'
        "<td>invalid: The note is refused: no such person.</td>"
    ) in page
    assert (
        '<td>test.note<br><span class="muted">d-1</span></td><td>DEV</td><td>本机构已办理</td><td>0</td><td></td>'
        in page
    )
    assert "<td>2026-12-02</td><td>agency_bad_signature</td><td>41</td>" in page
    refused = client_as(world, "officer").get("/officer/agencies/inbox/?state=REFUSED").content.decode()
    assert "d-2" in refused and "d-1" not in refused
    assert client_as(world, "worker").get("/officer/agencies/inbox/").status_code == 403


def test_an_officer_withdraws_a_flagged_transfer_on_the_page_in_chinese(world, issued):
    transfer, document = issued
    OutboundDocument.objects.filter(pk=document.pk).update(state="FLAGGED", attempts=8, last_error="bad answers")
    officer = client_as(world, "officer", "zh-hans")
    page = officer.get("/officer/agencies/outbox/?state=FLAGGED").content.decode()
    assert "撤回并撤销" in page and 'name="action" value="withdraw"' in page
    assert '<label for="withdraw-note-1">原因（转入地经办机构确认的情况）</label>' in page
    short = officer.post(
        "/officer/agencies/outbox/", {"document": document.document_id, "action": "withdraw", "note": "ok"}, follow=True
    ).content.decode()
    assert "note：请写明撤回文书的原因" in short
    done = officer.post(
        "/officer/agencies/outbox/",
        {"document": document.document_id, "action": "withdraw", "note": "成都经办机构来函确认未入账"},
        follow=True,
    ).content.decode()
    assert f"文书 {document.document_id} 已撤回，其效果已撤销。" in done
    transfer.refresh_from_db()
    assert (transfer.status, transfer.refusal_params) == ("REFUSED", {"note": "成都经办机构来函确认未入账"})
    auditor = client_as(world, "auditor")
    assert auditor.post("/officer/agencies/outbox/", {"document": "x", "action": "withdraw"}).status_code == 403
