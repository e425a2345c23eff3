"""Unemployment insurance benefits (Unemployment Insurance Regulations (1999) Art. 14-21; Social Insurance
Law Art. 45-47): eligibility, the longest benefit period, the monthly benefit, the rural contract worker's lump
sum, the skill-upgrading subsidy (Ren She Bu Fa [2017] No. 40) and the job-retention rebate to enterprises
(MOHRSS/MOF/STA yearly notices, 2022-2025), and what work found while it is paid does to it (only re-employment in
regular employment stops it). The benefit period is the longest one by contribution years
(12/18/24 months) plus the unused months carried over from an earlier unemployment, at most 24; it does not
apply the eligibility conditions: ask ``unemployment_eligibility`` first. Who is covered is in
:mod:`socsec.rules.formulas.unemployment`."""

from __future__ import annotations

from enum import IntEnum, StrEnum

import numpy as np

from ..context import Context
from ..coverage import LAW_SI
from ..formulas.common import Inputs
from ..registry import Array, RuleViolation, formula
from ..rounding import Rounding
from .common import CONTRIBUTION_MONTHS, REGION, UIR, regional, whole


class UnemploymentEligibility(IntEnum):
    """What ``unemployment_eligibility`` answers."""

    ELIGIBLE = 0
    TOO_FEW_MONTHS = 1
    LEFT_VOLUNTARILY = 2
    NOT_REGISTERED = 3


UNEMPLOYMENT_ELIGIBILITY_CODES: dict[int, str] = {
    UnemploymentEligibility.ELIGIBLE: "eligible",
    UnemploymentEligibility.TOO_FEW_MONTHS: "fewer than 12 months of contributions",
    UnemploymentEligibility.LEFT_VOLUNTARILY: "left the job voluntarily",
    UnemploymentEligibility.NOT_REGISTERED: "not registered as unemployed and seeking work",
}


@formula(
    name="unemployment_eligibility",
    label="Unemployment benefit: at least 1 year of contributions, involuntary loss of the job, registered and "
    "seeking work",
    reference=f"{UIR} Art. 14; {LAW_SI} Art. 45",
    unit="code",
    inputs={
        **CONTRIBUTION_MONTHS,
        "involuntary": ("bool", "the job ended against the worker's will"),
        "registered": ("bool", "registered as unemployed and seeking work"),
    },
    codes=UNEMPLOYMENT_ELIGIBILITY_CODES,
)
def unemployment_eligibility(
    ctx: Context, on: Array, contribution_months: Array, involuntary: Array, registered: Array
) -> Array:
    months = whole(contribution_months, "contribution months", 0)
    return np.select(
        [
            months < ctx.at("benefits.unemployment.minimum_contribution_months", on),
            ~np.asarray(involuntary, dtype=bool),
            ~np.asarray(registered, dtype=bool),
        ],
        [
            UnemploymentEligibility.TOO_FEW_MONTHS,
            UnemploymentEligibility.LEFT_VOLUNTARILY,
            UnemploymentEligibility.NOT_REGISTERED,
        ],
        default=UnemploymentEligibility.ELIGIBLE,
    )


@formula(
    name="unemployment_duration_months",
    label="Longest unemployment benefit period: 12, 18 or 24 months for 1-5, 5-10, 10+ years of contributions, "
    "plus unused months carried over from an earlier unemployment, at most 24",
    reference=f"{UIR} Art. 17; {LAW_SI} Art. 46",
    unit="months",
    inputs={
        **CONTRIBUTION_MONTHS,
        "carried_over_months": ("int", "benefit months due but not drawn in an earlier unemployment"),
    },
)
def unemployment_duration_months(
    ctx: Context, on: Array, contribution_months: Array, carried_over_months: Array
) -> Array:
    months = whole(contribution_months, "contribution months", 0)
    carried = whole(carried_over_months, "carried-over months", 0)
    path = "benefits.unemployment.duration_months"
    period = np.zeros(months.shape, dtype=np.float64)
    for threshold in sorted(ctx.params.node(path).children, key=int):
        period = np.where(months >= int(threshold), ctx.at(f"{path}.{threshold}", on), period)
    result: Array = np.minimum(period + carried, ctx.at("benefits.unemployment.max_duration_months", on))
    return result


@formula(
    name="unemployment_benefit_monthly",
    label="Unemployment benefit a month: the province's share of the local minimum wage, kept between the urban "
    "minimum living allowance and the minimum wage",
    reference=f"{UIR} Art. 18; {LAW_SI} Art. 47",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=REGION,
)
def unemployment_benefit_monthly(ctx: Context, on: Array, region: Array) -> Array:
    minimum_wage = ctx.formula("regional_minimum_monthly_wage", on, region=region)
    subsistence = ctx.formula("regional_subsistence_allowance", on, region=region)
    share = regional(ctx, "benefits.unemployment.benefit_share_of_minimum_wage", region, on)
    result: Array = np.minimum(np.maximum(minimum_wage * share, subsistence), minimum_wage)
    return result


