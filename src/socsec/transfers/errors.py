"""The transfers' error codes: what a caller of their services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class TransferErrorCode(StrEnum):
    UNKNOWN_PERSON = "transfer_unknown_person"  # no person of that id (or resident ID) at this agency
    SAME_PROVINCE = "transfer_same_province"  # the relation is in that province already
    ARREARS = "transfer_arrears"  # contributions on the record are unpaid
    OPEN_CLAIM = "transfer_open_claim"  # a pension or unemployment claim is being decided
    PENSION_IN_PAYMENT = "transfer_pension_in_payment"  # a pension is paid
    IN_PROGRESS = "transfer_in_progress"  # another transfer of the person is not finished
    NOTHING_TO_TRANSFER = "transfer_nothing"  # no months and no money on record
    TEMPORARY_ACCOUNT = "transfer_temporary_account"  # the relation stays; a temporary account at the new place
    BAD_DOCUMENT = "transfer_bad_document"  # a document that cannot be read, or whose figures do not add up
    DUPLICATE_DOCUMENT = "transfer_duplicate_document"  # the same document id with other contents
    WRONG_AGENCY = "transfer_wrong_agency"  # a document for another agency
    WRONG_STATE = "transfer_wrong_state"  # the step does not follow from where the transfer is
    UNKNOWN_AGENCY = "transfer_unknown_agency"  # the receiving agency is neither this one nor a registered peer
    WITHDRAWN = "transfer_withdrawn"  # an officer withdrew the document whose answers could not be used
