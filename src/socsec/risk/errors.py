"""The risk cases' error codes: what a caller of their services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class RiskErrorCode(StrEnum):
    ALREADY_DECIDED = "risk_case_decided"  # the case's outcome is recorded already
    BAD_OUTCOME = "risk_bad_outcome"  # an outcome other than confirmed or false positive
    NOTE_REQUIRED = "risk_note_required"  # an outcome is recorded with the officer's note
