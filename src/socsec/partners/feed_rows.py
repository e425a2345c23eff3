"""The row checks of a partner's feed, as an order file's: each refused row gets its number (the file's
line, the header being line 1; in a JSON list, its place from 1), the field, a code and the reason as an
English template with its values (``socsec.contributions.orders.report``), so that the error report says
it in the reader's language. A row is applied whole or refused whole."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from socsec.benefits.claims import INJURY
from socsec.benefits.models import Claim, DeathNotice
from socsec.contributions.orders.report import RowErrors
from socsec.core.db import id_chunks
from socsec.core.text import storage_refusal
from socsec.registry.models import Person
from socsec.registry.validation import clean_resident_id

from .errors import FeedRowErrorCode as Code
from .models import HospitalRecord

KEPT_ERRORS = 1000


@dataclass
class CheckedRow:
    number: int
    person: Person | None  # none in a feed of organisations
    values: dict[str, Any]
    claim: Claim | None = None


@dataclass
class Checked:
    valid: list[CheckedRow] = field(default_factory=list)
    unchanged: int = 0
    errors: RowErrors = field(default_factory=lambda: RowErrors(KEPT_ERRORS))


def row_date(row: dict[str, str], name: str, number: int, errors: RowErrors, today: dt.date) -> dt.date | None:
    raw = (row.get(name) or "").strip()
    if not raw:
        errors.add(number, name, Code.MISSING, "%(field)s: is required", {"field": name})
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        errors.add(
            number,
            name,
            Code.BAD_VALUE,
            "%(field)s: %(value)r is not a date (YYYY-MM-DD)",
            {"field": name, "value": raw[:40]},
        )
        return None
    if day > today:
        errors.add(
            number, name, Code.FUTURE_DATE, "%(field)s: %(value)s is in the future", {"field": name, "value": raw}
        )
        return None
    return day


def row_text(
    row: dict[str, str], name: str, number: int, errors: RowErrors, *, most: int, required: bool
) -> str | None:
    value = (row.get(name) or "").strip()
    if not value and required:
        errors.add(number, name, Code.MISSING, "%(field)s: is required", {"field": name})
        return None
    refusal = storage_refusal(value) if value else None
    if refusal:
        errors.add(number, name, Code.BAD_VALUE, "%(field)s: %(reason)s", {"field": name, "reason": refusal})
        return None
    if len(value) > most:
        errors.add(
            number,
            name,
            Code.BAD_VALUE,
            "%(field)s: holds more than %(most)s characters",
            {"field": name, "most": most},
        )
        return None
    return value


def row_resident_id(row: dict[str, str], number: int, errors: RowErrors) -> str | None:
    problems: dict[str, list[str]] = {}
    value = clean_resident_id(row.get("resident_id"), problems)
    for message in problems.get("resident_id", []):
        code = Code.MISSING if message == "is required." else Code.BAD_VALUE
        errors.add(number, "resident_id", code, "resident_id: %(reason)s", {"reason": message})
    return value


def rows_persons(
    parsed: list[tuple[int, str, dict[str, Any]]], errors: RowErrors
) -> list[tuple[int, Person, dict[str, Any]]]:
    """The rows whose person is on the register (one query per 900 IDs); the others refused."""
    found = Person.objects.by_resident_id({resident_id for _n, resident_id, _v in parsed})
    rows = []
    for number, resident_id, values in parsed:
        person = found.get(resident_id)
        if person is None:
            errors.add(
                number, "resident_id", Code.UNKNOWN_PERSON, "resident_id: no person with this resident ID is registered"
            )
        else:
            rows.append((number, person, values))
    return rows


def check_deaths(rows: list[dict[str, str]], *, first: int, today: dt.date, **_: Any) -> Checked:
    out = Checked()
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=first):
        before = out.errors.total
        resident_id = row_resident_id(row, number, out.errors)
        died_on = row_date(row, "died_on", number, out.errors, today)
        certificate = row_text(row, "certificate_no", number, out.errors, most=60, required=False)
        if out.errors.total == before and resident_id and died_on:
            parsed.append((number, resident_id, {"died_on": died_on, "certificate_no": certificate or ""}))
    persons = rows_persons(parsed, out.errors)
    recorded: dict[int, dt.date] = {}
    for chunk in id_chunks([p.pk for _n, p, _v in persons]):
        recorded.update(DeathNotice.objects.filter(person_id__in=chunk).values_list("person_id", "died_on"))
    seen: set[int] = set()
    for number, person, values in persons:
        died_on = values["died_on"]
        if person.pk in seen:
            errors_repeat(out, number)
        elif died_on < person.birth_date:
            out.errors.add(
                number,
                "died_on",
                Code.CONFLICTS,
                "died_on: %(died_on)s is before the birth",
                {"died_on": died_on.isoformat()},
            )
        elif person.pk in recorded and recorded[person.pk] != died_on:
            out.errors.add(
                number,
                "died_on",
                Code.CONFLICTS,
                "died_on: a death on %(recorded)s is recorded already for this person",
                {"recorded": recorded[person.pk].isoformat()},
            )
        elif person.pk in recorded:
            out.unchanged += 1
        else:
            out.valid.append(CheckedRow(number, person, values))
        seen.add(person.pk)
    return out


def errors_repeat(out: Checked, number: int) -> None:
    out.errors.add(
        number, "resident_id", Code.REPEATED, "resident_id: this person is in the feed already, on an earlier row"
    )


def check_injuries(rows: list[dict[str, str]], *, first: int, today: dt.date, **_: Any) -> Checked:
    out = Checked()
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    for number, row in enumerate(rows, start=first):
        before = out.errors.total
        resident_id = row_resident_id(row, number, out.errors)
        injured_on = row_date(row, "injured_on", number, out.errors, today)
        admitted_on = row_date(row, "admitted_on", number, out.errors, today)
        hospital = row_text(row, "hospital", number, out.errors, most=120, required=True)
        diagnosis = row_text(row, "diagnosis_code", number, out.errors, most=20, required=False)
        if injured_on and admitted_on and admitted_on < injured_on:
            out.errors.add(
                number,
                "admitted_on",
                Code.CONFLICTS,
                "admitted_on: %(day)s is before the injury",
                {"day": admitted_on.isoformat()},
            )
        if out.errors.total == before and resident_id and injured_on and admitted_on and hospital:
            values: dict[str, Any] = {
                "injured_on": injured_on,
                "admitted_on": admitted_on,
                "hospital": hospital,
                "diagnosis_code": diagnosis or "",
            }
            parsed.append((number, resident_id, values))
    persons = rows_persons(parsed, out.errors)
    ids = [p.pk for _n, p, _v in persons]
    claims: dict[tuple[int, dt.date], Claim] = {}
    known: set[tuple[int, dt.date, str]] = set()
    for chunk in id_chunks(ids):
        open_claims = Claim.objects.filter(person_id__in=chunk, kind__in=INJURY).exclude(status=Claim.Status.WITHDRAWN)
        claims.update({(c.person_id, c.event_date): c for c in open_claims})
        known.update(
            HospitalRecord.objects.filter(person_id__in=chunk).values_list("person_id", "injured_on", "hospital")
        )
    seen: set[tuple[int, dt.date, str]] = set()
    for number, person, values in persons:
        key = (person.pk, values["injured_on"], values["hospital"])
        claim = claims.get((person.pk, values["injured_on"]))
        if key in seen:
            errors_repeat(out, number)
        elif claim is None:
            out.errors.add(
                number,
                "injured_on",
                Code.NO_CLAIM,
                "injured_on: no injury claim of this person names %(day)s",
                {"day": values["injured_on"].isoformat()},
            )
        elif key in known:
            out.unchanged += 1
        else:
            out.valid.append(CheckedRow(number, person, values, claim))
        seen.add(key)
    return out
