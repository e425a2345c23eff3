"""An employer's work-injury standing, set by the agency: its industry risk class (the default of its
declared rows) and its floating step, checked against the rules' classes and the steps a class may take,
dated (``EmployerStanding``: from a day on) so that a month is assessed with the standing in force in it.
(``standing.standing_on``)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import transaction

from socsec.audit.services import Actor, audit_record
from socsec.core.errors import ValidationFailed
from socsec.registry.models import Organisation
from socsec.rules.parameters import load_parameters

from .declarations import EMPLOYER_KINDS
from .errors import EmployerErrorCode
from .models import EmployerProfile, EmployerStanding

CLASSES = "payroll.work_injury.base_rate"
STEPS = "payroll.work_injury.float_factor"


def employer_profile_set(
    *, actor: Actor, employer: Organisation, industry_class: int, injury_float_step: int, on: dt.date
) -> EmployerProfile:
    """Set the employer's industry risk class and floating step from ``on`` (as the rules allow them on
    that day): the standing of the months from ``on`` until a later one; the profile shows the latest."""
    if employer.kind not in EMPLOYER_KINDS:
        raise ValidationFailed(
            "employer: %(employer)s is not an employer.",
            field="employer",
            code=EmployerErrorCode.NOT_AN_EMPLOYER,
            params={"employer": employer.code},
        )
    params = load_parameters()
    classes = {int(k) for k in params.node(CLASSES).children}
    if industry_class not in classes:
        raise ValidationFailed(
            "industry_class: %(value)s is not an industry risk class (1 to 8).",
            field="industry_class",
            params={"value": industry_class},
        )
    day = np.array([np.datetime64(on, "D")])
    lowest = int(params.vector("payroll.work_injury.lowest_float_step", np.array([str(industry_class)]), day)[0])
    highest = int(params.value_float("payroll.work_injury.highest_float_step", on))
    steps = {int(k) for k in params.node(STEPS).children}
    if injury_float_step not in steps or not lowest <= injury_float_step <= highest:
        raise ValidationFailed(
            "injury_float_step: %(step)s is not a floating step class %(risk)s may take (%(lowest)s to %(highest)s).",
            field="injury_float_step",
            params={"step": injury_float_step, "risk": industry_class, "lowest": lowest, "highest": highest},
        )
    with transaction.atomic():
        profile, _created = EmployerProfile.objects.select_for_update().get_or_create(organisation=employer)
        standing, _new = EmployerStanding.objects.update_or_create(
            organisation=employer,
            effective_from=on,
            defaults={"industry_class": industry_class, "injury_float_step": injury_float_step},
        )
        latest = EmployerStanding.objects.filter(organisation=employer).order_by("-effective_from").first()
        assert latest is not None  # the one just written at least
        profile.industry_class, profile.injury_float_step = latest.industry_class, latest.injury_float_step
        profile.save()
        audit_record(actor=actor, action="employer.standing.set", instance=standing)
        audit_record(actor=actor, action="employer.profile.set", instance=profile)
    return profile
