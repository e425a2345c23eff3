"""The benefits' error codes: what a caller of their services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class BenefitErrorCode(StrEnum):
    DUPLICATE_CLAIM = "duplicate_claim"  # an open claim of the same kind for the same event
    STALE = "stale"  # the claim changed since the version the caller read
    BAD_TRANSITION = "bad_transition"  # the claim's status does not allow the step
    MAKER_CHECKER = "maker_checker"  # a large award needs a second officer
    DUPLICATE = "duplicate"  # an enterprise's job-retention rebate for the year is decided already
    BANK_FILE_NOT_WRITTEN = "bank_file_not_written"  # a recorded bank file is absent and cannot be written
