"""Schemes, coverage statuses and the reasons a coverage rule can give (pure data, no Django).

Every coverage formula returns one reason code per row; the code fixes the status, the words and the
legal reference. Reasons are English here; the web layer translates them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Scheme(StrEnum):
    EMPLOYEE_PENSION = "EMPLOYEE_PENSION"
    RESIDENT_PENSION = "RESIDENT_PENSION"
    MEDICAL = "MEDICAL"
    WORK_INJURY = "WORK_INJURY"
    OIP = "OIP"
    UNEMPLOYMENT = "UNEMPLOYMENT"
    LONG_TERM_CARE = "LONG_TERM_CARE"
    INDIVIDUAL_PENSION = "INDIVIDUAL_PENSION"


SCHEME_LABELS: dict[Scheme, str] = {
    Scheme.EMPLOYEE_PENSION: "Employee basic pension",
    Scheme.RESIDENT_PENSION: "Residents' basic pension",
    Scheme.MEDICAL: "Basic medical insurance",
    Scheme.WORK_INJURY: "Work-related injury insurance",
    Scheme.OIP: "Occupational injury protection for platform workers",
    Scheme.UNEMPLOYMENT: "Unemployment insurance",
    Scheme.LONG_TERM_CARE: "Long-term care insurance",
    Scheme.INDIVIDUAL_PENSION: "Individual pension (third pillar)",
}


class Status(IntEnum):
    NOT_ELIGIBLE = 0
    MANDATORY = 1
    VOLUNTARY = 2
    COVERED_ELSEWHERE = 3


class CoverageReason(IntEnum):
    """The reason a coverage formula gives for one row; the number is what is stored and shown."""

    EMPLOYEE_PENSION_LABOUR_RELATION = 10
    EMPLOYEE_PENSION_FLEXIBLE = 11
    EMPLOYEE_PENSION_RETIREMENT_AGE = 12
    EMPLOYEE_PENSION_UNDER_AGE = 13
    EMPLOYEE_PENSION_NO_WORK = 14
    RESIDENT_PENSION_IN_EMPLOYEE_PENSION = 20
    RESIDENT_PENSION_MAY_JOIN = 21
    RESIDENT_PENSION_UNDER_AGE = 22
    MEDICAL_LABOUR_RELATION = 30
    MEDICAL_FLEXIBLE = 31
    MEDICAL_NO_WORK = 32
    WORK_INJURY_LABOUR_RELATION = 40
    WORK_INJURY_NO_LABOUR_RELATION = 41
    OIP_IN_PILOT = 50
    OIP_LABOUR_RELATION = 51
    OIP_PROVINCE_NOT_IN_PILOT = 52
    OIP_SECTOR_NOT_IN_PILOT = 53
    OIP_NOT_SWITCHED_ON = 54
    OIP_NOT_A_PLATFORM = 55
    OIP_NO_PLATFORM_ENGAGEMENT = 56
    UNEMPLOYMENT_LABOUR_RELATION = 60
    UNEMPLOYMENT_NO_LABOUR_RELATION = 61
    LONG_TERM_CARE_IN_EMPLOYEE_MEDICAL = 70
    LONG_TERM_CARE_MAY_JOIN = 71
    LONG_TERM_CARE_NOT_A_PILOT_CITY = 72
    LONG_TERM_CARE_NOT_IN_EMPLOYEE_MEDICAL = 73
    INDIVIDUAL_PENSION_MAY_JOIN = 80
    INDIVIDUAL_PENSION_NOT_OPEN_HERE = 81
    INDIVIDUAL_PENSION_NOT_IN_BASIC_PENSION = 82


# How a person's status is chosen when several engagements give different answers.
STATUS_PRECEDENCE: dict[Status, int] = {
    Status.MANDATORY: 3,
    Status.COVERED_ELSEWHERE: 2,
    Status.VOLUNTARY: 1,
    Status.NOT_ELIGIBLE: 0,
}


class Category(StrEnum):
    LABOUR_RELATION = "LABOUR_RELATION"
    MANAGED_NON_LABOUR = "MANAGED_NON_LABOUR"
    CIVIL_LAW = "CIVIL_LAW"
    SELF_EMPLOYED = "SELF_EMPLOYED"


class Sector(StrEnum):
    RIDE_HAILING = "RIDE_HAILING"
    FOOD_DELIVERY = "FOOD_DELIVERY"
    INSTANT_DELIVERY = "INSTANT_DELIVERY"
    INTRA_CITY_FREIGHT = "INTRA_CITY_FREIGHT"
    DOMESTIC_SERVICES = "DOMESTIC_SERVICES"
    RETAIL = "RETAIL"
    MANUFACTURING = "MANUFACTURING"
    LOGISTICS = "LOGISTICS"
    OTHER_SERVICES = "OTHER_SERVICES"


PILOT_SECTORS = (
    Sector.RIDE_HAILING,
    Sector.FOOD_DELIVERY,
    Sector.INSTANT_DELIVERY,
    Sector.INTRA_CITY_FREIGHT,
)

LAW_SI = "Social Insurance Law of the PRC (2010, amended 2018)"
OIP_BASIS = (
    "Ren She Bu Fa [2021] No. 110 (OIP trial measures, pilot from 2022-07-01); "
    "Ren She Bu Fa [2025] No. 24 (expansion, national trial measures)"
)


@dataclass(frozen=True)
class Reason:
    code: CoverageReason
    scheme: Scheme
    status: Status
    text: str
    reference: str


_REASONS = [
    # employee basic pension
    Reason(
        CoverageReason.EMPLOYEE_PENSION_LABOUR_RELATION,
        Scheme.EMPLOYEE_PENSION,
        Status.MANDATORY,
        "Has a labour relation: the employer and the employee must contribute.",
        f"{LAW_SI} Art. 10(1), Art. 12",
    ),
    Reason(
        CoverageReason.EMPLOYEE_PENSION_FLEXIBLE,
        Scheme.EMPLOYEE_PENSION,
        Status.VOLUNTARY,
        "Works without a labour relation (flexible employment): may join and pay 20% of a chosen "
        "base (8% to the individual account, 12% to the pooled fund).",
        f"{LAW_SI} Art. 10(2), Art. 12(3)",
    ),
    Reason(
        CoverageReason.EMPLOYEE_PENSION_RETIREMENT_AGE,
        Scheme.EMPLOYEE_PENSION,
        Status.NOT_ELIGIBLE,
        "Has reached the statutory retirement age.",
        "NPC Standing Committee decision on the statutory retirement age (2024-09-13)",
    ),
    Reason(
        CoverageReason.EMPLOYEE_PENSION_UNDER_AGE,
        Scheme.EMPLOYEE_PENSION,
        Status.NOT_ELIGIBLE,
        "Under the minimum working age of 16.",
        "Labour Law of the PRC Art. 15",
    ),
    Reason(
        CoverageReason.EMPLOYEE_PENSION_NO_WORK,
        Scheme.EMPLOYEE_PENSION,
        Status.NOT_ELIGIBLE,
        "No registered work on this date.",
        f"{LAW_SI} Art. 10",
    ),
    # residents' basic pension
    Reason(
        CoverageReason.RESIDENT_PENSION_IN_EMPLOYEE_PENSION,
        Scheme.RESIDENT_PENSION,
        Status.COVERED_ELSEWHERE,
        "Covered by the employee basic pension through a labour relation.",
        f"{LAW_SI} Art. 20-22; Guo Fa [2014] No. 8",
    ),
    Reason(
        CoverageReason.RESIDENT_PENSION_MAY_JOIN,
        Scheme.RESIDENT_PENSION,
        Status.VOLUNTARY,
        "Aged 16 or over and not obliged to join the employee pension: may join the residents' pension.",
        f"{LAW_SI} Art. 20-22; Guo Fa [2014] No. 8",
    ),
    Reason(
        CoverageReason.RESIDENT_PENSION_UNDER_AGE,
        Scheme.RESIDENT_PENSION,
        Status.NOT_ELIGIBLE,
        "Under 16.",
        "Guo Fa [2014] No. 8",
    ),
    # basic medical
    Reason(
        CoverageReason.MEDICAL_LABOUR_RELATION,
        Scheme.MEDICAL,
        Status.MANDATORY,
        "Has a labour relation: employee basic medical insurance, paid by employer and employee.",
        f"{LAW_SI} Art. 23(1)",
    ),
    Reason(
        CoverageReason.MEDICAL_FLEXIBLE,
        Scheme.MEDICAL,
        Status.VOLUNTARY,
        "Flexibly employed: may join the employee medical insurance (paying themself) or the residents' "
        "medical insurance.",
        f"{LAW_SI} Art. 23(2), Art. 25",
    ),
    Reason(
        CoverageReason.MEDICAL_NO_WORK,
        Scheme.MEDICAL,
        Status.VOLUNTARY,
        "No registered work: may join the residents' basic medical insurance.",
        f"{LAW_SI} Art. 25",
    ),
    # work-related injury insurance
    Reason(
        CoverageReason.WORK_INJURY_LABOUR_RELATION,
        Scheme.WORK_INJURY,
        Status.MANDATORY,
        "Has a labour relation: the employer pays work-injury insurance; the worker pays nothing.",
        f"{LAW_SI} Art. 33; Regulations on Work-Related Injury Insurance Art. 2",
    ),
    Reason(
        CoverageReason.WORK_INJURY_NO_LABOUR_RELATION,
        Scheme.WORK_INJURY,
        Status.NOT_ELIGIBLE,
        "No labour relation: work-injury insurance covers employees only.",
        "Regulations on Work-Related Injury Insurance Art. 2",
    ),
    # occupational injury protection (per engagement)
    Reason(
        CoverageReason.OIP_IN_PILOT,
        Scheme.OIP,
        Status.MANDATORY,
        "Takes orders on a pilot platform in a pilot province and sector: every order insured, paid by "
        "the platform per order; the worker pays nothing.",
        OIP_BASIS,
    ),
    Reason(
        CoverageReason.OIP_LABOUR_RELATION,
        Scheme.OIP,
        Status.COVERED_ELSEWHERE,
        "Has a labour relation, so is covered by work-injury insurance and excluded from OIP.",
        OIP_BASIS,
    ),
    Reason(
        CoverageReason.OIP_PROVINCE_NOT_IN_PILOT,
        Scheme.OIP,
        Status.NOT_ELIGIBLE,
        "The work region's province is not in the OIP pilot on this date.",
        OIP_BASIS,
    ),
    Reason(
        CoverageReason.OIP_SECTOR_NOT_IN_PILOT,
        Scheme.OIP,
        Status.NOT_ELIGIBLE,
        "The sector is not one of the OIP pilot sectors.",
        OIP_BASIS,
    ),
    Reason(
        CoverageReason.OIP_NOT_SWITCHED_ON,
        Scheme.OIP,
        Status.NOT_ELIGIBLE,
        "OIP has not been switched on for this platform, region and sector on this date.",
        OIP_BASIS,
    ),
    Reason(
        CoverageReason.OIP_NOT_A_PLATFORM,
        Scheme.OIP,
        Status.NOT_ELIGIBLE,
        "The engagement is not with a platform enterprise.",
        OIP_BASIS,
    ),
    Reason(
        CoverageReason.OIP_NO_PLATFORM_ENGAGEMENT,
        Scheme.OIP,
        Status.NOT_ELIGIBLE,
        "No engagement with a platform on this date.",
        OIP_BASIS,
    ),
    # unemployment
    Reason(
        CoverageReason.UNEMPLOYMENT_LABOUR_RELATION,
        Scheme.UNEMPLOYMENT,
        Status.MANDATORY,
        "Has a labour relation: employer and employee contribute.",
        f"{LAW_SI} Art. 44; Unemployment Insurance Regulations (1999) Art. 2",
    ),
    Reason(
        CoverageReason.UNEMPLOYMENT_NO_LABOUR_RELATION,
        Scheme.UNEMPLOYMENT,
        Status.NOT_ELIGIBLE,
        "No labour relation: unemployment insurance covers employees of urban enterprises and institutions.",
        "Unemployment Insurance Regulations (1999) Art. 2",
    ),
    # long-term care
    Reason(
        CoverageReason.LONG_TERM_CARE_IN_EMPLOYEE_MEDICAL,
        Scheme.LONG_TERM_CARE,
        Status.MANDATORY,
        "In the employee medical insurance in a long-term care pilot city: covered with it.",
        "Yi Bao Fa [2020] No. 37; Ren She Ting Fa [2016] No. 80",
    ),
    Reason(
        CoverageReason.LONG_TERM_CARE_MAY_JOIN,
        Scheme.LONG_TERM_CARE,
        Status.VOLUNTARY,
        "In a long-term care pilot city: covered if they join the employee medical insurance as a flexible worker.",
        "Yi Bao Fa [2020] No. 37; Ren She Ting Fa [2016] No. 80",
    ),
    Reason(
        CoverageReason.LONG_TERM_CARE_NOT_A_PILOT_CITY,
        Scheme.LONG_TERM_CARE,
        Status.NOT_ELIGIBLE,
        "The city is not a long-term care insurance pilot on this date.",
        "Yi Bao Fa [2020] No. 37",
    ),
    Reason(
        CoverageReason.LONG_TERM_CARE_NOT_IN_EMPLOYEE_MEDICAL,
        Scheme.LONG_TERM_CARE,
        Status.NOT_ELIGIBLE,
        "Not in the employee medical insurance, which the pilot covers first.",
        "Yi Bao Fa [2020] No. 37",
    ),
    # individual pension
    Reason(
        CoverageReason.INDIVIDUAL_PENSION_MAY_JOIN,
        Scheme.INDIVIDUAL_PENSION,
        Status.VOLUNTARY,
        "Can join a basic pension scheme and the individual pension is open where they live: may open an "
        "account (up to the yearly cap).",
        "Guo Ban Fa [2022] No. 7",
    ),
    Reason(
        CoverageReason.INDIVIDUAL_PENSION_NOT_OPEN_HERE,
        Scheme.INDIVIDUAL_PENSION,
        Status.NOT_ELIGIBLE,
        "The individual pension was not yet open in this city on this date.",
        "Guo Ban Fa [2022] No. 7",
    ),
    Reason(
        CoverageReason.INDIVIDUAL_PENSION_NOT_IN_BASIC_PENSION,
        Scheme.INDIVIDUAL_PENSION,
        Status.NOT_ELIGIBLE,
        "Only people who take part in a basic pension scheme may join.",
        "Guo Ban Fa [2022] No. 7",
    ),
]

REASONS: dict[int, Reason] = {r.code: r for r in _REASONS}


def reason_codes(scheme: Scheme) -> dict[int, str]:
    return {r.code: f"{r.status.name}: {r.text}" for r in _REASONS if r.scheme == scheme}
