"""A partner's lookup of persons by resident ID: only the fields asked for, each named by its agreement
(a field outside it refuses the whole lookup, see ``access``), and every person found logged in the read
log with the agreement and its purpose. A resident ID not on the register is answered ``found: false``:
the partner learns nothing else of it. A constant number of queries for up to ``LOOKUP_MAX`` IDs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from socsec.audit.models import ReadPurpose
from socsec.audit.reads import log_personal_read
from socsec.audit.services import Actor
from socsec.benefits.models import Award, Claim, DeathNotice
from socsec.core.errors import ValidationFailed
from socsec.registry.models import Person

from .access import PARTNER_ROLE, PartnerCall, call_require, fields_require
from .refusals import refusals_logged

LOOKUP_MAX = 100
ACTION = "persons.lookup"


def persons_lookup(
    *, call: PartnerCall, resident_ids: list[str], fields: list[str], today: dt.date
) -> list[dict[str, Any]]:
    call_require(call, scope="persons:read", action=ACTION, today=today)
    fields_require(call, fields=fields, allowed=call.agreement.read_fields, action=ACTION)
    with refusals_logged(action=ACTION, agreement=call.agreement):
        if not fields:
            raise ValidationFailed("fields: name at least one field to read", field="fields")
        if not 1 <= len(resident_ids) <= LOOKUP_MAX:
            raise ValidationFailed(
                "resident_ids: from 1 to %(most)s resident IDs a lookup",
                field="resident_ids",
                params={"most": LOOKUP_MAX},
            )
    found = Person.objects.select_related("residence_region").by_resident_id(resident_ids)
    ids = [p.pk for p in found.values()]
    died = dict(DeathNotice.objects.filter(person_id__in=ids).values_list("person_id", "died_on"))
    pensioners = set(
        Award.objects.in_force()
        .filter(claim__kind=Claim.Kind.PENSION, claim__person_id__in=ids, periodic=True)
        .values_list("claim__person_id", flat=True)
    )
    values: dict[str, Callable[[Person], Any]] = {
        "name": lambda p: p.name,
        "birth_date": lambda p: p.birth_date.isoformat(),
        "sex": lambda p: p.sex,
        "residence_region": lambda p: p.residence_region.code,
        "died_on": lambda p: died[p.pk].isoformat() if p.pk in died else None,
        "receives_pension": lambda p: p.pk in pensioners,
    }
    answers: list[dict[str, Any]] = []
    for resident_id in resident_ids:
        person = found.get(resident_id)
        if person is None:
            answers.append({"resident_id": resident_id, "found": False, "fields": {}})
        else:
            answers.append(
                {"resident_id": resident_id, "found": True, "fields": {f: values[f](person) for f in fields}}
            )
    partner = call.agreement.partner
    with transaction.atomic():  # the answer counts once its reads are logged
        log_personal_read(
            actor=Actor(label=partner.name),
            role=PARTNER_ROLE,
            person_ids=ids,
            purpose=ReadPurpose.PARTNER_EXCHANGE,
            what="partner lookup",
            agreement=call.agreement.reference,
        )
    return answers
