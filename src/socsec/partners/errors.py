"""The partners' error codes: why a partner's call or feed was refused (see ``socsec.core.errors``), and
why a row of a feed was refused (the rows of its error report)."""

from __future__ import annotations

from enum import StrEnum


class PartnerErrorCode(StrEnum):
    NOT_A_PARTNER = "not_a_partner"  # the token is not a partner's (or the application has no agreement)
    AGREEMENT_NOT_IN_FORCE = "agreement_not_in_force"  # before its first day or after its last
    SCOPE_OUTSIDE_AGREEMENT = "scope_outside_agreement"  # the operation needs a scope the token lacks
    FIELD_OUTSIDE_AGREEMENT = "field_outside_agreement"  # a field asked for or sent that the agreement omits
    FEED_KEY_REUSED = "feed_key_reused"  # the partner's key was used for other rows
    FEED_UNREADABLE = "feed_unreadable"  # not a CSV with a header, or too large


class FeedRowErrorCode(StrEnum):
    MISSING = "missing"
    BAD_VALUE = "bad_value"  # a date that is not one, a resident ID with a wrong check digit, text too long
    FUTURE_DATE = "future_date"
    UNKNOWN_PERSON = "unknown_person"
    REPEATED = "repeated"  # the same person (and day) twice in one feed
    CONFLICTS = "conflicts"  # a death on another day is recorded already; a date before the birth
    NO_CLAIM = "no_claim"  # a hospital record of an injury no claim names
    NO_ACCOUNT = "no_account"  # a bank's answer on an account the agency does not hold for the person there
