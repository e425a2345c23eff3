"""The receiving side: a delivery of signed documents checked, applied once each, and acknowledged.

For each document, in order: its envelope's shape, a registered and active sender, the sender's
signature; only then is anything about it trusted. What fails those is refused and counted in the bounded
log ``RefusedAttempts`` (a counter per day and reason): the endpoint takes no token, and a stranger's
posts must not grow a table row by row. A verified document is then checked for this agency as its
receiver and a kind handled here. A document id already received from that sender is answered with the
acknowledgement stored then, applied or refused (the same content: nothing applied again, and a refusal
the same refusal), or refused as a conflict (other content under the same id, counted). The rest are
checked by their kind and applied by its service in one transaction with the rows that record them; a
verified document refused is stored with its signed refusal (``InboundDocument``, state REFUSED) and no
domain row.

The queries are a constant number per delivery and kind (the peers, the documents already received, one
insert of the new rows, one update per reason counted), whatever the number of documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from socsec.audit.services import Actor, audit_record_many
from socsec.core.errors import DomainError

from .envelope import APPLIED, Answer, acknowledgement, envelope_problem, refusal_answer
from .errors import InterAgencyErrorCode as Code
from .kinds import Received, kind_named
from .models import DocumentState, InboundDocument, Peer, RefusedAttempts
from .signing import AgencyIdentity, digest, verify


@dataclass
class _Item:
    index: int
    document: Mapping[str, Any]
    signature: str
    peer: Peer | None = None
    answer: Answer | None = None  # set once decided
    stored: InboundDocument | None = None  # a document received before: its stored acknowledgement
    duplicate_of: _Item | None = None  # the same document earlier in this delivery: answered like it
    trusted: bool = False  # from a registered peer, its signature verified
    conflict: bool = False  # an id received before (or earlier in the delivery) with other content

    @property
    def key(self) -> tuple[str, str]:
        return (str(self.document.get("sender", "")), str(self.document.get("document_id", "")))


def _refuse(item: _Item, code: Code | str, template: str, **params: object) -> None:
    """A refusal: its message in English, a template with named parameters (translated where shown)."""
    item.answer = refusal_answer(str(code), template % params if params else template, template, params)


def _check_envelopes(items: Sequence[_Item], identity: AgencyIdentity) -> None:
    """The signature first: nothing of a document is trusted (its receiver, its kind) before it verifies."""
    senders = {str(i.document.get("sender", "")) for i in items if isinstance(i.document, dict)}
    peers = {p.code: p for p in Peer.objects.filter(code__in=sorted(senders), active=True)}
    for item in items:
        problem = envelope_problem(item.document) if isinstance(item.document, dict) else "not an object"
        if problem:
            _refuse(item, Code.MALFORMED, "The document is malformed: %(problem)s.", problem=problem)
            continue
        sender, kind = item.document["sender"], item.document["kind"]
        item.peer = peers.get(sender)
        if item.peer is None:
            _refuse(item, Code.UNKNOWN_SENDER, "The sender %(sender)s is not a registered agency here.", sender=sender)
            continue
        if not verify(item.peer.public_key, item.document, item.signature):
            _refuse(
                item,
                Code.BAD_SIGNATURE,
                "The signature does not verify with the key registered for %(sender)s.",
                sender=sender,
            )
            continue
        item.trusted = True
        if item.document["receiver"] != identity.code:
            _refuse(
                item,
                Code.WRONG_RECEIVER,
                "The document is addressed to %(receiver)s, not here.",
                receiver=item.document["receiver"],
            )
        elif kind_named(kind) is None:
            _refuse(item, Code.UNKNOWN_KIND, "Documents of kind %(kind)s are not handled here.", kind=kind)


def _check_received_before(items: Sequence[_Item]) -> None:
    """A verified document received before: its stored answer (applied or refused), or a conflict."""
    open_items = [i for i in items if i.trusted]
    if not open_items:
        return
    ids = sorted({i.key[1] for i in open_items})
    found = {
        (row.sender.code, row.document_id): row
        for row in InboundDocument.objects.filter(document_id__in=ids).select_related("sender")
    }
    seen: dict[tuple[str, str], _Item] = {}
    for item in open_items:
        earlier, first = found.get(item.key), seen.setdefault(item.key, item)
        if earlier is not None and earlier.digest == digest(item.document):
            item.stored = earlier
        elif earlier is not None or digest(first.document) != digest(item.document):
            template = "The document id %(document)s was received before with other content."
            _refuse(item, Code.DOCUMENT_CONFLICT, template, document=item.key[1])
            item.conflict = True
        elif first is not item:
            item.duplicate_of = first


def _received(item: _Item) -> Received:
    assert item.peer is not None
    doc = item.document
    return Received(
        sender=item.peer.code, sender_region=item.peer.region, document_id=doc["document_id"], body=doc["body"]
    )


def _apply_kind(name: str, items: list[_Item]) -> None:
    """Check each document by its kind, then apply the checked ones together; when that fails, one by one."""
    kind = kind_named(name)
    assert kind is not None
    checked: list[_Item] = []
    for item in items:
        try:
            kind.validate(_received(item))
        except DomainError as exc:
            item.answer = refusal_answer(str(exc.code), exc.message, exc.template, exc.params)
        else:
            checked.append(item)
    if not checked:
        return
    try:
        with transaction.atomic():
            results = list(kind.apply([_received(i) for i in checked]))
    except DomainError:
        results = []
    if len(results) == len(checked):
        for item, result in zip(checked, results, strict=True):
            item.answer = Answer(APPLIED, result=result)
        return
    for item in checked:  # one at a time: the one at fault refused, the others applied
        try:
            with transaction.atomic():
                (result,) = kind.apply([_received(item)])
        except DomainError as exc:
            item.answer = refusal_answer(str(exc.code), exc.message, exc.template, exc.params)
        else:
            item.answer = Answer(APPLIED, result=result)


def documents_receive(
    *, documents: Sequence[tuple[Mapping[str, Any], str]], remote_address: str = "", now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """The signed acknowledgements of ``documents`` ((envelope, signature) pairs), in their order."""
    identity: AgencyIdentity = settings.SOCSEC_AGENCY
    at = now or timezone.now()
    items = [_Item(index, document, signature) for index, (document, signature) in enumerate(documents)]
    _check_envelopes(items, identity)
    with transaction.atomic():
        _check_received_before(items)
        fresh = [i for i in items if i.answer is None and i.stored is None and i.duplicate_of is None]
        by_kind: dict[str, list[_Item]] = {}
        for item in fresh:
            by_kind.setdefault(item.document["kind"], []).append(item)
        for name, group in by_kind.items():
            _apply_kind(name, group)
        acks = _acknowledge(items, identity, at)
    _count_refused([i for i in items if not i.trusted or i.conflict], remote_address, at)
    return acks


def _count_refused(items: Sequence[_Item], remote_address: str, at: dt.datetime) -> None:
    """What could not be trusted or stored, added to the day's counter of its reason: one row per day and
    reason whatever the number of attempts, with the last one's details."""
    by_code: dict[str, list[_Item]] = {}
    for item in items:
        assert item.answer is not None
        by_code.setdefault(item.answer.code, []).append(item)
    day = timezone.localdate(at)
    for code, group in sorted(by_code.items()):
        last = group[-1]
        doc = last.document if isinstance(last.document, dict) else {}
        details = {
            "last_at": at,
            "last_sender": str(doc.get("sender", ""))[:100],
            "last_document_id": str(doc.get("document_id", ""))[:100],
            "last_message": last.answer.message[:500] if last.answer else "",
            "last_remote_address": remote_address[:60],
        }
        with transaction.atomic():
            counted = RefusedAttempts.objects.filter(day=day, code=code).update(
                count=F("count") + len(group), **details
            )
            if not counted:
                try:
                    with transaction.atomic():
                        RefusedAttempts.objects.create(day=day, code=code, count=len(group), first_at=at, **details)
                except IntegrityError:  # another delivery counted the day's first at the same moment
                    RefusedAttempts.objects.filter(day=day, code=code).update(count=F("count") + len(group), **details)


