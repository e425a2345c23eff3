"""The pension transfer document carried between agencies: the kind ``pension.transfer`` (checked and
credited on the receiving side by ``socsec.transfers``' services, the receipt back completing the transfer
on the sending side), and ``transfers_send``, which issues transfers into the outbox.

The document's ``sending.agency`` must be the agency whose signature it carries: an agency cannot send a
transfer in another's name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from socsec.audit.services import Actor
from socsec.core.errors import DomainError, Forbidden, ValidationFailed
from socsec.transfers.documents import DocumentError, TransferDocument
from socsec.transfers.models import OutgoingTransfer
from socsec.transfers.services import transfer_document_apply, transfer_issue, transfer_receipt_apply

from .errors import InterAgencyErrorCode as Code
from .kinds import DocumentKind, Outcome, Received
from .models import OutboundDocument
from .outbox import Issue, documents_issue

KIND = "pension.transfer"
SEND_CHUNK = 100  # transfers issued per transaction


def _document(received: Received) -> TransferDocument:
    try:
        document = TransferDocument.from_json(received.body)
    except DocumentError as exc:
        raise ValidationFailed(
            "document: %(path)s %(reason)s", code=Code.MALFORMED, params={"path": exc.path, "reason": exc.reason}
        ) from None
    return document


def _validate(received: Received) -> None:
    document = _document(received)
    if document.sending.agency != received.sender:
        raise Forbidden(
            "The transfer names %(named)s as its sending agency but was signed by %(sender)s.",
            code=Code.UNKNOWN_SENDER,
            params={"named": document.sending.agency, "sender": received.sender},
        )
    if document.document_id != received.document_id:
        raise ValidationFailed(
            "The transfer's document id %(inner)s is not the envelope's %(outer)s.",
            code=Code.MALFORMED,
            params={"inner": document.document_id, "outer": received.document_id},
        )


def _apply(documents: Sequence[Received]) -> list[Mapping[str, Any]]:
    return [
        transfer_document_apply(actor=Actor.system(f"agency:{d.sender}"), document=d.body).as_json() for d in documents
    ]


def _settle(outcomes: Sequence[Outcome]) -> None:
    """An applied transfer's receipt completes it here. A refused one stays issued, its document refused
    with the reason (``OutboundDocument.refusal_code``, the acknowledgement's message) for an officer."""
    for outcome in outcomes:
        if outcome.applied:
            transfer_receipt_apply(actor=Actor.system("agency:receipt"), receipt=outcome.result)


PENSION_TRANSFER = DocumentKind(name=KIND, validate=_validate, apply=_apply, settle=_settle)


@dataclass
class SendReport:
    queued: list[OutboundDocument] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # transfer id: why it was not issued


def transfers_send(*, actor: Actor, transfers: Sequence[OutgoingTransfer]) -> SendReport:
    """Issue checked transfers to their receiving agencies: each transfer's document (and its sending
    ledger entries) and its place in the outbox in one transaction, ``SEND_CHUNK`` transfers a transaction.
    A transfer refused at issue (money outstanding now) is reported with the reason and queues nothing."""
    report = SendReport()
    for start in range(0, len(transfers), SEND_CHUNK):
        with transaction.atomic():
            by_agency: dict[str, list[Issue]] = {}
            for transfer in transfers[start : start + SEND_CHUNK]:
                try:
                    document = transfer_issue(actor=actor, transfer=transfer)
                except DomainError as exc:  # its own savepoint: the refusal it records stays
                    report.refused[transfer.pk] = exc.message
                    continue
                by_agency.setdefault(transfer.receiving_agency, []).append(
                    Issue(document.document_id, KIND, document.as_json())
                )
            for agency, issues in by_agency.items():
                report.queued.extend(documents_issue(actor=actor, peer_code=agency, documents=issues))
    return report
