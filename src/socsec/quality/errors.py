"""The data-quality app's error codes (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class QualityErrorCode(StrEnum):
    NOT_CORRECTABLE = "not_correctable"  # the finding's rule has no correction the person confirms
    FINDING_CLOSED = "finding_closed"  # the finding is resolved: nothing to correct
    CORRECTION_PENDING = "correction_pending"  # a correction of the finding waits for the person already
    CORRECTION_DECIDED = "correction_decided"  # confirmed or rejected already
    CORRECTION_STALE = "correction_stale"  # the record changed since it was proposed: nothing applied
    VALUE_INVALID = "value_invalid"  # the new value fails the field's check
