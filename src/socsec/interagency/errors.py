"""Why a document from another agency is refused, and the exchange's other error codes (see
``socsec.core.errors``). A refusal's code travels in the signed acknowledgement."""

from __future__ import annotations

from enum import StrEnum


class InterAgencyErrorCode(StrEnum):
    UNKNOWN_SENDER = "agency_unknown_sender"  # the sender is not a registered peer (or is switched off)
    BAD_SIGNATURE = "agency_bad_signature"  # the signature does not verify with the sender's registered key
    WRONG_RECEIVER = "agency_wrong_receiver"  # the document is addressed to another agency
    UNKNOWN_KIND = "agency_unknown_kind"  # no kind of document of that name is handled here
    MALFORMED = "agency_document_malformed"  # the document's envelope or body is not what its kind reads
    DOCUMENT_CONFLICT = "agency_document_conflict"  # a document id already received with other content
    PEER_EXISTS = "agency_peer_exists"  # a peer with that code is registered already (with another key)
    UNKNOWN_PEER = "agency_unknown_peer"  # a document addressed to an agency not registered as a peer
    DOCUMENT_EXISTS = "agency_document_exists"  # a document id queued already with other content
    RECEIPT_MISMATCH = "agency_receipt_mismatch"  # an acknowledgement's result names another document or agency
    NOT_FLAGGED = "agency_document_not_flagged"  # only a flagged or pending document is sent again
    NOT_WITHDRAWABLE = "agency_document_not_withdrawable"  # only a flagged document of a kind that can, is withdrawn
