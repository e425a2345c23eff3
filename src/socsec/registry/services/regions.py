"""Regions: creating one, and finding regions by code for the other registry writes."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, ValidationFailed

from .. import validation as v
from ..errors import RegistryErrorCode
from ..models import Region


def find_region(code: object, errors: v.Errors, field: str) -> Region | None:
    """A region by code from the database (an error under ``field`` when the code is missing or unknown)."""
    if not code:
        v.add(errors, field, "is required.")
        return None
    region = Region.objects.filter(code=str(code)).first()
    if region is None:
        v.add(errors, field, f"unknown region code {code!r}.")
    return region


def region_create(*, actor: Actor, code: str, name: str, name_zh: str, parent_code: str | None = None) -> Region:
    errors: v.Errors = {}
    if not (isinstance(code, str) and len(code) == 6 and code.isdigit()):
        v.add(errors, "code", "must be a 6-digit administrative division code.")
    parent = find_region(parent_code, errors, "parent_code") if parent_code else None
    if parent is not None and (parent.level != Region.Level.PROVINCE or parent.code[:2] != code[:2]):
        v.add(errors, "parent_code", f"{parent_code} is not the province of {code}.")
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        if Region.objects.filter(code=code).exists():
            raise Conflict(
                "region %(code)s already exists",
                field="code",
                code=RegistryErrorCode.REGION_EXISTS,
                params={"code": code},
            )
        region = Region.objects.create(
            code=code,
            name=name,
            name_zh=name_zh,
            parent=parent,
            level=Region.Level.CITY if parent else Region.Level.PROVINCE,
        )
        audit_record(actor=actor, action="region.create", instance=region)
    return region


def lookup_region(code: object, errors: v.Errors, field: str, regions: Mapping[str, Region] | None) -> Region | None:
    """A region by code, from a preloaded map (bulk imports) or the database."""
    if regions is None:
        return find_region(code, errors, field)
    region = regions.get(str(code)) if code else None
    if region is None:
        v.add(errors, field, "is required." if not code else f"unknown region code {code!r}.")
    return region
