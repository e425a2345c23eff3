"""The employer's work-injury standing in force on a day: the latest one the agency set from that day or
before (``EmployerStanding``); before the first one set, the first (nothing earlier is known); an employer
whose standing was never dated, its profile; else none (each row names its class, step 0). A month is
assessed, and re-assessed by a correction years later, with the standing of its first day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import EmployerProfile, EmployerStanding


@dataclass(frozen=True)
class Standing:
    industry_class: int | None  # None: never set (each row names its class)
    injury_float_step: int


def standing_on(*, employer_id: int, day: dt.date) -> Standing:
    """The employer's standing in force on ``day`` (see the module): at most three small queries."""
    standings = EmployerStanding.objects.filter(organisation_id=employer_id)
    found = standings.filter(effective_from__lte=day).order_by("-effective_from").first()
    found = found or standings.order_by("effective_from").first()
    if found is not None:
        return Standing(found.industry_class, found.injury_float_step)
    profile = EmployerProfile.objects.filter(organisation_id=employer_id).first()
    if profile is not None:
        return Standing(profile.industry_class, profile.injury_float_step)
    return Standing(None, 0)