def _acknowledge(items: Sequence[_Item], identity: AgencyIdentity, at: dt.datetime) -> list[dict[str, Any]]:
    """The acknowledgements, the rows of the documents applied, and the count of those answered again."""
    acks: list[dict[str, Any]] = []
    signed_of: dict[int, dict[str, Any]] = {}
    new_rows: list[InboundDocument] = []
    replayed: list[int] = []
    for item in items:
        if item.stored is not None:
            acks.append(
                {"acknowledgement": item.stored.acknowledgement, "signature": item.stored.acknowledgement_signature}
            )
            replayed.append(item.stored.pk)
            continue
        if item.duplicate_of is not None:
            acks.append(signed_of[item.duplicate_of.index])
            continue
        assert item.answer is not None
        document = item.document if isinstance(item.document, dict) else {}
        signed = signed_of[item.index] = acknowledgement(
            identity=identity, document=document, answer=item.answer, at=at
        )
        acks.append(signed)
        if item.trusted and not item.conflict:  # applied, or refused after it verified: kept with its answer
            assert item.peer is not None
            applied = item.answer.outcome == APPLIED
            new_rows.append(
                InboundDocument(
                    sender=item.peer,
                    document_id=document["document_id"],
                    kind=document["kind"],
                    digest=digest(document),
                    state=DocumentState.APPLIED if applied else DocumentState.REFUSED,
                    acknowledgement=signed["acknowledgement"],
                    acknowledgement_signature=signed["signature"],
                )
            )
    if new_rows:
        rows = InboundDocument.objects.bulk_create(new_rows)  # ids returned (SQLite 3.35+, PostgreSQL)
        actor = Actor.system("agency:receive")
        done = [r for r in rows if r.state == DocumentState.APPLIED]
        kept_refused = [r for r in rows if r.state == DocumentState.REFUSED]
        if done:
            audit_record_many(actor=actor, action="interagency.document_applied", instances=done)
        if kept_refused:
            audit_record_many(actor=actor, action="interagency.document_refused", instances=kept_refused)
    if replayed:
        InboundDocument.objects.filter(pk__in=replayed).update(replays=F("replays") + 1)
    return acks
