"""The province a region is in, as a database expression: a city's parent, a province itself."""

from __future__ import annotations

from django.db.models import Case, CharField, F, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from socsec.registry.models import Region


def province_code(region: str) -> Combinable:
    """The code of the province of the region at the path ``region`` (``engagement__work_region``)."""
    return Case(
        When(**{f"{region}__level": Region.Level.CITY}, then=F(f"{region}__parent__code")),
        default=F(f"{region}__code"),
        output_field=CharField(),
    )


def province_of(region: str, fallback: str) -> Combinable:
    """The province of ``region``, or of ``fallback`` where the first path leads nowhere."""
    return Coalesce(province_code(region), province_code(fallback), output_field=CharField())
