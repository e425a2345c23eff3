"""Benefit formulas, one module per scheme (openfisca-france's layout): occupational injury protection (OIP)
and work-injury insurance, the employee and residents' pensions, unemployment insurance and long-term care.
Importing the package registers every formula in it with the engine. Vectorised like every formula: one row
per case. Who is covered and what is paid in are in :mod:`socsec.rules.formulas`.

Parameters live under ``benefits.*`` (see ``parameters/benefits``); figures not found in a primary text say so
in their description, and demo-only figures are marked DEMO DATA.

* ``common``: the legal texts cited, shared inputs, regional figures with the province as fallback, checks
* ``payers``: who pays each amount (the fund, the employer or the platform), monthly or once: :data:`AWARDS`
* ``regional``: the local minimum wage and minimum living allowance
* ``injury``: what OIP and work-injury insurance share - dependants' pensions (the method is in its
  docstring), the lump sum on death, wage continuation, medical costs, reporting in time
* ``oip``, ``work_injury``, ``employee_pension``, ``resident_pension``, ``unemployment``, ``long_term_care``:
  each scheme's benefits
* ``ilo_c102``: the ILO Convention 102 benchmark

What a check formula answers is a number named by an IntEnum next to it (e.g. ``WageContinuationCheck``);
the words an input takes (kind of dependant, reporter, care setting, skill level, enterprise size) are
StrEnums, so that stored values stay the same numbers and strings.

The names below are re-exported so that ``from socsec.rules.benefits import NAME`` keeps working.
"""

from __future__ import annotations

from ..formulas.common import Inputs
from .common import (
    LTC_BASIS,
    OIP_RULES,
    RETIREMENT_DECISION,
    UIR,
    WII,
)
from .employee_pension import (
    CONTRIBUTION_YEARS_CODES,
    RETIREMENT_TIMING_CODES,
    ContributionYearsCheck,
    RetirementTiming,
    pension_account_divisor,
    pension_account_monthly,
    pension_basic_monthly,
    pension_contribution_years_check,
    pension_indexed_monthly,
    pension_minimum_contribution_months,
    pension_monthly,
    pension_retirement_timing_check,
)
from .ilo_c102 import (
    C102_CODES,
    C102Check,
    ilo_c102_benchmark_check,
)
from .injury import (
    DEPENDANT_KINDS,
    REPORT_CODES,
    REPORTERS,
    WAGE_CONTINUATION_CODES,
    DependantKind,
    ReportCheck,
    Reporter,
    WageContinuationCheck,
    injury_medical_costs,
    injury_report_check,
)
from .long_term_care import (
    CARE_LEVEL_CODES,
    CARE_SETTINGS,
    LTC_HARDSHIP_GROUPS,
    LTC_SUBSIDY_CODES,
    CareLevel,
    CareSetting,
    LtcSubsidyCheck,
    ltc_benefit_monthly,
    ltc_care_level,
    ltc_contribution_subsidy,
    ltc_contribution_subsidy_check,
)
from .oip import (
    oip_benefit_base,
    oip_care_allowance,
    oip_death_lump_sum,
    oip_dependant_pension,
    oip_dependants_pension_total,
    oip_disability_allowance_monthly,
    oip_disability_grant,
    oip_funeral_grant,
    oip_one_off_allowance,
    oip_wage_continuation_check,
)
from .payers import (
    AWARDS,
    WORK_INJURY_UNPAID_REFERENCE,
    AwardTerms,
    Payer,
    work_injury_payer,
)
from .regional import (
    regional_minimum_monthly_wage,
    regional_subsistence_allowance,
)
from .resident_pension import (
    resident_pension_age_months,
    resident_pension_monthly,
)
from .unemployment import (
    ENTERPRISE_SIZES,
    JOB_RETENTION_CODES,
    SKILL_LEVELS,
    SKILL_SUBSIDY_CODES,
    UNEMPLOYMENT_ELIGIBILITY_CODES,
    UNEMPLOYMENT_WORK_CODES,
    EnterpriseSize,
    JobRetentionCheck,
    SkillLevel,
    SkillSubsidyEligibility,
    UnemploymentEligibility,
    UnemploymentWorkCheck,
    job_retention_rebate,
    job_retention_rebate_check,
    unemployment_benefit_monthly,
    unemployment_benefit_work_check,
    unemployment_duration_months,
    unemployment_eligibility,
    unemployment_rural_lump_sum,
    unemployment_skill_subsidy,
    unemployment_skill_subsidy_eligibility,
)
from .work_injury import (
    work_injury_care_allowance,
    work_injury_death_lump_sum,
    work_injury_dependant_pension,
    work_injury_dependants_pension_total,
    work_injury_disability_allowance_monthly,
    work_injury_disability_grant,
    work_injury_employer_allowance_monthly,
    work_injury_funeral_grant,
    work_injury_own_wage,
    work_injury_pension_top_up,
    work_injury_wage_continuation_check,
)

