"""The accounts' error codes: what a caller of their services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class AccountErrorCode(StrEnum):
    USER_EXISTS = "user_exists"
    OTHER_ORGANISATION = "other_organisation"  # an organisation acting for another
    SCOPE_MISSING = "scope_missing"  # an API token without the scope the operation needs
    TOKEN_REVOKED = "token_revoked"  # rotating or revoking a token that no longer works
    UNKNOWN_SCOPE = "unknown_scope"
    RATE_LIMITED = "rate_limited"
    LOCKED_OUT = "locked_out"  # too many failed logins from one address for one username
    SECOND_FACTOR_REQUIRED = "second_factor_required"  # staff session without a verified TOTP device
