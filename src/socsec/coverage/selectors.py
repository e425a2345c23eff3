"""Coverage reads: for one person on one date with reasons and explanations (``coverage_for``), and for
the whole register at once, vectorised (``coverage_counts``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Q

from socsec.core.errors import ValidationFailed
from socsec.registry.models import Engagement, Organisation, Person
from socsec.rules.coverage import (
    REASONS,
    SCHEME_LABELS,
    STATUS_PRECEDENCE,
    Category,
    CoverageReason,
    Reason,
    Scheme,
    Status,
)
from socsec.rules.engine import Explanation, RuleViolation, calc, compute, get_formula

from .models import SchemeActivation

PERSON_SCHEMES: dict[Scheme, str] = {
    Scheme.EMPLOYEE_PENSION: "coverage_employee_pension",
    Scheme.RESIDENT_PENSION: "coverage_resident_pension",
    Scheme.MEDICAL: "coverage_medical",
    Scheme.WORK_INJURY: "coverage_work_injury",
    Scheme.UNEMPLOYMENT: "coverage_unemployment",
    Scheme.LONG_TERM_CARE: "coverage_long_term_care",
    Scheme.INDIVIDUAL_PENSION: "coverage_individual_pension",
}
SCHEME_ORDER = [
    Scheme.EMPLOYEE_PENSION,
    Scheme.RESIDENT_PENSION,
    Scheme.MEDICAL,
    Scheme.WORK_INJURY,
    Scheme.OIP,
    Scheme.UNEMPLOYMENT,
    Scheme.LONG_TERM_CARE,
    Scheme.INDIVIDUAL_PENSION,
]


@dataclass(frozen=True)
class EngagementCoverage:
    engagement: Engagement
    reason: Reason
    explanation: Explanation


@dataclass(frozen=True)
class SchemeCoverage:
    scheme: Scheme
    label: str
    reason: Reason
    explanation: Explanation | None
    engagements: list[EngagementCoverage] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return self.reason.status

    @property
    def references(self) -> list[str]:
        refs = [self.reason.reference]
        for e in self.engagements:
            if e.reason.reference not in refs:
                refs.append(e.reason.reference)
        return refs


@dataclass(frozen=True)
class PersonCoverage:
    person: Person
    on: dt.date
    engagements: list[Engagement]
    schemes: list[SchemeCoverage]

    def scheme(self, scheme: Scheme) -> SchemeCoverage:
        return next(s for s in self.schemes if s.scheme == scheme)


def oip_activation_keys(on: dt.date) -> set[tuple[int, int | None, str]]:
    rows = SchemeActivation.objects.filter(scheme=Scheme.OIP, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    return {(a.region_id, a.organisation_id, a.sector) for a in rows}


def oip_activated(
    keys: set[tuple[int, int | None, str]], region_id: int, parent_id: int | None, org_id: int, sector: str
) -> bool:
    regions = [region_id] + ([parent_id] if parent_id else [])
    return any((r, o, s) in keys for r in regions for o in (org_id, None) for s in (sector, ""))


def _inputs_of(name: str, available: dict[str, Any]) -> dict[str, Any]:
    """The inputs a formula declares, taken from what is known about the person."""
    return {k: available[k] for k in get_formula(name).inputs}


def _medical_city(person: Person, engagements: Iterable[Engagement]) -> str:
    for e in engagements:
        if e.category == Category.LABOUR_RELATION:
            return e.work_region.code
    return person.residence_region.code


def coverage_for(person: Person, on: dt.date, *, date_field: str = "on") -> PersonCoverage:
    """Per scheme: the status, the reason in words with its legal reference, and the explanation. A date
    before the rules a scheme needs were in force (the statutory retirement ages start in 1978) is refused
    as an input error naming ``date_field``, not left to fail."""
    try:
        return _coverage_for(person, on)
    except RuleViolation as exc:
        raise ValidationFailed(
            "%(date_field)s: coverage cannot be decided on %(on)s: a rule it needs was not in force yet.",
            field=date_field,
            details={"rule": str(exc)},
            params={"date_field": date_field, "on": on.isoformat()},
        ) from exc


def _coverage_for(person: Person, on: dt.date) -> PersonCoverage:
    engagements = list(
        Engagement.objects.filter(person=person, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("organisation", "work_region")
        .order_by("start_date", "id")
    )
    labour = any(e.category == Category.LABOUR_RELATION for e in engagements)
    other = any(e.category != Category.LABOUR_RELATION for e in engagements)
    city = _medical_city(person, engagements)
    person_inputs = {
        "birth_date": person.birth_date,
        "sex": person.sex,
        "labour_relation": labour,
        "other_work": other,
        "city": city,
    }
    results: dict[Scheme, SchemeCoverage] = {}
    for scheme, name in PERSON_SCHEMES.items():
        explanation = calc(name, on=on, **_inputs_of(name, person_inputs))
        results[scheme] = SchemeCoverage(scheme, SCHEME_LABELS[scheme], REASONS[int(explanation.value)], explanation)
    results[Scheme.OIP] = _oip_for(engagements, labour, on)
    return PersonCoverage(person, on, engagements, [results[s] for s in SCHEME_ORDER])


def _oip_for(engagements: list[Engagement], labour: bool, on: dt.date) -> SchemeCoverage:
    keys = oip_activation_keys(on) if engagements else set()
    per: list[EngagementCoverage] = []
    for e in engagements:
        explanation = calc(
            "coverage_oip",
            on=on,
            region=e.work_region.code,
            sector=e.sector,
            category=e.category,
            platform=e.organisation.kind == Organisation.Kind.PLATFORM,
            activated=oip_activated(keys, e.work_region_id, e.work_region.parent_id, e.organisation_id, e.sector),
            labour_relation=labour,
        )
        per.append(EngagementCoverage(e, REASONS[int(explanation.value)], explanation))
    platform_rows = [p for p in per if p.engagement.organisation.kind == Organisation.Kind.PLATFORM]
    if not platform_rows:
        no_platform = REASONS[CoverageReason.OIP_NO_PLATFORM_ENGAGEMENT]
        return SchemeCoverage(Scheme.OIP, SCHEME_LABELS[Scheme.OIP], no_platform, None, per)
    best = max(platform_rows, key=lambda p: STATUS_PRECEDENCE[p.reason.status])
    return SchemeCoverage(Scheme.OIP, SCHEME_LABELS[Scheme.OIP], best.reason, best.explanation, per)


@dataclass(frozen=True)
class CoverageCounts:
    on: dt.date
    persons: int
    engagements: int
    by_scheme: dict[Scheme, dict[Status, int]]


# An engagement in force, as coverage_counts reads it: person id, category, sector, work region id, its
# code, its parent's id, organisation id, organisation kind.
ActiveEngagement = tuple[int, str, str, int, str, int | None, int, str]


def coverage_counts(on: dt.date) -> CoverageCounts:
    """Everyone's status per scheme on a date, computed with the same formulas over whole arrays. A date
    before the rules were in force is refused as ``coverage_for`` refuses it."""
    try:
        return _coverage_counts(on)
    except RuleViolation as exc:
        raise ValidationFailed(
            "on: coverage cannot be decided on %(on)s: a rule it needs was not in force yet.",
            field="on",
            details={"rule": str(exc)},
            params={"on": on.isoformat()},
        ) from exc


def _coverage_counts(on: dt.date) -> CoverageCounts:
    people = list(Person.objects.values_list("id", "birth_date", "sex", "residence_region__code"))
    active: list[ActiveEngagement] = list(
        Engagement.objects.filter(start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list(
            "person_id",
            "category",
            "sector",
            "work_region_id",
            "work_region__code",
            "work_region__parent_id",
            "organisation_id",
            "organisation__kind",
        )
        .order_by("person_id", "start_date", "id")
    )
    n = len(people)
    index = {pid: i for i, (pid, *_rest) in enumerate(people)}
    labour = np.zeros(n, dtype=bool)
    other = np.zeros(n, dtype=bool)
    city = np.array([row[3] for row in people], dtype="U6")
    labour_city_set = np.zeros(n, dtype=bool)
    for pid, category, _s, _r, region_code, _p, _o, _k in active:
        i = index[pid]
        if category == Category.LABOUR_RELATION:
            labour[i] = True
            if not labour_city_set[i]:
                city[i], labour_city_set[i] = region_code, True
        else:
            other[i] = True
    dates = np.full(n, np.datetime64(on, "D"))
    birth = np.array([row[1] for row in people], dtype="datetime64[D]")
    sex = np.array([row[2] for row in people], dtype="U1")
    arrays = {"birth_date": birth, "sex": sex, "labour_relation": labour, "other_work": other, "city": city}
    by_scheme: dict[Scheme, dict[Status, int]] = {}
    for scheme, name in PERSON_SCHEMES.items():
        codes = compute(name, on=dates, **_inputs_of(name, arrays)) if n else np.array([], dtype=np.int64)
        by_scheme[scheme] = _count(codes)
    by_scheme[Scheme.OIP] = _oip_counts(active, index, labour, on, n)
    return CoverageCounts(on, n, len(active), by_scheme)


def _count(codes: np.ndarray) -> dict[Status, int]:
    counts: Counter[Status] = Counter()
    values, freq = np.unique(codes, return_counts=True)
    for code, k in zip(values, freq, strict=True):
        counts[REASONS[int(code)].status] += int(k)
    return {s: counts.get(s, 0) for s in Status}


def _oip_counts(
    active: list[ActiveEngagement], index: dict[int, int], labour: np.ndarray, on: dt.date, n: int
) -> dict[Status, int]:
    platform_rows = [row for row in active if row[7] == Organisation.Kind.PLATFORM]
    best = np.full(n, -1)
    if platform_rows:
        keys = oip_activation_keys(on)
        person_idx = np.array([index[r[0]] for r in platform_rows])
        codes = compute(
            "coverage_oip",
            on=np.full(len(platform_rows), np.datetime64(on, "D")),
            region=np.array([r[4] for r in platform_rows], dtype="U6"),
            sector=np.array([r[2] for r in platform_rows]),
            category=np.array([r[1] for r in platform_rows]),
            platform=np.ones(len(platform_rows), dtype=bool),
            activated=np.array([oip_activated(keys, r[3], r[5], r[6], r[2]) for r in platform_rows]),
            labour_relation=labour[person_idx],
        )
        rank = np.array([STATUS_PRECEDENCE[REASONS[int(c)].status] for c in codes])
        np.maximum.at(best, person_idx, rank)
    by_rank = {v: k for k, v in STATUS_PRECEDENCE.items()}
    counts = {s: 0 for s in Status}
    for r, k in zip(*np.unique(best, return_counts=True), strict=True):
        counts[by_rank[int(r)] if r >= 0 else Status.NOT_ELIGIBLE] += int(k)
    return counts


def activations() -> list[SchemeActivation]:
    return list(
        SchemeActivation.objects.select_related("region", "organisation").order_by("region__code", "start_date")
    )
