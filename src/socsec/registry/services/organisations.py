"""Organisations (platforms, employers, intermediaries): registering one, and the rule that an
organisation acts only for itself."""

from __future__ import annotations

from django.db import transaction

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.errors import Conflict, Forbidden, ValidationFailed

from .. import validation as v
from ..errors import RegistryErrorCode
from ..models import Organisation
from .regions import find_region


def organisation_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    name_zh: str = "",
    credit_code: str | None = None,
    registered_region_code: str | None = None,
) -> Organisation:
    errors: v.Errors = {}
    if not code or not all(c.isalnum() or c in "-_" for c in code) or len(code) > 40:
        v.add(errors, "code", "must be 1-40 letters, digits, '-' or '_'.")
    cleaned_name = v.clean_name(name, errors, max_length=200)
    name_zh = (v.clean_name(name_zh, errors, field="name_zh", max_length=200) or "") if name_zh.strip() else ""
    if kind not in Organisation.Kind.values:
        v.add(errors, "kind", f"{kind!r} is not one of {', '.join(Organisation.Kind.values)}.")
    credit = v.clean_credit_code(credit_code, errors)
    region = find_region(registered_region_code, errors, "registered_region") if registered_region_code else None
    if errors or cleaned_name is None:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        if Organisation.objects.filter(code=code).exists():
            raise Conflict(
                "organisation %(code)s already exists",
                field="code",
                code=RegistryErrorCode.ORGANISATION_EXISTS,
                params={"code": code},
            )
        if credit and Organisation.objects.filter(credit_code=credit).exists():
            raise Conflict(
                "credit code %(credit)s is already registered", field="credit_code", params={"credit": credit}
            )
        org = Organisation.objects.create(
            code=code,
            name=cleaned_name,
            name_zh=name_zh,
            kind=kind,
            credit_code=credit,
            registered_region=region,
        )
        audit_record(actor=actor, action="organisation.create", instance=org)
    return org


def organisation_rename(*, actor: Actor, organisation: Organisation, name: str) -> Organisation:
    """The organisation's name as its registration now gives it (the market regulator's feed)."""
    errors: v.Errors = {}
    cleaned = v.clean_name(name, errors, max_length=200)
    if errors or cleaned is None:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        before = snapshot(organisation)
        organisation.name = cleaned
        organisation.save(update_fields=["name"])
        audit_record(actor=actor, action="organisation.rename", instance=organisation, before=before)
    return organisation


def check_actor_may_use(actor: Actor, organisation: Organisation) -> None:
    """An organisation's own actor may act only for that organisation (the agency's actors for any)."""
    if actor.organisation_id is not None and actor.organisation_id != organisation.pk:
        raise Forbidden(
            "an organisation may only register engagements with itself",
            field="organisation",
            code=RegistryErrorCode.OTHER_ORGANISATION,
        )
