"""What the coverage reads share: the formula of each person-level scheme, the order schemes are shown in,
and whether the agency switched OIP on for an engagement's region, platform and sector on a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from socsec.core.compiled import CompiledQuery, date_sentinel
from socsec.rules.coverage import Scheme
from socsec.rules.engine import get_formula

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


def _oip_activations_on(*, on: dt.date) -> QuerySet[SchemeActivation, tuple[Any, ...]]:
    rows = SchemeActivation.objects.filter(scheme=Scheme.OIP, start_date__lte=on).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on)
    )
    return rows.order_by().values_list("region_id", "organisation_id", "sector")


_OIP_ACTIVATIONS = CompiledQuery(_oip_activations_on, sentinels={"on": date_sentinel(1)})


def oip_activation_keys(on: dt.date) -> set[tuple[int, int | None, str]]:
    """The OIP activations in force on the day, as (region, organisation, sector) keys; read with SQL
    built once per process (a coverage decision is a hot read)."""
    return {(region_id, organisation_id, sector) for region_id, organisation_id, sector in _OIP_ACTIVATIONS.rows(on=on)}


def oip_activated(
    keys: set[tuple[int, int | None, str]], region_id: int, parent_id: int | None, org_id: int, sector: str
) -> bool:
    regions = [region_id] + ([parent_id] if parent_id else [])
    return any((r, o, s) in keys for r in regions for o in (org_id, None) for s in (sector, ""))


def inputs_of(name: str, available: dict[str, Any]) -> dict[str, Any]:
    """The inputs a formula declares, taken from what is known about the person."""
    return {k: available[k] for k in get_formula(name).inputs}
