"""The market regulator's feed of platform enterprises' registrations: each row a unified social credit
code (its check character verified, ``stdnum.cn.uscc``), the name, the registration date and the status.
A platform new to the agency is registered as an organisation through the registry's service; one it has
is brought up to date (its name through the registry's service too); one deregistered while the agency
has it is flagged for an officer, who decides what becomes of its workers' engagements. A deregistered
platform the agency never had changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.contributions.orders.report import RowErrors
from socsec.registry.models import Organisation
from socsec.registry.services import organisation_create, organisation_rename

from .errors import FeedRowErrorCode as Code
from .feed_rows import Checked, CheckedRow, row_date, row_text
from .models import Feed, PlatformRegistration

STATUSES = {s.value.lower(): s for s in PlatformRegistration.Status}
CHUNK = 900


def _credit_code(row: dict[str, str], number: int, errors: RowErrors) -> str | None:
    raw = (row.get("credit_code") or "").strip().upper()
    if not raw:
        errors.add(number, "credit_code", Code.MISSING, "%(field)s: is required", {"field": "credit_code"})
        return None
    try:
        return str(uscc.validate(raw))
    except ValidationError:
        errors.add(
            number,
            "credit_code",
            Code.BAD_VALUE,
            "credit_code: %(value)r is not a unified social credit code (18 characters with a check character)",
            {"value": raw[:40]},
        )
        return None


def _status(row: dict[str, str], number: int, errors: RowErrors) -> str | None:
    raw = (row.get("status") or "").strip().lower()
    if raw not in STATUSES:
        errors.add(
            number,
            "status",
            Code.MISSING if not raw else Code.BAD_VALUE,
            "status: %(value)r is not one of %(known)s",
            {"value": raw[:40], "known": ", ".join(STATUSES)},
        )
        return None
    return STATUSES[raw].value


def check_platforms(rows: list[dict[str, str]], *, first: int, today: dt.date, **_: Any) -> Checked:
    out = Checked()
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=first):
        before = out.errors.total
        code = _credit_code(row, number, out.errors)
        name = row_text(row, "name", number, out.errors, most=200, required=True)
        registered_on = row_date(row, "registered_on", number, out.errors, today)
        status = _status(row, number, out.errors)
        if out.errors.total == before and code and name and registered_on and status:
            parsed.append(
                (number, {"credit_code": code, "name": name, "registered_on": registered_on, "status": status})
            )
    codes = sorted({v["credit_code"] for _n, v in parsed})
    known: dict[str, PlatformRegistration] = {}
    organisations: dict[str, Organisation] = {}
    for at in range(0, len(codes), CHUNK):
        part = codes[at : at + CHUNK]
        known.update({r.credit_code: r for r in PlatformRegistration.objects.filter(credit_code__in=part)})
        organisations.update({o.credit_code or "": o for o in Organisation.objects.filter(credit_code__in=part)})
    seen: set[str] = set()
    for number, values in parsed:
        code = values["credit_code"]
        registration = known.get(code)
        same = registration is not None and (registration.name, registration.registered_on, registration.status) == (
            values["name"],
            values["registered_on"],
            values["status"],
        )
        if code in seen:
            out.errors.add(
                number,
                "credit_code",
                Code.REPEATED,
                "credit_code: this platform is in the feed already, on an earlier row",
            )
        elif same or (
            registration is None
            and code not in organisations
            and values["status"] == PlatformRegistration.Status.DEREGISTERED
        ):
            out.unchanged += 1
        else:
            values["registration"] = registration
            values["organisation"] = organisations.get(code)
            out.valid.append(CheckedRow(number, None, values))
        seen.add(code)
    return out


def platforms_apply(*, actor: Actor, feed: Feed, checked: Checked, today: dt.date) -> None:
    """Inside the feed's transaction: new platforms registered, known ones updated, deregistrations
    flagged; each change audited. Few rows of such a feed change anything: one row at a time."""
    for row in checked.valid:
        v = row.values
        registration: PlatformRegistration | None = v["registration"]
        organisation: Organisation | None = v["organisation"]
        if registration is None:
            if organisation is None:
                organisation = organisation_create(
                    actor=actor,
                    code=f"uscc-{v['credit_code'].lower()}",
                    name=v["name"],
                    kind=Organisation.Kind.PLATFORM,
                    credit_code=v["credit_code"],
                )
            registration = PlatformRegistration.objects.create(
                credit_code=v["credit_code"],
                name=v["name"],
                registered_on=v["registered_on"],
                status=v["status"],
                organisation=organisation,
                feed=feed,
                flagged=v["status"] == PlatformRegistration.Status.DEREGISTERED,
                updated_on=today,
            )
            audit_record(actor=actor, action="partners.platform_registration", instance=registration)
        else:
            before = snapshot(registration)
            newly_deregistered = (
                v["status"] == PlatformRegistration.Status.DEREGISTERED
                and registration.status != PlatformRegistration.Status.DEREGISTERED
            )
            registration.name, registration.registered_on, registration.status = (
                v["name"],
                v["registered_on"],
                v["status"],
            )
            registration.feed, registration.updated_on = feed, today
            registration.flagged = registration.flagged or newly_deregistered
            registration.save()
            action = "partners.platform_registration.flag" if newly_deregistered else "partners.platform_registration"
            audit_record(actor=actor, action=action, instance=registration, before=before)
            organisation = registration.organisation
        if organisation.name != v["name"]:
            organisation_rename(actor=actor, organisation=organisation, name=v["name"])
