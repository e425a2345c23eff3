"""Registry writes. Each runs in one transaction, validates every field before writing anything, and
leaves an audit entry. Errors name the field and the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Q

from socsec.audit.services import Actor, audit_record, audit_record_many, snapshot
from socsec.core.db import lock
from socsec.core.errors import Conflict, Forbidden, ValidationFailed
from socsec.rules.coverage import Category, Sector
from socsec.rules.engine import compute
from socsec.rules.parameters import ParameterError, load_parameters

from . import validation as v
from .errors import RegistryErrorCode
from .models import Engagement, Organisation, Person, Region


def _region(code: object, errors: v.Errors, field: str) -> Region | None:
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
    parent = _region(parent_code, errors, "parent_code") if parent_code else None
    if parent is not None and (parent.level != Region.Level.PROVINCE or parent.code[:2] != code[:2]):
        v.add(errors, "parent_code", f"{parent_code} is not the province of {code}.")
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        if Region.objects.filter(code=code).exists():
            raise Conflict(f"region {code} already exists", field="code", code=RegistryErrorCode.REGION_EXISTS)
        region = Region.objects.create(
            code=code,
            name=name,
            name_zh=name_zh,
            parent=parent,
            level=Region.Level.CITY if parent else Region.Level.PROVINCE,
        )
        audit_record(actor=actor, action="region.create", instance=region)
    return region


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
    if kind not in Organisation.Kind.values:
        v.add(errors, "kind", f"{kind!r} is not one of {', '.join(Organisation.Kind.values)}.")
    credit = v.clean_credit_code(credit_code, errors)
    region = _region(registered_region_code, errors, "registered_region") if registered_region_code else None
    if errors or cleaned_name is None:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        if Organisation.objects.filter(code=code).exists():
            raise Conflict(
                f"organisation {code} already exists", field="code", code=RegistryErrorCode.ORGANISATION_EXISTS
            )
        if credit and Organisation.objects.filter(credit_code=credit).exists():
            raise Conflict(f"credit code {credit} is already registered", field="credit_code")
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


@dataclass(frozen=True)
class PersonData:
    resident_id: str
    name: str
    birth_date: dt.date
    sex: str
    residence_region: Region


def _lookup_region(code: object, errors: v.Errors, field: str, regions: Mapping[str, Region] | None) -> Region | None:
    """A region by code, from a preloaded map (bulk imports) or the database."""
    if regions is None:
        return _region(code, errors, field)
    region = regions.get(str(code)) if code else None
    if region is None:
        v.add(errors, field, "is required." if not code else f"unknown region code {code!r}.")
    return region


def _clean_person(
    fields: Mapping[str, Any], errors: v.Errors, regions: Mapping[str, Region] | None = None
) -> PersonData | None:
    rid = v.clean_resident_id(fields.get("resident_id"), errors)
    name = v.clean_name(fields.get("name"), errors)
    region = _lookup_region(fields.get("residence_region"), errors, "residence_region", regions)
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
    if errors or name is None or region is None:
        return None
    return PersonData(rid, name, birth_date, sex, region)


def person_register(
    *,
    actor: Actor,
    resident_id: str,
    name: str,
    residence_region: str,
    birth_date: dt.date | None = None,
    sex: str | None = None,
) -> Person:
    """Register a person. Birth date and sex are read from the ID; when given, they must agree with it."""
    errors: v.Errors = {}
    data = _clean_person(
        {
            "resident_id": resident_id,
            "name": name,
            "residence_region": residence_region,
            "birth_date": birth_date,
            "sex": sex,
        },
        errors,
    )
    if errors or data is None:
        raise ValidationFailed.from_fields(errors)
    try:
        with transaction.atomic():
            if Person.objects.filter(resident_id=data.resident_id).exists():
                raise Conflict(
                    "a person with this resident ID is already registered",
                    field="resident_id",
                    code=RegistryErrorCode.PERSON_EXISTS,
                )
            person = Person.objects.create(
                resident_id=data.resident_id,
                name=data.name,
                birth_date=data.birth_date,
                sex=data.sex,
                residence_region=data.residence_region,
            )
            audit_record(actor=actor, action="person.register", instance=person)
    except IntegrityError:  # a concurrent registration of the same ID won the race
        raise Conflict(
            "a person with this resident ID is already registered",
            field="resident_id",
            code=RegistryErrorCode.PERSON_EXISTS,
        ) from None
    return person


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


def _raise_row_problems(problems: list[RowError]) -> None:
    """One error for a whole batch: every bad row (1-based) with its field and reason, in row order."""
    if not problems:
        return
    problems.sort(key=lambda p: p.row)
    first = problems[0]
    raise ValidationFailed(
        f"{len(problems)} problem(s); first: row {first.row} {first.field} {first.message}",
        field=first.field,
        details={"rows": [p.__dict__ for p in problems]},
    )


def persons_import(*, actor: Actor, rows: Sequence[Mapping[str, Any]]) -> list[Person]:
    """Register many persons at once: all rows are checked first; one bad row and nothing is written.
    The error lists every bad row (1-based) with its field and reason."""
    regions = {r.code: r for r in Region.objects.all()}
    problems: list[RowError] = []
    cleaned: list[PersonData] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows, start=1):
        errors: v.Errors = {}
        data = _clean_person(row, errors, regions)
        if data is not None and data.resident_id in seen:
            v.add(errors, "resident_id", f"repeats row {seen[data.resident_id]}.")
        for field, messages in errors.items():
            problems.extend(RowError(i, field, m) for m in messages)
        if data is not None and not errors:
            seen[data.resident_id] = i
            cleaned.append(data)
    existing = set(
        Person.objects.filter(resident_id__in=[d.resident_id for d in cleaned]).values_list("resident_id", flat=True)
    )
    for d in cleaned:
        if d.resident_id in existing:
            problems.append(RowError(seen[d.resident_id], "resident_id", "is already registered."))
    _raise_row_problems(problems)
    try:
        people = _insert_people(actor, cleaned)
    except IntegrityError:  # a concurrent registration took one of the IDs after the check
        raise Conflict(
            "a person in this batch was registered meanwhile; nothing was written; send it again",
            field="resident_id",
            code=RegistryErrorCode.PERSON_EXISTS,
        ) from None
    return people


def _insert_people(actor: Actor, cleaned: list[PersonData]) -> list[Person]:
    with transaction.atomic():
        people = Person.objects.bulk_create(
            [
                Person(
                    resident_id=d.resident_id,
                    name=d.name,
                    birth_date=d.birth_date,
                    sex=d.sex,
                    residence_region=d.residence_region,
                )
                for d in cleaned
            ],
            batch_size=1000,
        )
        if not all(p.pk for p in people):  # backends that do not return ids on bulk insert
            by_id = Person.objects.in_bulk([d.resident_id for d in cleaned], field_name="resident_id")
            people = [by_id[d.resident_id] for d in cleaned]
        audit_record_many(actor=actor, action="person.register", instances=people)
    return people


def _check_actor_may_use(actor: Actor, organisation: Organisation) -> None:
    if actor.organisation_id is not None and actor.organisation_id != organisation.pk:
        raise Forbidden(
            "an organisation may only register engagements with itself",
            field="organisation",
            code=RegistryErrorCode.OTHER_ORGANISATION,
        )


def _overlapping(
    person: Person,
    organisation: Organisation,
    start: dt.date,
    end: dt.date | None,
    exclude_id: int | None = None,
) -> Engagement | None:
    qs = Engagement.objects.filter(person=person, organisation=organisation).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start)
    )
    if end is not None:
        qs = qs.filter(start_date__lte=end)
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.order_by("start_date").first()


def _clean_engagement(
    person: Person, fields: Mapping[str, Any], errors: v.Errors, regions: Mapping[str, Region] | None = None
) -> dict[str, Any]:
    category = v.clean_choice(fields.get("category"), Category, errors, "category")
    sector = v.clean_choice(fields.get("sector"), Sector, errors, "sector")
    region = _lookup_region(fields.get("work_region"), errors, "work_region", regions)
    start, end = fields.get("start_date"), fields.get("end_date")
    v.check_dates(start, end, errors)
    if start is not None:
        try:
            minimum = _minimum_age_months(start)
        except ParameterError:
            v.add(errors, "start_date", f"{start.isoformat()} is before the earliest date the register accepts.")
        else:
            if _age_months(person.birth_date, start) < minimum:
                v.add(
                    errors,
                    "start_date",
                    f"the person is under {minimum // 12} on {start.isoformat()} (Labour Law Art. 15).",
                )
    external_ref = str(fields.get("external_ref") or "")
    if len(external_ref) > 64:
        v.add(errors, "external_ref", "is longer than 64 characters.")
    return {
        "category": category,
        "sector": sector,
        "work_region": region,
        "start_date": start,
        "end_date": end,
        "external_ref": external_ref,
    }


def _age_months(birth: dt.date, on: dt.date) -> int:
    return int(compute("age_months", on=on, birth_date=np.array([birth], dtype="datetime64[D]"))[0])


def _minimum_age_months(on: dt.date) -> int:
    """The minimum working age from the rules parameters (Labour Law Art. 15)."""
    return load_parameters().value_int("work.minimum_age_months", on)


def engagement_create(
    *,
    actor: Actor,
    person: Person,
    organisation: Organisation,
    category: str,
    sector: str,
    work_region: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    external_ref: str = "",
) -> Engagement:
    _check_actor_may_use(actor, organisation)
    errors: v.Errors = {}
    fields = _clean_engagement(
        person,
        {
            "category": category,
            "sector": sector,
            "work_region": work_region,
            "start_date": start_date,
            "end_date": end_date,
            "external_ref": external_ref,
        },
        errors,
    )
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        lock(Person.objects).filter(pk=person.pk).first()  # serialise writes for one person
        clash = _overlapping(person, organisation, start_date, end_date)
        if clash is not None:
            raise Conflict(
                f"overlaps engagement {clash.pk} with {organisation.code} "
                f"({clash.start_date.isoformat()} to {clash.end_date.isoformat() if clash.end_date else 'open'})",
                field="start_date",
                code=RegistryErrorCode.OVERLAPPING_ENGAGEMENT,
            )
        engagement = Engagement.objects.create(person=person, organisation=organisation, **fields)
        audit_record(actor=actor, action="engagement.create", instance=engagement)
    return engagement


def engagements_import(*, actor: Actor, rows: Sequence[Mapping[str, Any]]) -> list[Engagement]:
    """Register many engagements at once, with the same checks as ``engagement_create``: every row is
    checked first (fields, dates, age, overlaps with the register and within the batch); one bad row and
    nothing is written. Rows carry ``person`` and ``organisation`` objects and the engagement fields."""
    with transaction.atomic():
        people = sorted({row["person"].pk for row in rows})
        list(lock(Person.objects).filter(pk__in=people).values_list("pk", flat=True))
        return _engagements_insert(actor, rows)


def _engagements_insert(actor: Actor, rows: Sequence[Mapping[str, Any]]) -> list[Engagement]:
    """Inside the caller's transaction, with the persons locked: check every row, then insert all."""
    regions = {r.code: r for r in Region.objects.all()}
    problems: list[RowError] = []
    built: list[Engagement] = []
    spans: dict[tuple[int, int], list[tuple[dt.date, dt.date | None, int]]] = {}
    for i, row in enumerate(rows, start=1):
        errors: v.Errors = {}
        person, org = row["person"], row["organisation"]
        fields = _clean_engagement(person, row, errors, regions)
        if not errors:
            start, end = fields["start_date"], fields["end_date"]
            for other_start, other_end, other_row in spans.get((person.pk, org.pk), []):
                if (other_end is None or other_end >= start) and (end is None or other_start <= end):
                    v.add(errors, "start_date", f"overlaps row {other_row} (same person and organisation).")
            if person.pk and _overlapping(person, org, start, end) is not None:
                v.add(errors, "start_date", "overlaps a registered engagement with the same organisation.")
        for field, messages in errors.items():
            problems.extend(RowError(i, field, m) for m in messages)
        if not errors:
            spans.setdefault((person.pk, org.pk), []).append((fields["start_date"], fields["end_date"], i))
            built.append(Engagement(person=person, organisation=org, **fields))
    _raise_row_problems(problems)
    created = Engagement.objects.bulk_create(built, batch_size=1000)
    audit_record_many(actor=actor, action="engagement.create", instances=created)
    return created