class UnemploymentWorkCheck(IntEnum):
    """What ``unemployment_benefit_work_check`` answers."""

    PAID = 0
    PAID_WORK_REPORTED = 1
    STOPPED_REEMPLOYED = 2


UNEMPLOYMENT_WORK_CODES: dict[int, str] = {
    UnemploymentWorkCheck.PAID: "no work found: the benefit is paid",
    UnemploymentWorkCheck.PAID_WORK_REPORTED: (
        "platform orders or work without a labour relation: reported to the officer, the benefit is paid"
    ),
    UnemploymentWorkCheck.STOPPED_REEMPLOYED: (
        "re-employed in regular employment (a labour relation): the benefit stops"
    ),
}
REEMPLOYMENT_POLICY = (
    'conference record 2022, session 1, Liu Peng (MOHRSS): "according to the current policy, a beneficiary stops '
    'receiving unemployment insurance benefits only when he is re-employed in regular employment"'
)


@formula(
    name="unemployment_benefit_work_check",
    label="Work found while unemployment benefit is paid: only re-employment in regular employment (a labour "
    "relation) stops the benefit; platform orders and engagements without a labour relation are reported to the "
    "officer and the benefit goes on",
    reference=f"{UIR} Art. 15 (1) (re-employment); {REEMPLOYMENT_POLICY}",
    unit="code",
    inputs={
        "labour_relation_started": ("bool", "a labour-relation engagement began after the job loss"),
        "platform_orders": ("int", "platform orders taken in the month"),
        "other_engagement_started": (
            "bool",
            "an engagement without a labour relation (managed, civil-law, self-employed) began after the job loss",
        ),
    },
    codes=UNEMPLOYMENT_WORK_CODES,
)
def unemployment_benefit_work_check(
    ctx: Context, on: Array, labour_relation_started: Array, platform_orders: Array, other_engagement_started: Array
) -> Array:
    reemployed = np.asarray(labour_relation_started, dtype=bool)
    other_work = (whole(platform_orders, "platform orders", 0) > 0) | np.asarray(other_engagement_started, dtype=bool)
    return np.select(
        [reemployed, other_work],
        [UnemploymentWorkCheck.STOPPED_REEMPLOYED, UnemploymentWorkCheck.PAID_WORK_REPORTED],
        default=UnemploymentWorkCheck.PAID,
    )


@formula(
    name="unemployment_rural_lump_sum",
    label="Lump-sum living subsidy for a rural contract worker: the local unemployment benefit x months per full "
    "year of contributions (at most the province's maximum); nothing under 1 year (demo method and figures)",
    reference=f"{UIR} Art. 21 (method and amounts: DEMO DATA)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={**REGION, **CONTRIBUTION_MONTHS},
)
def unemployment_rural_lump_sum(ctx: Context, on: Array, region: Array, contribution_months: Array) -> Array:
    months = whole(contribution_months, "contribution months", 0)
    path = "benefits.unemployment"
    years = np.where(months >= ctx.at(f"{path}.minimum_contribution_months", on), months // 12, 0)
    paid_months = np.minimum(
        years * ctx.at(f"{path}.rural_lump_sum_months_per_year", on), ctx.at(f"{path}.rural_lump_sum_max_months", on)
    )
    result: Array = ctx.formula("unemployment_benefit_monthly", on, region=region) * paid_months
    return result


class SkillSubsidyEligibility(IntEnum):
    """What ``unemployment_skill_subsidy_eligibility`` answers."""

    ELIGIBLE = 0
    TOO_FEW_MONTHS = 1


SKILL_SUBSIDY_CODES: dict[int, str] = {
    SkillSubsidyEligibility.ELIGIBLE: "eligible",
    SkillSubsidyEligibility.TOO_FEW_MONTHS: "too few months of unemployment-insurance contributions",
}


@formula(
    name="unemployment_skill_subsidy_eligibility",
    label="Skill-upgrading subsidy: at least 1 year of unemployment-insurance contributions (3 years before 2019)",
    reference="Ren She Bu Fa [2017] No. 40 (as shortened to 1 year; see the parameter)",
    unit="code",
    inputs=CONTRIBUTION_MONTHS,
    codes=SKILL_SUBSIDY_CODES,
)
def unemployment_skill_subsidy_eligibility(ctx: Context, on: Array, contribution_months: Array) -> Array:
    minimum = ctx.at("benefits.unemployment.skill_subsidy_minimum_contribution_months", on)
    reached = whole(contribution_months, "contribution months", 0) >= minimum
    return np.where(reached, SkillSubsidyEligibility.ELIGIBLE, SkillSubsidyEligibility.TOO_FEW_MONTHS)


class SkillLevel(StrEnum):
    """The level of a vocational skill certificate."""

    ELEMENTARY = "ELEMENTARY"  # level 5
    INTERMEDIATE = "INTERMEDIATE"  # level 4
    ADVANCED = "ADVANCED"  # level 3


SKILL_LEVELS = tuple(SkillLevel)


@formula(
    name="unemployment_skill_subsidy",
    label="Skill-upgrading subsidy: the amount for the certificate's level, when a year of contributions is on "
    "record; nothing otherwise",
    reference="Ren She Bu Fa [2017] No. 40 Art. 1",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        **CONTRIBUTION_MONTHS,
        "level": ("str", "certificate level: ELEMENTARY (5), INTERMEDIATE (4) or ADVANCED (3)"),
    },
)
def unemployment_skill_subsidy(ctx: Context, on: Array, contribution_months: Array, level: Array) -> Array:
    levels = np.asarray(level).astype(str)
    if (~np.isin(levels, SKILL_LEVELS)).any():
        raise RuleViolation(f"{levels[~np.isin(levels, SKILL_LEVELS)][0]!r} is not one of {', '.join(SKILL_LEVELS)}")
    check = ctx.formula("unemployment_skill_subsidy_eligibility", on, contribution_months=contribution_months)
    eligible = check == SkillSubsidyEligibility.ELIGIBLE
    yuan = ctx.by_key("benefits.unemployment.skill_subsidy_amount", levels, on)
    result: Array = np.where(eligible, yuan * 100, 0.0)
    return result


