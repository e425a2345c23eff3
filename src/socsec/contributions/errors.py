"""The contributions' error codes: what a caller of their services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


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
