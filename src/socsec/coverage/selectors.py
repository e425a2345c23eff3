"""Coverage reads: for one person on one date with reasons and explanations (``coverage_for``), and for
the whole register at once, set-based (``coverage_counts``, in ``counts``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from socsec.core.compiled import CompiledQuery, date_sentinel, id_sentinel
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
from socsec.rules.engine import Explanation, RuleViolation, calc

from .counts import CoverageCounts, coverage_counts
from .formulas import PERSON_SCHEMES, SCHEME_ORDER, oip_activated, oip_activation_keys
from .formulas import inputs_of as _inputs_of
from .models import SchemeActivation

__all__ = [
    "PERSON_SCHEMES",
    "SCHEME_ORDER",
    "CoverageCounts",
    "coverage_counts",
    "coverage_for",
    "oip_activated",
    "oip_activation_keys",
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


def _engagements_on(*, person_id: int, on: dt.date) -> QuerySet[Engagement]:
    return (
        Engagement.objects.filter(person_id=person_id, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("organisation", "work_region")
        .order_by("start_date", "id")
    )


# a coverage decision is a hot read: SQL built once per process
_ENGAGEMENTS_ON = CompiledQuery(_engagements_on, sentinels={"person_id": id_sentinel(1), "on": date_sentinel(1)})


def _coverage_for(person: Person, on: dt.date) -> PersonCoverage:
    engagements = _ENGAGEMENTS_ON.objects(person_id=person.pk, on=on)
    labour = any(e.category == Category.LABOUR_RELATION for e in engagements)
    other = any(e.category != Category.LABOUR_RELATION for e in engagements)
    city = _medical_city(person, engagements)
    person_inputs = {
        "birth_date": person.birth_date,
        "sex": person.sex,
        "retirement_group": person.retirement_group,
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


def activations() -> list[SchemeActivation]:
    return list(
        SchemeActivation.objects.select_related("region", "organisation").order_by("region__code", "start_date")
    )