def engagement_end(*, actor: Actor, engagement: Engagement, end_date: dt.date) -> Engagement:
    _check_actor_may_use(actor, engagement.organisation)
    errors: v.Errors = {}
    v.check_dates(engagement.start_date, end_date, errors)
    if errors:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        lock(Person.objects).filter(pk=engagement.person_id).first()  # as engagement_create
        locked = Engagement.objects.select_for_update().get(pk=engagement.pk)
        clash = _overlapping(locked.person, locked.organisation, locked.start_date, end_date, exclude_id=locked.pk)
        if clash is not None:
            raise Conflict(
                f"ending on {end_date.isoformat()} would overlap engagement {clash.pk} from "
                f"{clash.start_date.isoformat()}",
                field="end_date",
                code=RegistryErrorCode.OVERLAPPING_ENGAGEMENT,
            )
        before = snapshot(locked)
        locked.end_date = end_date
        locked.save(update_fields=["end_date"])
        audit_record(actor=actor, action="engagement.end", instance=locked, before=before)
    return locked


def worker_register(
    *,
    actor: Actor,
    organisation: Organisation,
    person: Mapping[str, Any],
    engagement: Mapping[str, Any],
) -> tuple[Person, Engagement, bool]:
    """A platform registers one of its workers: the person (created, or matched by resident ID and name)
    and the engagement, together or not at all. Returns (person, engagement, person_was_created)."""
    _check_actor_may_use(actor, organisation)
    errors: v.Errors = {}
    data = _clean_person(person, errors)
    if errors or data is None:
        raise ValidationFailed.from_fields({f"person.{k}": m for k, m in errors.items()})
    with transaction.atomic():
        existing = lock(Person.objects).filter(resident_id=data.resident_id).first()
        if existing is not None and existing.name != data.name:
            raise ValidationFailed(
                "person.name: does not match the name registered for this resident ID.", field="person.name"
            )
        created = existing is None
        target = existing or Person.objects.create(
            resident_id=data.resident_id,
            name=data.name,
            birth_date=data.birth_date,
            sex=data.sex,
            residence_region=data.residence_region,
        )
        if created:
            audit_record(actor=actor, action="person.register", instance=target)
        fields = dict(engagement)
        try:
            eng = engagement_create(actor=actor, person=target, organisation=organisation, **fields)
        except ValidationFailed as exc:
            raise ValidationFailed(
                f"engagement.{exc.message}", field=f"engagement.{exc.field}", details=exc.details
            ) from None
    return target, eng, created
