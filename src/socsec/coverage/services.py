"""Coverage writes: switching a piloted scheme on for a region x platform x sector from a date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import Conflict, ValidationFailed
from socsec.registry import validation as v
from socsec.registry.models import Organisation, Region
from socsec.rules.coverage import PILOT_SECTORS, Scheme

from .errors import CoverageErrorCode
from .models import SchemeActivation


def activation_create(
    *,
    actor: Actor,
    scheme: str,
    region_code: str,
    start_date: dt.date,
    organisation_code: str | None = None,
    sector: str | None = None,
    end_date: dt.date | None = None,
    reference: str = "",
) -> SchemeActivation:
    errors: v.Errors = {}
    if scheme != Scheme.OIP:
        v.add(errors, "scheme", f"{scheme!r}: only OIP is switched on by region, platform and sector.")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        v.add(errors, "region", f"unknown region code {region_code!r}.")
    organisation = None
    if organisation_code:
        organisation = Organisation.objects.filter(code=organisation_code).first()
        if organisation is None:
            v.add(errors, "organisation", f"unknown organisation {organisation_code!r}.")
        elif organisation.kind != Organisation.Kind.PLATFORM:
            v.add(errors, "organisation", f"{organisation_code} is not a platform enterprise.")
    if sector and sector not in [s.value for s in PILOT_SECTORS]:
        v.add(
            errors,
            "sector",
            f"{sector!r} is not a pilot sector ({', '.join(s.value for s in PILOT_SECTORS)}).",
        )
    if region is not None and region.level != Region.Level.PROVINCE:
        v.add(
            errors,
            "region",
            f"{region_code} is a city: OIP is switched on per province (platforms pay on the orders in the province).",
        )
    if start_date is not None and start_date.day != 1:
        v.add(errors, "start_date", "must be the first day of a month (contributions are assessed by month).")
    if end_date is not None and (end_date + dt.timedelta(days=1)).day != 1:
        v.add(errors, "end_date", "must be the last day of a month.")
    v.check_dates(start_date, end_date, errors)
    if errors or region is None:
        raise ValidationFailed.from_fields(errors)
    with transaction.atomic():
        clash = SchemeActivation.objects.filter(
            scheme=scheme, region=region, organisation=organisation, sector=sector or ""
        ).filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date))
        if end_date is not None:
            clash = clash.filter(start_date__lte=end_date)
        if clash.exists():
            raise Conflict(
                "an activation for this region, platform and sector already covers these dates",
                field="start_date",
                code=CoverageErrorCode.OVERLAPPING_ACTIVATION,
            )
        activation = SchemeActivation.objects.create(
            scheme=scheme,
            region=region,
            organisation=organisation,
            sector=sector or "",
            start_date=start_date,
            end_date=end_date,
            reference=reference,
        )
        audit_record(actor=actor, action="activation.create", instance=activation)
    return activation