class JobRetentionCheck(IntEnum):
    """What ``job_retention_rebate_check`` answers."""

    ELIGIBLE = 0
    LAYOFFS_ABOVE_TARGET = 1
    NOT_IN_FORCE = 2


JOB_RETENTION_CODES: dict[int, str] = {
    JobRetentionCheck.ELIGIBLE: "eligible: no layoffs, or a layoff rate at or below the target",
    JobRetentionCheck.LAYOFFS_ABOVE_TARGET: "layoff rate above the target",
    JobRetentionCheck.NOT_IN_FORCE: "no job-retention rebate in force on the date",
}


class EnterpriseSize(StrEnum):
    LARGE = "LARGE"
    SME = "SME"  # small, medium or micro enterprise


ENTERPRISE_SIZES = tuple(EnterpriseSize)
_ENTERPRISE: Inputs = {
    "staff": ("int", "insured staff of the enterprise last year"),
    "laid_off": ("int", "insured staff laid off last year"),
    "enterprise_size": ("str", "LARGE or SME"),
}


@formula(
    name="job_retention_rebate_check",
    label="Job-retention rebate: no layoffs, or a layoff rate at or below the target (20% for 30 staff or fewer)",
    reference="MOHRSS/MOF/STA yearly notices on the job-retention rebate, 2022-2025",
    unit="code",
    inputs=_ENTERPRISE,
    codes=JOB_RETENTION_CODES,
)
def job_retention_rebate_check(ctx: Context, on: Array, staff: Array, laid_off: Array, enterprise_size: Array) -> Array:
    people = whole(staff, "staff", 1)
    gone = whole(laid_off, "staff laid off", 0)
    sizes = np.asarray(enterprise_size).astype(str)
    if (~np.isin(sizes, ENTERPRISE_SIZES)).any():
        bad = sizes[~np.isin(sizes, ENTERPRISE_SIZES)][0]
        raise RuleViolation(f"{bad!r} is not an enterprise size ({', '.join(ENTERPRISE_SIZES)})")
    path = "benefits.unemployment.job_retention"
    small = people <= ctx.at(f"{path}.small_firm_max_staff", on)
    target = np.where(small, ctx.at(f"{path}.layoff_target.SMALL_FIRM", on), ctx.at(f"{path}.layoff_target.OTHER", on))
    share = ctx.by_key(f"{path}.rebate_share", sizes, on)
    within = (gone == 0) | (gone / people <= target + 1e-12)
    return np.select(
        [np.isnan(share), ~within],
        [JobRetentionCheck.NOT_IN_FORCE, JobRetentionCheck.LAYOFFS_ABOVE_TARGET],
        default=JobRetentionCheck.ELIGIBLE,
    )


@formula(
    name="job_retention_rebate",
    label="Job-retention rebate: last year's unemployment-insurance premiums x 30% (large) or 90% (SME, 2022) / "
    "60% (SME, 2023-2025); nothing when not eligible",
    reference="MOHRSS/MOF/STA yearly notices on the job-retention rebate, 2022-2025",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"premiums_last_year": ("cents", "unemployment-insurance premiums paid last year, in cents"), **_ENTERPRISE},
)
def job_retention_rebate(
    ctx: Context, on: Array, premiums_last_year: Array, staff: Array, laid_off: Array, enterprise_size: Array
) -> Array:
    check = ctx.formula(
        "job_retention_rebate_check", on, staff=staff, laid_off=laid_off, enterprise_size=enterprise_size
    )
    eligible = check == JobRetentionCheck.ELIGIBLE
    share = np.zeros(check.shape, dtype=np.float64)
    if eligible.any():
        share[eligible] = ctx.by_key(
            "benefits.unemployment.job_retention.rebate_share",
            np.asarray(enterprise_size).astype(str)[eligible],
            on[eligible],
        )
    result: Array = whole(premiums_last_year, "premiums", 0) * share
    return result
