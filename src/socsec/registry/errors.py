"""The registry's error codes: what a caller of its services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class RegistryErrorCode(StrEnum):
    REGION_EXISTS = "region_exists"
    ORGANISATION_EXISTS = "organisation_exists"
    PERSON_EXISTS = "person_exists"
    OTHER_ORGANISATION = "other_organisation"  # an organisation acting for another one
    OVERLAPPING_ENGAGEMENT = "overlapping_engagement"
    END_BEFORE_LAST_ORDER = "end_before_last_order"  # the organisation reported orders after that end
    END_BEFORE_CLAIM = "end_before_claim"  # a claim's event falls after that end
    END_BACKDATED = "end_backdated"  # further back than the organisation may date it without an officer
