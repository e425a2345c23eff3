"""Who pays each benefit amount - the scheme's fund, the employer (Regulations on Work-Related Injury
Insurance Art. 33, Art. 36) or the platform (Ren She Ting Han [2025] No. 79, OIP operating rules) - and
whether it is paid every month or once: :data:`AWARDS`, keyed by the amount's formula."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Payer(StrEnum):
    FUND = "FUND"  # the scheme's fund (social insurance agency)
    EMPLOYER = "EMPLOYER"  # the employing unit (work-injury insurance)
    PLATFORM = "PLATFORM"  # the platform enterprise (OIP)


@dataclass(frozen=True)
class AwardTerms:
    payer: Payer
    monthly: bool  # paid every month while due; False: paid once
    note: str = ""


AWARDS: dict[str, AwardTerms] = {
    # occupational injury protection (OIP). (unverified) which items the platform pays itself: the fund pays
    # every cash benefit below; the platform continues the worker's income during treatment.
    "oip_disability_grant": AwardTerms(Payer.FUND, monthly=False),
    "unemployment_skill_subsidy": AwardTerms(Payer.FUND, monthly=False),
    "injury_medical_costs": AwardTerms(Payer.FUND, monthly=False),
    "oip_disability_allowance_monthly": AwardTerms(Payer.FUND, monthly=True),
    "oip_one_off_allowance": AwardTerms(Payer.FUND, monthly=False),
    "oip_care_allowance": AwardTerms(Payer.FUND, monthly=True),
    "oip_funeral_grant": AwardTerms(Payer.FUND, monthly=False),
    "oip_dependants_pension_total": AwardTerms(Payer.FUND, monthly=True),
    "oip_dependant_pension": AwardTerms(Payer.FUND, monthly=True),
    "oip_death_lump_sum": AwardTerms(Payer.FUND, monthly=False),
    "oip_wage_continuation_check": AwardTerms(
        Payer.PLATFORM, monthly=True, note="income during treatment, up to 12 + 12 months (unverified for OIP)"
    ),
    # work-related injury insurance
    "work_injury_disability_grant": AwardTerms(Payer.FUND, monthly=False, note="Art. 35-37"),
    "work_injury_disability_allowance_monthly": AwardTerms(
        Payer.FUND, monthly=True, note="Art. 35: grades 1-4, the fund tops it up to the minimum wage"
    ),
    "work_injury_employer_allowance_monthly": AwardTerms(
        Payer.EMPLOYER, monthly=True, note="Art. 36: grades 5-6 for whom the employer arranges no job"
    ),
    "work_injury_care_allowance": AwardTerms(Payer.FUND, monthly=True, note="Art. 34"),
    "work_injury_funeral_grant": AwardTerms(Payer.FUND, monthly=False, note="Art. 39"),
    "work_injury_dependants_pension_total": AwardTerms(Payer.FUND, monthly=True, note="Art. 39"),
    "work_injury_dependant_pension": AwardTerms(Payer.FUND, monthly=True, note="Art. 39"),
    "work_injury_death_lump_sum": AwardTerms(Payer.FUND, monthly=False, note="Art. 39"),
    "work_injury_pension_top_up": AwardTerms(Payer.FUND, monthly=True, note="Art. 35: after retirement"),
    "work_injury_wage_continuation_check": AwardTerms(
        Payer.EMPLOYER, monthly=True, note="Art. 33: the original wage and benefits during treatment"
    ),
    # pensions, unemployment, long-term care: the scheme's fund
    "pension_basic_monthly": AwardTerms(Payer.FUND, monthly=True, note="pooled fund"),
    "pension_account_monthly": AwardTerms(Payer.FUND, monthly=True, note="from the individual account"),
    "pension_monthly": AwardTerms(Payer.FUND, monthly=True),
    "pension_indexed_monthly": AwardTerms(Payer.FUND, monthly=True),
    "resident_pension_monthly": AwardTerms(Payer.FUND, monthly=True, note="basic part from public budgets"),
    "unemployment_benefit_monthly": AwardTerms(Payer.FUND, monthly=True),
    "unemployment_rural_lump_sum": AwardTerms(Payer.FUND, monthly=False, note="Art. 21 (demo method)"),
    "job_retention_rebate": AwardTerms(Payer.FUND, monthly=False, note="to the enterprise"),
    "ltc_benefit_monthly": AwardTerms(Payer.FUND, monthly=True),
    "ltc_contribution_subsidy": AwardTerms(Payer.FUND, monthly=False, note="public funds, paid on the person's behalf"),
}


WORK_INJURY_UNPAID_REFERENCE = (
    "Regulations on Work-Related Injury Insurance Art. 62: an employer that should have paid work-injury "
    "insurance contributions and did not pays the benefits itself, by the items and standards of the regulations"
)


def work_injury_payer(payer: Payer, *, contribution_paid: bool) -> Payer:
    """Who pays a work-injury amount: the fund's amounts fall to the employer when its work-injury
    contribution for the month of the injury was not paid (``WORK_INJURY_UNPAID_REFERENCE``)."""
    if payer == Payer.FUND and not contribution_paid:
        return Payer.EMPLOYER
    return payer
