"""The registry's error codes: what a caller of its services tells apart (see ``socsec.core.errors``)."""

from __future__ import annotations

from enum import StrEnum


class RegistryErrorCode(StrEnum):
    REGION_EXISTS = "region_exists"
    ORGANISATION_EXISTS = "organisation_exists"
    PERSON_EXISTS = "person_exists"
    OTHER_ORGANISATION = "other_organisation"  # an organisation acting for another one
    OVERLAPPING_ENGAGEMENT = "overlapping_engagement"
