"""Engagements (a person working for an organisation): creating one, importing many; no overlaps with
one organisation, no work under the minimum age. Ending one is ``engagement_ends``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q

from socsec.audit.services import Actor, audit_record, audit_record_many
from socsec.core.db import id_chunks, lock
from socsec.core.errors import Conflict, ValidationFailed
from socsec.rules.coverage import Category, Sector
from socsec.rules.engine import compute
from socsec.rules.parameters import ParameterError, load_parameters

from .. import validation as v
from ..errors import RegistryErrorCode
from ..models import Engagement, Organisation, Person, Region
from .organisations import check_actor_may_use
from .regions import lookup_region
from .rows import RowError, raise_row_problems


def overlapping_engagement(
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
    region = lookup_region(fields.get("work_region"), errors, "work_region", regions)
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
    check_actor_may_use(actor, organisation)
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
        clash = overlapping_engagement(person, organisation, start_date, end_date)
        if clash is not None:
            raise Conflict(
                "overlaps engagement %(engagement)s with %(organisation)s (%(start_date)s to %(end_date)s)",
                field="start_date",
                code=RegistryErrorCode.OVERLAPPING_ENGAGEMENT,
                params={
                    "engagement": clash.pk,
                    "organisation": organisation.code,
                    "start_date": clash.start_date.isoformat(),
                    "end_date": clash.end_date.isoformat() if clash.end_date else "open",
                },
            )
        engagement = Engagement.objects.create(person=person, organisation=organisation, **fields)
        audit_record(actor=actor, action="engagement.create", instance=engagement)
    return engagement


def engagements_import(*, actor: Actor, rows: Sequence[Mapping[str, Any]]) -> list[Engagement]:
    """Register many engagements at once, with the same checks as ``engagement_create``: every row is
    checked first (fields, dates, age, overlaps with the register and within the batch); one bad row and
    nothing is written. Rows carry ``person`` and ``organisation`` objects and the engagement fields."""
    with transaction.atomic():
        for chunk in id_chunks(sorted({row["person"].pk for row in rows})):
            list(lock(Person.objects).filter(pk__in=chunk).values_list("pk", flat=True))
        return _engagements_insert(actor, rows)


def _engagements_insert(actor: Actor, rows: Sequence[Mapping[str, Any]]) -> list[Engagement]:
    """Inside the caller's transaction, with the persons locked: check every row, then insert all."""
    regions = {r.code: r for r in Region.objects.all()}
    problems: list[RowError] = []
    built: list[Engagement] = []
    spans: dict[tuple[int, int], list[tuple[dt.date, dt.date | None, int]]] = {}
    registered = _registered_spans({row["person"].pk for row in rows if row["person"].pk})
    for i, row in enumerate(rows, start=1):
        errors: v.Errors = {}
        person, org = row["person"], row["organisation"]
        fields = _clean_engagement(person, row, errors, regions)
        if not errors:
            start, end = fields["start_date"], fields["end_date"]
            for other_start, other_end, other_row in spans.get((person.pk, org.pk), []):
                if _overlap(start, end, other_start, other_end):
                    v.add(errors, "start_date", f"overlaps row {other_row} (same person and organisation).")
            if any(_overlap(start, end, *other) for other in registered.get((person.pk, org.pk), [])):
                v.add(errors, "start_date", "overlaps a registered engagement with the same organisation.")
        for field, messages in errors.items():
            problems.extend(RowError(i, field, m) for m in messages)
        if not errors:
            spans.setdefault((person.pk, org.pk), []).append((fields["start_date"], fields["end_date"], i))
            built.append(Engagement(person=person, organisation=org, **fields))
    raise_row_problems(problems)
    created = Engagement.objects.bulk_create(built, batch_size=1000)
    audit_record_many(actor=actor, action="engagement.create", instances=created)
    return created


def _overlap(start: dt.date, end: dt.date | None, other_start: dt.date, other_end: dt.date | None) -> bool:
    """Whether two spans (an open end: None) share a day: the test of ``overlapping_engagement``."""
    return (other_end is None or other_end >= start) and (end is None or other_start <= end)


def _registered_spans(person_ids: set[int]) -> dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]]:
    """The registered engagements of these persons, (person, organisation) to their spans: one query per
    ``id_chunks`` run instead of one per row (the same test as ``overlapping_engagement``)."""
    spans: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]] = {}
    for chunk in id_chunks(sorted(person_ids)):
        found = Engagement.objects.filter(person_id__in=chunk).values_list(
            "person_id", "organisation_id", "start_date", "end_date"
        )
        for person_id, organisation_id, start, end in found:
            spans.setdefault((person_id, organisation_id), []).append((start, end))
    return spans
