"""The campaigns app's error codes."""

from __future__ import annotations

from enum import StrEnum


class CampaignErrorCode(StrEnum):
    SEGMENT_EMPTY = "campaign_segment_empty"
    IDEMPOTENCY_REUSED = "campaign_idempotency_key_reused"
