"""Why a delivery waits again or is flagged: codes kept on the delivery for the outbox page, not errors an
API call answers with (those are in ``errors``)."""

from __future__ import annotations

from enum import StrEnum


class DeliveryError(StrEnum):
    """Why a delivery is waiting again (transient) or flagged (kept for an officer)."""

    RECIPIENT_MALFORMED = "recipient_malformed"
    RECIPIENT_UNKNOWN = "recipient_unknown"
    ADDRESS_INVALID = "address_invalid"
    TEMPLATE_MISSING = "template_missing_language"
    TEMPLATE_VALUES = "template_values_missing"
    PROVIDER_TIMEOUT = "provider_timeout"
    PROVIDER_REFUSED = "provider_refused"
    GAVE_UP = "gave_up_after_retries"
