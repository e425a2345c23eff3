"""Registering partners and their agreements. An agreement gets its OAuth2 client credentials when it is
made: the client id, and a secret shown once (the application keeps only its hash)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable

from django.db import transaction
from oauth2_provider.models import get_application_model

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, Reason, ValidationFailed
from socsec.core.text import text_refusal
from socsec.rules.texts import N_

from .catalogue import READ_FIELDS, SCOPES, SEND_FIELDS
from .models import Agreement, Partner

CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def _text(field: str, value: str, most: int, *, required: bool = True) -> None:
    problem: str | None = text_refusal(value) if value else (Reason(N_("is required")) if required else None)
    if problem is None and len(value) > most:
        problem = Reason(N_("holds more than %(most)s characters"), most=most)
    if problem:
        raise ValidationFailed("%(field)s: %(problem)s", field=field, params={"field": field, "problem": problem})


def partner_register(*, actor: Actor, code: str, name: str, kind: str, name_zh: str = "") -> Partner:
    if not CODE.fullmatch(code):
        raise ValidationFailed("code: 1-40 lower-case letters, digits and hyphens", field="code")
    _text("name", name, 200)
    _text("name_zh", name_zh, 200, required=False)
    if kind not in Partner.Kind.values:
        raise ValidationFailed(
            "kind: %(kind)s is not one of %(kinds)s",
            field="kind",
            params={"kind": kind, "kinds": ", ".join(Partner.Kind.values)},
        )
    with transaction.atomic():
        if Partner.objects.filter(code=code).exists():
            raise Conflict(
                "a partner with the code %(code)s is registered already", field="code", params={"code": code}
            )
        partner = Partner.objects.create(code=code, name=name, name_zh=name_zh, kind=kind)
        audit_record(actor=actor, action="partners.partner.register", instance=partner)
    return partner


def _outside(field: str, given: Iterable[str], known: Iterable[str]) -> None:
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValidationFailed(
            "%(field)s: %(unknown)s is not one of %(known)s",
            field=field,
            params={"field": field, "unknown": ", ".join(unknown), "known": ", ".join(known)},
        )


def agreement_create(
    *,
    actor: Actor,
    partner: Partner,
    reference: str,
    purpose: str,
    legal_basis: str,
    scopes: list[str],
    read_fields: list[str],
    send_fields: list[str],
    valid_from: dt.date,
    valid_until: dt.date,
    purpose_zh: str = "",
) -> tuple[Agreement, str]:
    """An agreement and its client credentials. Returns (agreement, client secret): the secret is shown
    once; the application keeps only its hash. A person field to read needs the lookup's scope."""
    _outside("scopes", scopes, SCOPES)
    _outside("read_fields", read_fields, READ_FIELDS)
    _outside("send_fields", send_fields, SEND_FIELDS)
    if read_fields and "persons:read" not in scopes:
        raise ValidationFailed("read_fields: reading persons needs the scope persons:read", field="read_fields")
    if not CODE.fullmatch(reference.lower()):
        raise ValidationFailed("reference: 1-40 letters, digits and hyphens", field="reference")
    _text("purpose", purpose, 300)
    _text("purpose_zh", purpose_zh, 300, required=False)
    _text("legal_basis", legal_basis, 300)
    if valid_until < valid_from:
        raise ValidationFailed("valid_until: is before valid_from", field="valid_until")
    secret = secrets.token_urlsafe(32)
    application_model = get_application_model()
    with transaction.atomic():
        if Agreement.objects.filter(reference=reference).exists():
            raise Conflict(
                "an agreement with the reference %(reference)s exists already",
                field="reference",
                params={"reference": reference},
            )
        application = application_model.objects.create(
            name=f"{partner.code}:{reference}"[:255],
            client_type=application_model.CLIENT_CONFIDENTIAL,
            authorization_grant_type=application_model.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,
        )
        agreement = Agreement.objects.create(
            partner=partner,
            reference=reference,
            purpose=purpose,
            purpose_zh=purpose_zh,
            legal_basis=legal_basis,
            scopes=sorted(set(scopes)),
            read_fields=sorted(set(read_fields)),
            send_fields=sorted(set(send_fields)),
            valid_from=valid_from,
            valid_until=valid_until,
            application=application,
        )
        audit_record(actor=actor, action="partners.agreement.create", instance=agreement)
    return agreement, secret
