"""Persons: checking a person's fields against the resident ID, registering one, importing many."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from socsec.audit.services import Actor, audit_record, audit_record_many, snapshot
from socsec.core.db import lock
from socsec.core.errors import Conflict, ValidationFailed

from .. import validation as v
from ..errors import RegistryErrorCode
from ..ids import new_person_id
from ..models import Person, Region
from .regions import lookup_region
from .rows import RowError, raise_row_problems


@dataclass(frozen=True)
class PersonData:
    resident_id: str
    name: str
    birth_date: dt.date
    sex: str
    residence_region: Region
    retirement_group: str


def clean_person(
    fields: Mapping[str, Any], errors: v.Errors, regions: Mapping[str, Region] | None = None
) -> PersonData | None:
    """A person's fields checked against the resident ID (problems added to ``errors``); None when any is wrong."""
    rid = v.clean_resident_id(fields.get("resident_id"), errors)
    name = v.clean_name(fields.get("name"), errors)
    region = lookup_region(fields.get("residence_region"), errors, "residence_region", regions)
    birth = fields.get("birth_date")
    if isinstance(birth, str):
        try:
            birth = dt.date.fromisoformat(birth)
        except ValueError:
            v.add(errors, "birth_date", f"{birth!r} is not a date (YYYY-MM-DD).")
            birth = None
    if rid is None:
        return None
    birth_date, sex = v.check_consistent_with_id(rid, birth, fields.get("sex"), errors)
    group = v.clean_retirement_group(fields.get("retirement_group"), sex, errors)
    if errors or name is None or region is None:
        return None
    return PersonData(rid, name, birth_date, sex, region, group)


def person_register(
    *,
    actor: Actor,
    resident_id: str,
    name: str,
    residence_region: str,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    retirement_group: str | None = None,
) -> Person:
    """Register a person. Birth date and sex are read from the ID; when given, they must agree with it. The
    original retirement group is one of the sex's (by default men 60, women 55)."""
    errors: v.Errors = {}
    data = clean_person(
        {
            "resident_id": resident_id,
            "name": name,
            "residence_region": residence_region,
            "birth_date": birth_date,
            "sex": sex,
            "retirement_group": retirement_group,
        },
        errors,
    )
    if errors or data is None:
        raise ValidationFailed.from_fields(errors)
    try:
        with transaction.atomic():
            if Person.objects.with_resident_id(data.resident_id).exists():
                raise Conflict(
                    "a person with this resident ID is already registered",
                    field="resident_id",
                    code=RegistryErrorCode.PERSON_EXISTS,
                )
            person = person_insert(data)
            audit_record(actor=actor, action="person.register", instance=person)
    except IntegrityError:  # a concurrent registration of the same ID won the race
        raise Conflict(
            "a person with this resident ID is already registered",
            field="resident_id",
            code=RegistryErrorCode.PERSON_EXISTS,
        ) from None
    return person


def person_insert(data: PersonData) -> Person:
    """Insert a person under a random id (``new_person_id``), drawing again in the rare case that the id is
    taken. Any other refusal (the resident ID registered meanwhile) is raised as it is."""
    for _attempt in range(3):
        person = Person(
            id=new_person_id(),
            resident_id=data.resident_id,
            name=data.name,
            birth_date=data.birth_date,
            sex=data.sex,
            retirement_group=data.retirement_group,
            residence_region=data.residence_region,
        )
        try:
            with transaction.atomic():  # a savepoint: the enclosing transaction survives a refusal
                person.save(force_insert=True)
        except IntegrityError:
            if not Person.objects.filter(pk=person.pk).exists():
                raise
            continue
        return person
    raise IntegrityError("no free person id after 3 draws")


def persons_import(*, actor: Actor, rows: Sequence[Mapping[str, Any]]) -> list[Person]:
    """Register many persons at once: all rows are checked first; one bad row and nothing is written.
    The error lists every bad row (1-based) with its field and reason."""
    regions = {r.code: r for r in Region.objects.all()}
    problems: list[RowError] = []
    cleaned: list[PersonData] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows, start=1):
        errors: v.Errors = {}
        data = clean_person(row, errors, regions)
        if data is not None and data.resident_id in seen:
            v.add(errors, "resident_id", f"repeats row {seen[data.resident_id]}.")
        for field, messages in errors.items():
            problems.extend(RowError(i, field, m) for m in messages)
        if data is not None and not errors:
            seen[data.resident_id] = i
            cleaned.append(data)
    existing = set(Person.objects.by_resident_id(d.resident_id for d in cleaned))
    for d in cleaned:
        if d.resident_id in existing:
            problems.append(RowError(seen[d.resident_id], "resident_id", "is already registered."))
    raise_row_problems(problems)
    try:
        people = _insert_people(actor, cleaned)
    except IntegrityError:  # a concurrent registration took one of the IDs after the check
        raise Conflict(
            "a person in this batch was registered meanwhile; nothing was written; send it again",
            field="resident_id",
            code=RegistryErrorCode.PERSON_EXISTS,
        ) from None
    return people


def _draw_free_ids(people: list[Person]) -> None:
    """Give each new person a random id that is neither taken nor drawn twice in this batch (the ids were
    drawn when the objects were built; a clash is rare, and is drawn again here)."""
    pending = people
    while pending:
        taken: set[int] = set()
        ids = [p.pk for p in pending]
        for start in range(0, len(ids), 900):
            taken.update(Person.objects.filter(pk__in=ids[start : start + 900]).values_list("pk", flat=True))
        seen: set[int] = set()
        again = []
        for p in people:
            if p.pk in taken or p.pk in seen:
                again.append(p)
            else:
                seen.add(p.pk)
        for p in again:
            p.pk = new_person_id()
        pending = again


def _insert_people(actor: Actor, cleaned: list[PersonData]) -> list[Person]:
    with transaction.atomic():
        built = [
            Person(
                id=new_person_id(),
                resident_id=d.resident_id,
                name=d.name,
                birth_date=d.birth_date,
                sex=d.sex,
                retirement_group=d.retirement_group,
                residence_region=d.residence_region,
            )
            for d in cleaned
        ]
        _draw_free_ids(built)
        people = Person.objects.bulk_create(built, batch_size=1000)
        audit_record_many(actor=actor, action="person.register", instances=people)
    return people


def person_birth_date_correct(*, actor: Actor, person: Person, birth_date: dt.date, reason: str) -> Person:
    """Correct a person's registered birth date to the one their resident ID gives (the only one the
    registry accepts), with the reason (a data-quality correction the person confirmed, say)."""
    errors: v.Errors = {}
    with transaction.atomic():
        locked = lock(Person.objects).get(pk=person.pk)
        v.check_consistent_with_id(locked.resident_id, birth_date, None, errors)
        if errors:
            raise ValidationFailed.from_fields(errors)
        if not reason.strip():
            raise ValidationFailed("reason: is required: say what the correction rests on.", field="reason")
        before = snapshot(locked)
        locked.birth_date = birth_date
        locked.save(update_fields=["birth_date"])
        audit_record(actor=actor, action="person.birth_date.correct", instance=locked, before=before)
    return locked
