"""The pension accounts' error codes: what a caller of their services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class PensionAccountErrorCode(StrEnum):
    LATER_YEAR_CREDITED = "later_year_credited"  # interest of a later year is credited already
    INTEREST_RUN_IN_PROGRESS = "interest_run_in_progress"  # another run credits the year right now
