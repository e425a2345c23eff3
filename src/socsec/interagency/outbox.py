"""The sending side: documents issued into the outbox, delivered to their peers, and closed by the signed
acknowledgements that come back.

``documents_issue`` is called inside the business service's transaction, so a document exists exactly
when the change that issues it does. ``documents_deliver`` sends what is due, a bounded batch per request
and peer, and records each acknowledgement that verifies (applied or refused) with the kind's ``settle``
in one transaction. A peer that does not answer, or answers something that does not verify, leaves its
documents pending with the next attempt put off: the first retry after ``retry_first_seconds``, each
later one twice as long, up to ``retry_longest_seconds``. Delivering a document twice is harmless: the
receiver answers a document id it has applied with the acknowledgement it stored."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from socsec.audit.services import Actor, audit_record, audit_record_many, snapshot
from socsec.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from socsec.core.text import storage_refusal, text_refusal

from .envelope import ACK_FORMAT, APPLIED, MESSAGE_LIMIT, REFUSED, VALUE_LIMIT, envelope, safe_template
from .errors import InterAgencyErrorCode as Code
from .kinds import Outcome, kind_named
from .models import DocumentState, OutboundDocument, Peer
from .signing import AgencyIdentity, canonical, digest, verify
from .transport import PeerTransport, PeerUnreachable, transport_configured

# what an acknowledgement's code and message may be: the codes this software sends (the agencies' error
# codes) fit the transfer's refusal_code (40 characters); the message is shown to officers and workers
ACK_CODE = re.compile(r"[a-z0-9_]{0,40}")
ACK_MESSAGE_LIMIT = MESSAGE_LIMIT


@dataclass(frozen=True)
class Issue:
    """A document to issue: its id (unique for this agency), kind and body."""

    document_id: str
    kind: str
    body: Mapping[str, Any]


def documents_issue(*, actor: Actor, peer_code: str, documents: Sequence[Issue]) -> list[OutboundDocument]:
    """The documents signed and put in the outbox, in the caller's transaction. A document id issued before
    with the same kind and body is that document (issuing is re-runnable); with another, a conflict."""
    peer = Peer.objects.filter(code=peer_code, active=True).first()
    if peer is None:
        raise NotFound(
            "No active peer agency %(code)s is registered.", code=Code.UNKNOWN_PEER, params={"code": peer_code}
        )
    out: list[OutboundDocument] = []
    for start in range(0, len(documents), ISSUE_CHUNK):
        out.extend(_issue_chunk(actor, peer, documents[start : start + ISSUE_CHUNK]))
    return out


ISSUE_CHUNK = 500  # documents looked up and inserted per query


def _issue_chunk(actor: Actor, peer: Peer, documents: Sequence[Issue]) -> list[OutboundDocument]:
    identity: AgencyIdentity = settings.SOCSEC_AGENCY
    now = timezone.now()
    ids = [d.document_id for d in documents]
    before = {d.document_id: d for d in OutboundDocument.objects.filter(document_id__in=ids)}
    new: list[OutboundDocument] = []
    for issue in documents:
        earlier = before.get(issue.document_id)
        if earlier is not None:
            same = (
                earlier.peer_id == peer.pk
                and earlier.kind == issue.kind
                and earlier.document["body"] == dict(issue.body)
            )
            if not same:
                raise Conflict(
                    "The document %(id)s was issued before with other content.",
                    code=Code.DOCUMENT_EXISTS,
                    params={"id": issue.document_id},
                )
            continue
        doc = envelope(
            identity=identity,
            receiver=peer.code,
            kind=issue.kind,
            document_id=issue.document_id,
            body=issue.body,
            at=now,
        )
        new.append(
            OutboundDocument(
                document_id=issue.document_id,
                peer=peer,
                kind=issue.kind,
                document=doc,
                signature=identity.sign(doc),
                digest=digest(doc),
                next_attempt_at=now,
            )
        )
    with transaction.atomic():
        made = OutboundDocument.objects.bulk_create(new)
        audit_record_many(actor=actor, action="interagency.document_issued", instances=made)
    made_by_id = {m.document_id: m for m in made}
    return [before.get(i) or made_by_id[i] for i in ids]


@dataclass
class DeliveryReport:
    sent: int = 0  # documents posted (a document posted again counts again)
    acknowledged: int = 0
    refused: int = 0
    failed_requests: int = 0  # requests that did not come back with acknowledgements
    retried: int = 0  # documents put off for another attempt
    flagged: int = 0  # documents whose answer could not be used: left for an officer
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.acknowledged += other.acknowledged
        self.refused += other.refused
        self.failed_requests += other.failed_requests
        self.retried += other.retried
        self.flagged += other.flagged
        self.errors.extend(other.errors)


def _wait_after(attempts: int) -> dt.timedelta:
    conf = settings.SOCSEC_INTERAGENCY
    seconds = min(conf["retry_first_seconds"] * 2 ** max(attempts - 1, 0), conf["retry_longest_seconds"])
    return dt.timedelta(seconds=seconds)


def _ack_problem(doc: OutboundDocument, signed: Any, identity: AgencyIdentity) -> str | None:
    if not isinstance(signed, dict) or not isinstance(signed.get("acknowledgement"), dict):
        return "the answer holds no acknowledgement"
    ack = signed["acknowledgement"]
    if not verify(doc.peer.public_key, ack, str(signed.get("signature", ""))):
        return f"the acknowledgement's signature does not verify with the key registered for {doc.peer.code}"
    named = {
        "format": ACK_FORMAT,
        "document_id": doc.document_id,
        "sender": identity.code,
        "receiver": doc.peer.code,
        "document_digest": doc.digest,
    }
    wrong = [f"{name} {ack.get(name)!r} (sent: {value!r})" for name, value in named.items() if ack.get(name) != value]
    if wrong:
        return "the acknowledgement names another " + "; ".join(wrong)
    if ack.get("outcome") not in (APPLIED, REFUSED) or not isinstance(ack.get("result", {}), dict):
        return f"the acknowledgement's outcome {str(ack.get('outcome'))[:40]!r} is neither APPLIED nor REFUSED"
    code, message = ack.get("code", ""), ack.get("message", "")
    if not isinstance(code, str) or not ACK_CODE.fullmatch(code) or (ack["outcome"] == REFUSED and not code):
        return f"the acknowledgement's code {str(code)[:60]!r} is not a code (a-z, 0-9 and _, 1 to 40)"
    if not isinstance(message, str) or len(message) > ACK_MESSAGE_LIMIT:
        return f"the acknowledgement's message is not a text of at most {ACK_MESSAGE_LIMIT:,} characters"
    template, params = ack.get("template", ""), ack.get("params", {})
    if not isinstance(template, str) or len(template) > ACK_MESSAGE_LIMIT or not _plain_values(params):
        return "the acknowledgement's template or its values are not texts and whole numbers"
    if not safe_template(template, params):
        return "the acknowledgement's template holds a placeholder other than %(name)s, d or r of its values"
    unstorable = _unstorable(ack)
    if unstorable:
        return f"the acknowledgement holds text no database stores: {unstorable}"
    return None  # what the result names is the kind's to check (its settle)


def _plain_values(params: Any) -> bool:
    """An object of at most 20 values, each named by a short text and a text or a whole number."""
    return (
        isinstance(params, dict)
        and len(params) <= 20
        and all(
            isinstance(k, str)
            and len(k) <= 40
            and ((isinstance(v, str) and len(v) <= VALUE_LIMIT) or (isinstance(v, int) and not isinstance(v, bool)))
            for k, v in params.items()
        )
    )


def _unstorable(value: Any, path: str = "acknowledgement") -> str | None:
    """Where ``value`` (JSON) holds a NUL or a lone surrogate, or a number that is not finite (NaN,
    Infinity), which PostgreSQL's jsonb refuses: the whole batch's write would fail on it, so the one answer
    is put off instead."""
    if isinstance(value, str):
        refusal = storage_refusal(value)
        return f"{path}: {refusal}" if refusal else None
    if isinstance(value, float) and not math.isfinite(value):
        return f"{path}: {value} is not a finite number"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _unstorable(key, f"{path} (a key)") if isinstance(key, str) else None
        found = found or _unstorable(item, f"{path}.{key}")
        if found:
            return found
    return None


def _deliver_batch(
    peer: Peer, docs: list[OutboundDocument], transport: PeerTransport, identity: AgencyIdentity, now: dt.datetime
) -> DeliveryReport:
    report = DeliveryReport(sent=len(docs))
    try:
        answers = transport.post_documents(peer, [{"document": d.document, "signature": d.signature} for d in docs])
        problem = None if len(answers) == len(docs) else f"{len(answers)} acknowledgements for {len(docs)} documents"
    except PeerUnreachable as exc:
        answers, problem = [], str(exc)
    if problem:
        report.failed_requests = 1
        report.errors.append(f"{peer.code}: {problem}")
        peer.delivery_failures += 1
        peer.deliver_after = now + _wait_after(peer.delivery_failures)
    elif peer.delivery_failures:
        peer.delivery_failures, peer.deliver_after = 0, None
    closed: list[OutboundDocument] = []
    put_off: list[OutboundDocument] = []
    outcomes: dict[str, list[tuple[OutboundDocument, Outcome]]] = {}
    flag_after = settings.SOCSEC_INTERAGENCY.get("flag_after_attempts", 8)
    for doc, signed in zip(docs, answers or [None] * len(docs), strict=True):
        doc.attempts += 1
        trouble = problem or _ack_problem(doc, signed, identity)
        if trouble:  # the whole peer put off when it did not answer; a document whose answer was wrong, alone
            doc.last_error = trouble[:2000]
            doc.next_attempt_at = (
                peer.deliver_after if problem and peer.deliver_after else now + _wait_after(doc.attempts)
            )
            if not problem and doc.attempts >= flag_after:  # a peer answering wrong again and again
                doc.state = DocumentState.FLAGGED
            put_off.append(doc)
            continue
        ack = signed["acknowledgement"]
        applied = ack["outcome"] == APPLIED
        doc.state = DocumentState.ACKNOWLEDGED if applied else DocumentState.REFUSED
        doc.acknowledgement, doc.acknowledgement_signature = ack, signed["signature"]
        code, message = ack.get("code", ""), ack.get("message", "")
        doc.refusal_code, doc.acknowledged_at, doc.last_error = ("" if applied else code), now, ""
        closed.append(doc)
        outcome = Outcome(
            doc.document_id,
            applied,
            code,
            message,
            ack.get("result") or {},
            peer.code,
            template=ack.get("template", ""),
            params=ack.get("params", {}),
        )
        outcomes.setdefault(doc.kind, []).append((doc, outcome))
    with transaction.atomic():
        for name, settled in outcomes.items():
            _settle(name, settled)
        fields = ["attempts", "last_error", "next_attempt_at", "state", "acknowledgement"]
        fields += ["acknowledgement_signature", "refusal_code", "acknowledged_at"]
        OutboundDocument.objects.bulk_update(docs, fields, batch_size=500)
        Peer.objects.filter(pk=peer.pk).update(
            delivery_failures=peer.delivery_failures, deliver_after=peer.deliver_after
        )
        actor = Actor.system("agency:deliver")
        answered = [d for d in closed if d.state != DocumentState.FLAGGED]
        flagged = [d for d in docs if d.state == DocumentState.FLAGGED]
        audit_record_many(actor=actor, action="interagency.document_acknowledged", instances=answered)
        if flagged:
            audit_record_many(actor=actor, action="interagency.document_flagged", instances=flagged)
    report.acknowledged = sum(1 for d in closed if d.state == DocumentState.ACKNOWLEDGED)
    report.refused = sum(1 for d in closed if d.state == DocumentState.REFUSED)
    report.flagged = len(flagged)
    report.retried = sum(1 for d in put_off if d.state == DocumentState.PENDING)
    report.errors.extend(f"{d.document_id}: {d.last_error}" for d in flagged)
    return report


def _settle(name: str, settled: list[tuple[OutboundDocument, Outcome]]) -> None:
    """The kind's ``settle`` of the outcomes together in a savepoint; when it refuses one, each alone in
    its own savepoint, the one at fault flagged with the error (its acknowledgement kept) and the others
    settled."""
    kind = kind_named(name)
    if kind is None or kind.settle is None:
        return
    try:
        with transaction.atomic():
            kind.settle([o for _d, o in settled])
        return
    except DomainError:
        pass
    for doc, outcome in settled:
        try:
            with transaction.atomic():
                kind.settle([outcome])
        except DomainError as exc:
            doc.state = DocumentState.FLAGGED
            doc.last_error = f"{exc.code}: {exc.message}"[:2000]


def documents_deliver(*, transport: PeerTransport | None = None, now: dt.datetime | None = None) -> DeliveryReport:
    """One pass over the outbox: every document due, a batch per request and peer. A peer that fails is
    left alone for the rest of the pass, and put off (``Peer.deliver_after``) as its documents are."""
    identity: AgencyIdentity = settings.SOCSEC_AGENCY
    transport = transport or transport_configured()
    size = settings.SOCSEC_INTERAGENCY["batch"]
    at = now or timezone.now()
    report = DeliveryReport()
    last_id = 0
    while True:
        due = list(
            OutboundDocument.objects.filter(state=DocumentState.PENDING, next_attempt_at__lte=at, id__gt=last_id)
            .filter(Q(peer__deliver_after__isnull=True) | Q(peer__deliver_after__lte=at))
            .select_related("peer")
            .order_by("id")[:size]
        )
        if not due:
            return report
        last_id = due[-1].pk
        by_peer: dict[int, list[OutboundDocument]] = {}
        for doc in due:
            by_peer.setdefault(doc.peer_id, []).append(doc)
        for docs in by_peer.values():
            for part in _within_bytes(docs, settings.SOCSEC_INTERAGENCY["request_bytes"]):
                report.add(_deliver_batch(part[0].peer, part, transport, identity, at))


def _within_bytes(docs: list[OutboundDocument], limit: int) -> list[list[OutboundDocument]]:
    """The documents in consecutive parts whose JSON stays under ``limit`` bytes (a receiver refuses a body
    over its DATA_UPLOAD_MAX_MEMORY_SIZE); a document larger than that alone goes in a part of its own."""
    parts: list[list[OutboundDocument]] = [[]]
    size = 0
    for doc in docs:
        length = len(canonical(doc.document)) + len(doc.signature) + 40
        if parts[-1] and size + length > limit:
            parts.append([])
            size = 0
        parts[-1].append(doc)
        size += length
    return parts


def next_attempt_at() -> dt.datetime | None:
    """When the next pending document is due, its peer's wait included (None when nothing is pending)."""
    due = Greatest(F("next_attempt_at"), Coalesce(F("peer__deliver_after"), F("next_attempt_at")))
    found: dt.datetime | None = OutboundDocument.objects.filter(state=DocumentState.PENDING).aggregate(at=Min(due))[
        "at"
    ]
    return found


