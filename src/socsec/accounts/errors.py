"""The accounts' error codes: what a caller of their services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class AccountErrorCode(StrEnum):
    USER_EXISTS = "user_exists"
    OTHER_ORGANISATION = "other_organisation"  # an organisation acting for another
