"""Writes of transfers (the interface is described in ``documents``).

Sending side: ``transfer_request`` (checks, then REQUESTED and CHECKED with the amounts worked out),
``transfer_issue`` (checks again, posts the sending ledger entries, ISSUED, returns the document),
``transfer_receipt_apply`` (COMPLETED), ``transfer_refused_by_receiver`` (REFUSED, the money returned).
Receiving side: ``transfer_document_apply`` (RECEIVED and CREDITED in
one transaction, returns the receipt). ``transfer_deliver_locally`` carries a document between two regions of
this deployment: issue, apply, receipt. Every write is one transaction with its audit entry; a refusal is a
``DomainError`` with a ``TransferErrorCode`` and writes nothing."""

from __future__ import annotations

import datetime as dt

from socsec.audit.services import Actor
from socsec.core.errors import Conflict

from ..errors import TransferErrorCode as Code
from ..models import OutgoingTransfer
from .receiving import transfer_document_apply, transfer_incoming_complete
from .sending import (
    document_of,
    is_temporary,
    receiving_agencies,
    receiving_agency_for,
    this_agency,
    transfer_issue,
    transfer_receipt_apply,
    transfer_refused_by_receiver,
    transfer_request,
)


def transfer_deliver_locally(
    *, actor: Actor, transfer: OutgoingTransfer, today: dt.date | None = None
) -> OutgoingTransfer:
    """Between two regions of this deployment: issue the document, apply it, apply the receipt (each step
    its own transaction, each idempotent, so a run stopped between them is finished by running it again)."""
    if transfer.receiving_agency != this_agency():
        raise Conflict(
            "the receiving agency %(agency)s is another deployment; the exchange between agencies carries it.",
            code=Code.WRONG_AGENCY,
            params={"agency": transfer.receiving_agency},
        )
    document = transfer_issue(actor=actor, transfer=transfer, today=today)
    receipt = transfer_document_apply(actor=actor, document=document)
    done = transfer_receipt_apply(actor=actor, receipt=receipt)
    transfer_incoming_complete(actor=actor, document_id=receipt.document_id)
    return done


__all__ = [
    "document_of",
    "is_temporary",
    "receiving_agencies",
    "receiving_agency_for",
    "this_agency",
    "transfer_deliver_locally",
    "transfer_document_apply",
    "transfer_incoming_complete",
    "transfer_issue",
    "transfer_receipt_apply",
    "transfer_refused_by_receiver",
    "transfer_request",
]
