"""The notifications' error codes: those a service raises (a delivery's own codes are in ``delivery_codes``)."""

from __future__ import annotations

from enum import StrEnum


class NotifyErrorCode(StrEnum):
    EVENT_UNKNOWN = "event_unknown"  # a notice of an event this version has no text for
    REQUIRED_NOTICE = "required_notice"  # a notice the law requires cannot be switched off
    ADDRESS_INVALID = "address_invalid"  # an email address or phone number that is not one
    NOT_RETRYABLE = "not_retryable"  # only a flagged delivery is sent again by hand
