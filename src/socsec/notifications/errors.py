"""The notifications' error codes: those a service raises, and those a delivery keeps with it."""

from __future__ import annotations

from enum import StrEnum


class NotifyErrorCode(StrEnum):
    EVENT_UNKNOWN = "event_unknown"  # a notice of an event this version has no text for
    REQUIRED_NOTICE = "required_notice"  # a notice the law requires cannot be switched off
    ADDRESS_INVALID = "address_invalid"  # an email address or phone number that is not one
    NOT_RETRYABLE = "not_retryable"  # only a flagged delivery is sent again by hand


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
