"""Registry reads."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from socsec.core.compiled import CompiledQuery, id_sentinel
from socsec.core.errors import NotFound
from socsec.core.fields import blind_index

from .models import Engagement, Organisation, Person, Region


def _person_first(*, person_id: int) -> QuerySet[Person]:
    return Person.objects.select_related("residence_region").filter(pk=person_id).order_by("pk")[:1]


def _engagement_with(*, person_id: int, organisation_id: int) -> QuerySet[Engagement, tuple[int]]:
    return Engagement.objects.filter(person_id=person_id, organisation_id=organisation_id).values_list("pk")[:1]


def _declared(*, person_ids: list[int], organisation_id: int) -> QuerySet[Engagement, tuple[Any, ...]]:
    return (
        Engagement.objects.filter(
            organisation_id=organisation_id, person_id__in=person_ids, declared_name__isnull=False
        )
        .order_by("id")
        .values_list("person_id", "declared_name", "declared_region")
    )


def _declared_one(*, person_id: int, organisation_id: int) -> QuerySet[Engagement, tuple[Any, ...]]:
    return _declared(person_ids=[person_id], organisation_id=organisation_id)


def _person_engaged_with(*, person_id: int, organisation_id: int) -> QuerySet[Person]:
    """The person if engaged with the organisation, with the name and home region it declared last
    (``declared_name_``, ``declared_region_``; None when it never declared them)."""
    theirs = Engagement.objects.filter(person_id=OuterRef("pk"), organisation_id=organisation_id)
    latest = theirs.filter(declared_name__isnull=False).order_by("-id")[:1]
    return (
        Person.objects.select_related("residence_region")
        .filter(Exists(theirs), pk=person_id)
        .annotate(
            declared_name_=Subquery(latest.values("declared_name")),
            declared_region_=Subquery(latest.values("declared_region")),
        )
        .order_by("pk")[:1]
    )


# The API's hot reads: SQL built once per process (socsec.core.compiled)
_PERSON = CompiledQuery(_person_first, sentinels={"person_id": id_sentinel(1)})
_DECLARED_ONE = CompiledQuery(_declared_one, sentinels={"person_id": id_sentinel(1), "organisation_id": id_sentinel(2)})
_PERSON_ENGAGED = CompiledQuery(
    _person_engaged_with, sentinels={"person_id": id_sentinel(1), "organisation_id": id_sentinel(2)}
)
_ENGAGED = CompiledQuery(_engagement_with, sentinels={"person_id": id_sentinel(1), "organisation_id": id_sentinel(2)})


def person_get(*, person_id: int) -> Person:
    found = _PERSON.objects(person_id=person_id)
    person = found[0] if found else None
    if person is None:
        raise NotFound("no person with id %(person_id)s", field="person_id", params={"person_id": person_id})
    return person


def organisation_get(*, code: str) -> Organisation:
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise NotFound("no organisation with code %(code)r", field="organisation", params={"code": code})
    return org


def engagement_get(*, engagement_id: int) -> Engagement:
    eng = Engagement.objects.select_related("organisation", "person", "work_region").filter(pk=engagement_id).first()
    if eng is None:
        raise NotFound(
            "no engagement with id %(engagement_id)s", field="engagement_id", params={"engagement_id": engagement_id}
        )
    return eng


def person_search(*, query: str, organisation: Organisation | None = None, limit: int = 50) -> list[Person]:
    """By the whole resident ID or the whole name (case, width and runs of spaces aside); an empty query
    lists everyone. An organisation sees only people engaged with it, as it declared them. Resident IDs and
    names are encrypted, so the database matches them only exactly, by their blind index, and cannot sort
    by name: the first ``limit`` matches by id are read, then sorted by name here."""
    people = list(persons_matching(query=query, organisation=organisation).order_by("id")[:limit])
    if organisation is not None:
        people = as_declared(people, organisation)
    return sorted(people, key=_by_name)


def _by_name(person: Person) -> tuple[str, int]:
    return (person.name, person.pk)


def persons_matching(*, query: str, organisation: Organisation | None = None) -> QuerySet[Person]:
    """The people ``person_search`` finds, unordered (a list pages them by id). An organisation's are among
    the people engaged with it, and a name is matched against the name it declared, never the registry's (a
    match on that would tell it the registered name): show them through ``as_declared``. Every lookup is by
    an index: the blind index of the resident ID, of the name or of the declared name, and the
    engagements by organisation and person."""
    qs = Person.objects.select_related("residence_region")
    compact = "".join(query.split())
    by_id = _looks_like_resident_id(compact)
    if organisation is None:
        if compact:
            qs = qs.with_resident_id(compact) if by_id else qs.with_name(query.strip())
        return qs
    if compact and not by_id:
        return qs.filter(pk__in=_declared_as(organisation, query.strip()))
    qs = qs.filter(pk__in=Engagement.objects.filter(organisation=organisation).values("person_id"))
    return qs.with_resident_id(compact) if compact else qs


def _declared_as(organisation: Organisation, name: str) -> QuerySet[Any]:
    """The ids of the persons ``organisation`` is shown under ``name`` (``as_declared``): those whose latest
    declaration by it is of that name, and those it never declared whose registered name it is."""
    declared = Engagement.objects.filter(organisation=organisation, declared_name__isnull=False)
    latest = declared.filter(
        declared_name_index=blind_index(Engagement, "declared_name_index", name),
    ).exclude(Exists(declared.filter(person_id=OuterRef("person_id"), pk__gt=OuterRef("pk"))))
    undeclared = (
        Person.objects.with_name(name)
        .filter(Exists(Engagement.objects.filter(organisation=organisation, person_id=OuterRef("pk"))))
        .exclude(Exists(declared.filter(person_id=OuterRef("pk"))))
    )
    return latest.order_by().values("person_id").union(undeclared.order_by().values("id"))


_DECLARED_TO = "_socsec_declared_to"  # on a copy as_declared made: the id of the organisation it shows it to
_UNDECLARED: tuple[str | None, str | None] = (None, None)


def as_declared(persons: Iterable[Person], organisation: Organisation) -> list[Person]:
    """The persons as ``organisation`` declared them when it registered them (``POST /api/workers``, the
    latest such engagement): copies whose name and home region are those it declared, never the
    registry's, which may differ. Read-only copies: never to be saved. A person it never declared (engaged
    by the agency, or registered before declarations were kept) is shown as registered. A copy already
    made for ``organisation`` (here or by ``person_as_declared``) is given back as it is."""
    people = list(persons)
    pending = [x.pk for x in people if getattr(x, _DECLARED_TO, None) != organisation.pk]
    if not pending:
        return people
    declared: dict[int, tuple[str | None, str | None]] = {}
    rows: Iterable[tuple[Any, ...]]
    if len(pending) == 1:  # one person read: SQL built once per process
        rows = _DECLARED_ONE.rows(person_id=pending[0], organisation_id=organisation.pk)
    else:
        rows = _declared(person_ids=pending, organisation_id=organisation.pk)
    for person_id, name, region in rows:
        declared[person_id] = (name or "", region)
    regions = Region.objects.in_bulk([r for _, r in declared.values()], field_name="code")
    return [
        person
        if getattr(person, _DECLARED_TO, None) == organisation.pk
        else _shown_as(person, organisation, *declared.get(person.pk, _UNDECLARED), regions)
        for person in people
    ]


def person_as_declared(*, person_id: int, organisation: Organisation) -> Person:
    """One person as ``organisation`` declared them (``as_declared``), read with the check that it engages
    them in one query; NotFound when there is no such person or it does not engage them (the same answer:
    a platform learns nothing of people it does not engage)."""
    found = _PERSON_ENGAGED.objects(person_id=person_id, organisation_id=organisation.pk)
    if not found:
        raise NotFound("no person with id %(person_id)s", field="person_id", params={"person_id": person_id})
    person = found[0]
    name, region = getattr(person, "declared_name_", None), getattr(person, "declared_region_", None)
    regions: dict[str, Region] = {}
    if name is not None and region != person.residence_region.code:  # a region other than the registry's
        regions = Region.objects.in_bulk([region], field_name="code")
    return _shown_as(person, organisation, name, region, regions)


def _shown_as(
    person: Person, organisation: Organisation, name: str | None, region: str | None, regions: dict[str, Region]
) -> Person:
    """A copy of ``person`` under the name and home region ``organisation`` declared (None: it declared none)."""
    shown = copy.copy(person)
    if name is not None:  # declared: the name and the region with it
        shown.name = name
        if region in regions:
            shown.residence_region = regions[region]
    setattr(shown, _DECLARED_TO, organisation.pk)
    shown.save = _never_saved  # type: ignore[method-assign]
    return shown


def _never_saved(*args: object, **kwargs: object) -> None:
    raise TypeError("a person as an organisation declared them is shown, never saved")


def _looks_like_resident_id(text: str) -> bool:
    return len(text) == 18 and text[:17].isdigit()


def person_is_engaged_with(*, person: Person, organisation: Organisation) -> bool:
    return bool(_ENGAGED.rows(person_id=person.pk, organisation_id=organisation.pk))


def engagements_of(
    *, person: Person, organisation: Organisation | None = None, active_on: dt.date | None = None
) -> list[Engagement]:
    qs = Engagement.objects.filter(person=person).select_related("organisation", "work_region")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    if active_on is not None:
        qs = qs.filter(start_date__lte=active_on).filter(Q(end_date__isnull=True) | Q(end_date__gte=active_on))
    return list(qs.order_by("start_date", "id"))


def organisations(*, kind: str | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("registered_region")
    return qs.filter(kind=kind) if kind else qs


def regions() -> QuerySet[Region]:
    return Region.objects.select_related("parent").order_by("code")
