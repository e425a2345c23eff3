"""The pension transfer carried between agencies, in two kinds of document:

- ``pension.transfer``: checked and credited on the receiving side by ``socsec.transfers``' services; the
  receipt, in the signed acknowledgement, completes the transfer on the sending side, which then issues
- ``pension.transfer.completed``: the receiving side's transfer completed in turn (so both sides end in
  COMPLETED, each on the other's word).

``transfers_send`` issues checked transfers into the outbox.

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
from socsec.transfers.errors import TransferErrorCode as TransferCode
from socsec.transfers.models import IncomingTransfer, OutgoingTransfer
from socsec.transfers.services import (
    transfer_document_apply,
    transfer_incoming_complete,
    transfer_issue,
    transfer_receipt_apply,
    transfer_refused_by_receiver,
)

from .errors import InterAgencyErrorCode as Code
from .kinds import DocumentKind, Outcome, Received
from .models import OutboundDocument
from .outbox import Issue, documents_issue

KIND = "pension.transfer"
COMPLETED_KIND = "pension.transfer.completed"
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
    """An applied transfer's receipt completes it here, and the receiving agency is told. A refused one is
    refused here too, with the receiver's code and message, and its amounts return from transit. The
    receipt is taken only for the document it answers and from the agency it went to: a receipt naming
    another document or agency is refused (a ``DomainError``: the outbox flags that one alone)."""
    actor = Actor.system("agency:receipt")
    told: dict[str, list[Issue]] = {}
    for outcome in outcomes:
        if not outcome.applied:
            transfer_refused_by_receiver(
                actor=actor,
                document_id=outcome.document_id,
                code=outcome.code,
                reason=outcome.message,
                template=outcome.template,
                params=outcome.params,
            )
            continue
        named = (outcome.result.get("document_id"), outcome.result.get("receiving_agency"))
        if named != (outcome.document_id, outcome.peer):
            raise ValidationFailed(
                "The receipt names document %(document)s of agency %(agency)s; it answers %(sent)s sent to %(peer)s.",
                code=Code.RECEIPT_MISMATCH,
                params={
                    "document": str(named[0])[:100],
                    "agency": str(named[1])[:100],
                    "sent": outcome.document_id,
                    "peer": outcome.peer,
                },
            )
        transfer_receipt_apply(actor=actor, receipt=outcome.result)
        told.setdefault(outcome.peer, []).append(
            Issue(f"{outcome.document_id}:completed", COMPLETED_KIND, {"document_id": outcome.document_id})
        )
    for agency, issues in told.items():
        documents_issue(actor=actor, peer_code=agency, documents=issues)


def _validate_completed(received: Received) -> None:
    document_id = received.body.get("document_id")
    ours = IncomingTransfer.objects.filter(document_id=document_id, sending_agency=received.sender).exists()
    if not isinstance(document_id, str) or not ours:
        raise ValidationFailed(
            "No transfer from %(sender)s was received here with document %(document)s.",
            code=Code.MALFORMED,
            params={"sender": received.sender, "document": str(document_id)[:100]},
        )


def _apply_completed(documents: Sequence[Received]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for d in documents:
        done = transfer_incoming_complete(actor=Actor.system(f"agency:{d.sender}"), document_id=d.body["document_id"])
        out.append({"document_id": done.document_id, "status": done.status})
    return out


def _withdraw(document_id: str, note: str, actor: Actor) -> None:
    """A withdrawn transfer document: the transfer refused here with the officer's note, its money back."""
    transfer_refused_by_receiver(
        actor=actor,
        document_id=document_id,
        code=TransferCode.WITHDRAWN,
        reason=WITHDRAWN % {"note": note},
        template=WITHDRAWN,
        params={"note": note},
        withdrawn=True,
    )


# the officer's note stays as written; the sentence around it is translated where shown
WITHDRAWN = "withdrawn by the sending agency: the receiving agency's answers could not be used (%(note)s)."

PENSION_TRANSFER = DocumentKind(name=KIND, validate=_validate, apply=_apply, settle=_settle, withdraw=_withdraw)
PENSION_TRANSFER_COMPLETED = DocumentKind(name=COMPLETED_KIND, validate=_validate_completed, apply=_apply_completed)


@dataclass
class SendReport:
    queued: list[OutboundDocument] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)  # transfer id: why it was not issued


def transfers_send(*, actor: Actor, transfers: Sequence[OutgoingTransfer]) -> SendReport:
    """Issue checked transfers to their receiving agencies (``transfer_issue`` queues each one's document in
    the outbox in the issue's transaction), ``SEND_CHUNK`` transfers a transaction. A transfer refused at
    issue (money outstanding now) is reported with the reason and queues nothing."""
    report = SendReport()
    for start in range(0, len(transfers), SEND_CHUNK):
        with transaction.atomic():
            issued: list[str] = []
            for transfer in transfers[start : start + SEND_CHUNK]:
                try:
                    issued.append(transfer_issue(actor=actor, transfer=transfer).document_id)
                except DomainError as exc:  # its own savepoint: the refusal it records stays
                    report.refused[transfer.pk] = exc.message
            queued = {d.document_id: d for d in OutboundDocument.objects.filter(document_id__in=issued)}
            report.queued.extend(queued[i] for i in issued if i in queued)
    return report
