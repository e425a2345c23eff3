"""Coverage's error codes: what a caller of its services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class CoverageErrorCode(StrEnum):
    OVERLAPPING_ACTIVATION = "overlapping_activation"