__all__ = [
    "AWARDS",
    "AwardTerms",
    "C102Check",
    "C102_CODES",
    "CARE_LEVEL_CODES",
    "CARE_SETTINGS",
    "CONTRIBUTION_YEARS_CODES",
    "CareLevel",
    "CareSetting",
    "ContributionYearsCheck",
    "DEPENDANT_KINDS",
    "DependantKind",
    "ENTERPRISE_SIZES",
    "EnterpriseSize",
    "Inputs",
    "JOB_RETENTION_CODES",
    "JobRetentionCheck",
    "LTC_BASIS",
    "LTC_HARDSHIP_GROUPS",
    "LTC_SUBSIDY_CODES",
    "LtcSubsidyCheck",
    "OIP_RULES",
    "Payer",
    "WORK_INJURY_UNPAID_REFERENCE",
    "work_injury_payer",
    "REPORTERS",
    "REPORT_CODES",
    "RETIREMENT_DECISION",
    "RETIREMENT_TIMING_CODES",
    "ReportCheck",
    "Reporter",
    "RetirementTiming",
    "SKILL_LEVELS",
    "SKILL_SUBSIDY_CODES",
    "SkillLevel",
    "SkillSubsidyEligibility",
    "UIR",
    "UNEMPLOYMENT_ELIGIBILITY_CODES",
    "UNEMPLOYMENT_WORK_CODES",
    "UnemploymentEligibility",
    "UnemploymentWorkCheck",
    "WAGE_CONTINUATION_CODES",
    "WII",
    "WageContinuationCheck",
    "ilo_c102_benchmark_check",
    "injury_medical_costs",
    "injury_report_check",
    "job_retention_rebate",
    "job_retention_rebate_check",
    "ltc_benefit_monthly",
    "ltc_care_level",
    "ltc_contribution_subsidy",
    "ltc_contribution_subsidy_check",
    "oip_benefit_base",
    "oip_care_allowance",
    "oip_death_lump_sum",
    "oip_dependant_pension",
    "oip_dependants_pension_total",
    "oip_disability_allowance_monthly",
    "oip_disability_grant",
    "oip_funeral_grant",
    "oip_one_off_allowance",
    "oip_wage_continuation_check",
    "pension_account_divisor",
    "pension_account_monthly",
    "pension_basic_monthly",
    "pension_contribution_years_check",
    "pension_indexed_monthly",
    "pension_minimum_contribution_months",
    "pension_monthly",
    "pension_retirement_timing_check",
    "regional_minimum_monthly_wage",
    "regional_subsistence_allowance",
    "resident_pension_age_months",
    "resident_pension_monthly",
    "unemployment_benefit_monthly",
    "unemployment_benefit_work_check",
    "unemployment_duration_months",
    "unemployment_eligibility",
    "unemployment_rural_lump_sum",
    "unemployment_skill_subsidy",
    "unemployment_skill_subsidy_eligibility",
    "work_injury_care_allowance",
    "work_injury_death_lump_sum",
    "work_injury_dependant_pension",
    "work_injury_dependants_pension_total",
    "work_injury_disability_allowance_monthly",
    "work_injury_disability_grant",
    "work_injury_employer_allowance_monthly",
    "work_injury_funeral_grant",
    "work_injury_own_wage",
    "work_injury_pension_top_up",
    "work_injury_wage_continuation_check",
]
