"""Why an assessed amount is what it is: the rules' explanation of one stored row's two parts (inputs, each
parameter with its date and reference, the steps and the rounding), from the declared line it was assessed
on. One call per row looked at, never for a month."""

from __future__ import annotations

from typing import Any

from socsec.batch.employer_assessment import explain_employee_month
from socsec.core.months import month_first_day, month_index

from .assessment import ltc_pilot
from .models import EmployerContribution
from .standing import standing_on


def contribution_explanation(contribution: EmployerContribution) -> dict[str, dict[str, Any]]:
    """The explanations of the employer's and the employee's part (``employer``, ``employee``)."""
    line = contribution.line
    month = month_first_day(month_index(contribution.month))
    standing = standing_on(employer_id=contribution.employer_id, day=month)
    return explain_employee_month(
        month=month,
        scheme=contribution.scheme,
        region_code=line.region_code,
        industry_class=line.industry_class,
        injury_float_step=standing.injury_float_step,
        wage_cents=line.wage_cents,
        base_wage_cents=line.base_wage_cents,
        ltc_pilot=ltc_pilot([line.region_code], contribution.month)[0],
    )
