"""The contributions' error codes: what a caller of their services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from socsec.core.errors import Conflict, DomainError


class ContributionErrorCode(StrEnum):
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"  # the same key with other content
    BATCH_IN_PROGRESS = "batch_in_progress"  # the batch is being ingested by another request
    PAYMENT_REFERENCE_REUSED = "payment_reference_reused"
    ALREADY_PAID = "already_paid"  # own contributions for those months are recorded already
    OVERLAP = "overlap"  # a relief group's period overlaps another of the person's
    WITHHOLDING_IN_FORCE = "withholding_in_force"
    DECLARATION_DECIDED = "declaration_decided"  # a declared payment already booked, awaiting approval or rejected
    MAKER_CHECKER = "maker_checker"  # a large declared payment needs a second officer
    ENDED = "ended"  # a withholding mandate withdrawn or ended already
    UPLOAD_TOO_LARGE = "upload_too_large"  # over the byte or row limit of one batch (HTTP 413)
    STORED_FILE_DAMAGED = "stored_file_damaged"  # an accepted batch's file is missing or fails its checksum
    BATCH_ASSESSED = "batch_assessed"  # a batch an assessment run has counted cannot be withdrawn
    BATCH_NOT_WITHDRAWABLE = "batch_not_withdrawable"  # withdrawn already, or still being written
    ALREADY_JOINED = "already_joined"  # the person joined that voluntary scheme before
    NOT_JOINED = "not_joined"  # an own contribution of a scheme the person has not joined
    PAYMENT_PENDING = "payment_pending"  # months a payment waiting for the provider covers already
    ASSESSMENT_RACED = "assessment_raced"  # the month's runs or batches kept changing during its assessment


class OrderRowErrorCode(StrEnum):
    """Why a row of an order batch was refused (the ``code`` of each entry of its error report)."""

    UNREADABLE = "unreadable"  # the row could not be read (short or long row, not UTF-8, not JSON)
    REQUIRED = "required"
    INVALID_ACTION = "invalid_action"
    INVALID_DATE = "invalid_date"
    OUTSIDE_WINDOW = "outside_window"
    INVALID_FARE = "invalid_fare"
    DUPLICATE_IN_BATCH = "duplicate_in_batch"  # the same order id reported twice, or corrected twice
    ALREADY_REPORTED = "already_reported"
    NOT_ENGAGED = "not_engaged"  # no engagement of the platform for this worker (whether or not registered)
    UNKNOWN_REGION = "unknown_region"
    NOT_PILOT_SECTOR = "not_pilot_sector"
    NOT_PLATFORM_SECTOR = "not_platform_sector"  # the platform's engagement of the worker is in another sector
    NOT_REPORTED_BEFORE = "not_reported_before"
    ALREADY_VOID = "already_void"
    MONTH_MOVED = "month_moved"


class UploadTooLarge(DomainError):
    """An upload over a limit, refused before it was read."""

    status = 413
    code = ContributionErrorCode.UPLOAD_TOO_LARGE


class StoredFilesDamaged(Conflict):
    """Files of accepted batches that cannot be read: missing, or not what their manifest's checksum says.
    Each is named with its batch, so that the batch can be withdrawn and sent again."""

    def __init__(self, damaged: list[dict[str, Any]], cause: str) -> None:
        batches = ", ".join(str(b) for b in sorted({d["batch"] for d in damaged}))
        if batches:
            message = (
                "the stored file(s) of batch(es) %(batches)s are missing or damaged; "
                "withdraw those batches and send them again"
            )
        else:
            message = "the stored order files could not be read (%(cause)s); ask the agency to run socsec verify"
        super().__init__(
            message,
            field="file",
            code=ContributionErrorCode.STORED_FILE_DAMAGED,
            details={"damaged": damaged},
            params={"batches": batches} if batches else {"cause": cause},
        )
        self.damaged = damaged


class AssessmentRaced(Conflict):
    """The month's runs or batches changed while it was assessed, each time it was tried."""

    def __init__(self, month: str, attempts: int) -> None:
        super().__init__(
            "the runs or accepted batches of %(month)s changed while it was assessed, %(attempts)s times;"
            " run the assessment again",
            code=ContributionErrorCode.ASSESSMENT_RACED,
            params={"month": month, "attempts": attempts},
        )
