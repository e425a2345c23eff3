"""An employer's work-injury standing: set within the rules' classes and steps; its class is the default
of a row that names none, its step the one the rows are assessed with."""

from __future__ import annotations

import datetime as dt

import pytest

from socsec.core.errors import ValidationFailed
from socsec.employers.models import EmployerContribution, PayrollLine
from socsec.employers.profiles import employer_profile_set
from tests.world import SYSTEM

from .conftest import payroll_csv
from .test_declarations import declare

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 10, 1)


def test_a_row_without_a_class_takes_the_employers_and_its_step(world, employee_id):
    employer_profile_set(actor=SYSTEM, employer=world.employer, industry_class=4, injury_float_step=1, on=ON)
    declare(world, payroll_csv([(employee_id, "800000", "", "")]))
    assert PayrollLine.objects.get().industry_class == 4
    injury = EmployerContribution.objects.get(scheme="WORK_INJURY")
    assert injury.employee_cents == 0 and injury.employer_cents > 0


@pytest.mark.parametrize(("risk", "step", "field"), [(9, 0, "industry_class"), (1, -1, "injury_float_step"),
                                                     (2, 3, "injury_float_step")])  # fmt: skip
def test_a_class_or_step_the_rules_do_not_have_is_refused(world, unchanged, risk, step, field):
    with pytest.raises(ValidationFailed) as refused:
        employer_profile_set(actor=SYSTEM, employer=world.employer, industry_class=risk, injury_float_step=step, on=ON)
    assert refused.value.field == field


def test_a_row_may_not_choose_another_class_than_the_agency_set(world, employee_id):
    employer_profile_set(actor=SYSTEM, employer=world.employer, industry_class=8, injury_float_step=0, on=ON)
    declaration, _ = declare(world, payroll_csv([(employee_id, "800000", "", "1")]))  # class I: the lowest rate
    assert [(e["field"], e["code"], e["message"]) for e in declaration.errors] == [
        ("industry_class", "industry_class_differs",
         "1 differs from industry risk class 8, which the agency set for this employer."),
    ]  # fmt: skip
    assert declaration.status == "REJECTED" and not EmployerContribution.objects.exists()
    again, _ = declare(world, payroll_csv([(employee_id, "800000", "", "8")]), key="k2")  # the same class: kept
    assert again.status == "ACCEPTED" and PayrollLine.objects.get(declaration=again).industry_class == 8
