"""Coverage and contribution formulas, one module per scheme (openfisca-france's layout); the benefit formulas
are in :mod:`socsec.rules.benefits`. Importing the package registers every formula in it with the engine.
Each formula is vectorised: inputs are arrays with one row per case.

* ``common``: the input specs several schemes share, the codes of sex and relief groups, the province of a
  region code (months over arrays of dates are in :mod:`socsec.rules.months`)
* ``ages``: age in months, the statutory retirement age, the minimum working age
* ``contribution_base``: the regional average wage and the base kept within 60%-300% of it
* ``employee_pension``, ``resident_pension``, ``medical``, ``work_injury``, ``oip``, ``unemployment``,
  ``long_term_care``, ``individual_pension``: who each scheme covers, and what people and platforms pay to it
  (with the interest on employee-pension individual accounts and an account projected to retirement)
* ``relief``: the flexible-employment subsidy and the months a flexible worker may pay for
* ``late_payment``: the surcharge on contributions paid late
* ``pension_transfer``: the money moved with the employee pension relation between regions, the temporary
  account, where the pension is claimed, and the conversion between the residents' and the employee pension

What a coverage or check formula answers is a number named by an IntEnum (the coverage reasons are
:class:`socsec.rules.coverage.CoverageReason`, a check's codes an enum next to it); the words an input takes
(sex, relief group) are StrEnums, so that stored values stay the same numbers and strings.

The names below are re-exported so that ``from socsec.rules.formulas import NAME`` keeps working.
"""

from __future__ import annotations

from . import (  # noqa: F401  (registers their formulas)
    payroll_contributions,
    payroll_part_payment,  # noqa: F401  (registers the payroll formulas)
    payroll_rates,
    pension_transfer,
)
from .ages import age_months, statutory_retirement_age_months
from .common import (
    GROUPS_OF_SEX,
    Inputs,
    ReliefGroup,
    RetirementGroup,
    Sex,
    province_of,
)
from .contribution_base import (
    contribution_base,
    contribution_base_ceiling,
    contribution_base_floor,
    regional_average_monthly_wage,
)
from .employee_pension import (
    coverage_employee_pension,
    flexible_pension_contribution,
    flexible_pension_individual_account,
    individual_account_interest,
    pension_account_projected,
)
from .individual_pension import coverage_individual_pension
from .late_payment import late_payment_surcharge, late_payment_surcharge_accrued
from .long_term_care import coverage_long_term_care
from .medical import coverage_medical, flexible_medical_contribution
from .oip import (
    ADJUSTMENT_CODES,
    AdjustmentCheck,
    coverage_oip,
    oip_adjustment_check,
    oip_contribution,
    oip_per_order_amount,
    oip_pilot_scope,
)
from .relief import (
    FLEXIBLE_SUBSIDY_GROUPS,
    PERIOD_CODES,
    PeriodCheck,
    flexible_medical_subsidy,
    flexible_pension_subsidy,
    flexible_subsidy_months,
    own_contribution_period_check,
)
from .resident_pension import (
    RESIDENT_HARDSHIP_GROUPS,
    coverage_resident_pension,
    resident_pension_contribution,
    resident_pension_paid_for_hardship,
    resident_pension_subsidy,
)
from .unemployment import coverage_unemployment
from .work_injury import coverage_work_injury

__all__ = [
    "ADJUSTMENT_CODES",
    "AdjustmentCheck",
    "FLEXIBLE_SUBSIDY_GROUPS",
    "Inputs",
    "PERIOD_CODES",
    "PeriodCheck",
    "RESIDENT_HARDSHIP_GROUPS",
    "GROUPS_OF_SEX",
    "ReliefGroup",
    "RetirementGroup",
    "Sex",
    "age_months",
    "contribution_base",
    "contribution_base_ceiling",
    "contribution_base_floor",
    "coverage_employee_pension",
    "coverage_individual_pension",
    "coverage_long_term_care",
    "coverage_medical",
    "coverage_oip",
    "coverage_resident_pension",
    "coverage_unemployment",
    "coverage_work_injury",
    "flexible_medical_contribution",
    "flexible_medical_subsidy",
    "flexible_pension_contribution",
    "flexible_pension_individual_account",
    "flexible_pension_subsidy",
    "flexible_subsidy_months",
    "individual_account_interest",
    "late_payment_surcharge",
    "late_payment_surcharge_accrued",
    "oip_adjustment_check",
    "oip_contribution",
    "oip_per_order_amount",
    "oip_pilot_scope",
    "own_contribution_period_check",
    "pension_account_projected",
    "province_of",
    "regional_average_monthly_wage",
    "resident_pension_contribution",
    "resident_pension_paid_for_hardship",
    "resident_pension_subsidy",
    "statutory_retirement_age_months",
]
