"""The employer's work-injury standing is dated: a month is assessed with the floating step (and class) in
force on its first day, so a correction of an old month, declared after the agency changed the step, is
assessed with the old month's step, and its explanation says so."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.employers.explanations import contribution_explanation
from socsec.employers.models import EmployerContribution, EmployerProfile, EmployerStanding
from socsec.employers.profiles import employer_profile_set
from socsec.employers.standing import Standing, standing_on
from tests.world import SYSTEM

from .conftest import payroll_csv
from .test_declarations import declare

pytestmark = pytest.mark.django_db


def _injury(month: str) -> EmployerContribution:
    return EmployerContribution.objects.select_related("line").get(month=month, scheme="WORK_INJURY")


def test_a_correction_of_an_old_month_uses_the_step_in_force_in_that_month(world, employee_id):
    employer_profile_set(actor=SYSTEM, employer=world.employer, industry_class=2, injury_float_step=0,
                         on=dt.date(2026, 1, 1))  # fmt: skip
    row = (employee_id, "800000", "750000", "")
    declare(world, payroll_csv([row]), month="2026-03")
    march = _injury("2026-03")
    # class II: 0.4% of the base; step 0: x 1.0
    assert (march.base_cents, march.employer_cents, march.employee_cents) == (750_000, 3_000, 0)
    employer_profile_set(actor=SYSTEM, employer=world.employer, industry_class=2, injury_float_step=1,
                         on=dt.date(2026, 7, 1))  # fmt: skip
    assert EmployerProfile.objects.get(organisation=world.employer).injury_float_step == 1  # the latest
    corrected = (employee_id, "820000", "760000", "")
    declare(world, payroll_csv([corrected]), key="k2", correction=True, month="2026-03")
    march = _injury("2026-03")
    assert (march.base_cents, march.employer_cents) == (760_000, 3_040)  # still step 0: 0.4% x 1.0
    assert contribution_explanation(march)["employer"]["inputs"]["injury_float_step"] == 0
    declare(world, payroll_csv([row]), key="k3", month="2026-08")
    august = _injury("2026-08")
    assert (august.base_cents, august.employer_cents) == (750_000, 3_600)  # step 1: 0.4% x 1.2
    assert contribution_explanation(august)["employer"]["inputs"]["injury_float_step"] == 1


def test_the_standing_in_force_on_a_day(world):
    employer = world.employer.pk
    assert standing_on(employer_id=employer, day=dt.date(2026, 5, 1)) == Standing(None, 0)  # never set
    EmployerProfile.objects.create(organisation=world.employer, industry_class=3, injury_float_step=-1)
    assert standing_on(employer_id=employer, day=dt.date(2026, 5, 1)) == Standing(3, -1)  # undated: the profile
    for on, risk, step in ((dt.date(2025, 1, 1), 2, 0), (dt.date(2026, 7, 1), 2, 1), (dt.date(2026, 9, 1), 4, -1)):
        employer_profile_set(actor=SYSTEM, employer=world.employer, industry_class=risk, injury_float_step=step, on=on)
    expected = {
        dt.date(2024, 6, 1): Standing(2, 0),  # before the first one set: the first
        dt.date(2025, 1, 1): Standing(2, 0),
        dt.date(2026, 6, 30): Standing(2, 0),
        dt.date(2026, 7, 1): Standing(2, 1),
        dt.date(2026, 8, 31): Standing(2, 1),
        dt.date(2026, 9, 1): Standing(4, -1),
        dt.date(2030, 1, 1): Standing(4, -1),
    }
    assert {day: standing_on(employer_id=employer, day=day) for day in expected} == expected
    # set again for a day already set: that day's standing replaced, the profile the latest
    employer_profile_set(actor=SYSTEM, employer=world.employer, industry_class=2, injury_float_step=2,
                         on=dt.date(2026, 7, 1))  # fmt: skip
    assert standing_on(employer_id=employer, day=dt.date(2026, 8, 1)) == Standing(2, 2)
    assert EmployerStanding.objects.filter(organisation=world.employer).count() == 3
    profile = EmployerProfile.objects.get(organisation=world.employer)
    assert (profile.industry_class, profile.injury_float_step) == (4, -1)