def document_retry(*, actor: Actor, document_id: str, now: dt.datetime | None = None) -> OutboundDocument:
    """An officer sends a flagged document (or a pending one waiting out its retry) again: PENDING, due now,
    its peer's wait lifted; the attempts and the last error are kept. An answered document is refused."""
    at = now or timezone.now()
    with transaction.atomic():
        doc = OutboundDocument.objects.select_for_update().filter(document_id=document_id).first()
        if doc is None:
            raise NotFound("No document %(id)s in the outbox.", params={"id": document_id})
        if doc.state not in (DocumentState.FLAGGED, DocumentState.PENDING):
            raise Conflict(
                "The document %(id)s is %(state)s; only a flagged or waiting document is sent again.",
                code=Code.NOT_FLAGGED,
                params={"id": doc.document_id, "state": doc.get_state_display()},
            )
        before = snapshot(doc)
        doc.state, doc.next_attempt_at = DocumentState.PENDING, at
        doc.save(update_fields=["state", "next_attempt_at"])
        Peer.objects.filter(pk=doc.peer_id).update(deliver_after=None)
        audit_record(actor=actor, action="interagency.document_retried", instance=doc, before=before)
    return doc


def document_withdraw(*, actor: Actor, document_id: str, note: str) -> OutboundDocument:
    """An officer withdraws a flagged document after settling with the receiving agency outside the exchange
    (its answers could not be used; it confirmed it did not apply the document): WITHDRAWN, never sent again,
    and its kind undoes its effects here (a pension transfer: refused, its money back from transit), all
    in one transaction with the officer's note in the audit trail. Only a flagged document of a kind that
    can be withdrawn; the note says why."""
    note = " ".join(note.split())
    if text_refusal(note):
        raise ValidationFailed(
            "note: holds a control or formatting character, which is not accepted; write it again.", field="note"
        )
    if not 5 <= len(note) <= 500:
        raise ValidationFailed(
            "note: say why the document is withdrawn (what the receiving agency confirmed), in 5 to 500 characters.",
            field="note",
        )
    with transaction.atomic():
        doc = OutboundDocument.objects.select_for_update().filter(document_id=document_id).first()
        if doc is None:
            raise NotFound("No document %(id)s in the outbox.", params={"id": document_id})
        kind = kind_named(doc.kind)
        if kind is None or kind.withdraw is None:
            raise Conflict(
                "Documents of kind %(kind)s cannot be withdrawn; they are only sent again.",
                code=Code.NOT_WITHDRAWABLE,
                params={"kind": doc.kind},
            )
        if doc.state != DocumentState.FLAGGED:
            raise Conflict(
                "The document %(id)s is %(state)s; only a flagged document is withdrawn.",
                code=Code.NOT_WITHDRAWABLE,
                params={"id": doc.document_id, "state": doc.get_state_display()},
            )
        before = snapshot(doc)
        doc.state, doc.last_error = DocumentState.WITHDRAWN, f"withdrawn by an officer: {note}"[:2000]
        doc.save(update_fields=["state", "last_error"])
        kind.withdraw(doc.document_id, note, actor)
        audit_record(actor=actor, action="interagency.document_withdrawn", instance=doc, before=before)
    return doc
