"""Benefit formulas (issue 4): occupational injury protection (OIP) and work-injury insurance, pensions,
unemployment insurance and long-term care. Vectorised like every formula: one row per case.

Parameters live under ``benefits.*`` (see ``parameters/benefits``); figures not found in a primary text
say so in their description, and demo-only figures are marked DEMO DATA.

Methods this module fixes (each also in the formula's label or docstring):

* **Dependants' pensions** (OIP and work injury). The total is ``base x min(sum of the shares, cap)``:
  spouse 40%, each other dependant 30%, +10% for each orphan or lone elderly person, the cap 100% of
  the base. One dependant's pension is their share scaled down in proportion when the shares add up to
  more than the cap: ``base x share x min(1, cap / sum of the shares)``, rounded *down* to the cent, so
  that the dependants' pensions never add up to more than the total (they fall short of it by less than a
  cent per dependant). The total is rounded half up.
* **Individual account divisor** for an age between table rows: the row of the completed years (60
  years 11 months -> row 60), no interpolation.
* **Unemployment duration**: the longest period by contribution years (12/18/24 months) plus the unused
  months carried over from an earlier unemployment, at most 24. It does not apply the eligibility
  conditions: ask ``unemployment_eligibility`` first.
* **Who pays**: :data:`AWARDS` maps each amount formula to its payer (the fund, the employer or the
  platform) and whether it is paid monthly or once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from .coverage import LAW_SI, OIP_BASIS
from .engine import Context, InputKind, RuleViolation, formula
from .formulas.common import province_of

Array = npt.NDArray[Any]
Inputs = dict[str, tuple[InputKind, str]]

OIP_RULES = f"Ren She Ting Han [2025] No. 79 (OIP operating rules); {OIP_BASIS}"
WII = "Regulations on Work-Related Injury Insurance (State Council Order No. 375, revised 2010)"
UIR = "Unemployment Insurance Regulations (1999)"
RETIREMENT_DECISION = "NPC Standing Committee decision on gradually raising the statutory retirement age (2024-09-13)"
LTC_BASIS = "Yi Bao Fa [2020] No. 37; Ren She Ting Fa [2016] No. 80"


# --- who pays -------------------------------------------------------------------------------------------


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
    # every cash benefit below; the platform continues the worker's income during treatment (issue 4).
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


# --- helpers -------------------------------------------------------------------------------------------

_REGION: Inputs = {"region": ("str", "6-digit region code where the benefit is paid (city, else its province)")}


def _regional(ctx: Context, path: str, region: Array, on: Array) -> npt.NDArray[np.float64]:
    """Child ``region`` of node ``path``, else the child of its province (NaN where neither has a value)."""
    values = ctx.by_key(path, region, on)
    missing = np.isnan(values)
    if missing.any():
        values[missing] = ctx.by_key(path, province_of(np.asarray(region)[missing]), on[missing])
    return values


def _whole(values: Array, name: str, low: int, high: int | None = None) -> npt.NDArray[np.int64]:
    """Integers within ``[low, high]``; anything else is refused, naming the first bad row."""
    numbers = np.asarray(values, dtype=np.int64)
    bad = numbers < low if high is None else (numbers < low) | (numbers > high)
    if bad.any():
        where = f"below {low}" if high is None else f"outside {low}-{high}"
        raise RuleViolation(f"{name} {int(numbers[bad][0])} is {where}")
    return numbers


def _grade(grade: Array) -> npt.NDArray[np.int64]:
    return _whole(grade, "disability grade", 0, 10)


def _row_of(ctx: Context, path: str, key: Array, on: Array) -> npt.NDArray[np.float64]:
    """Child ``str(key)`` of node ``path`` on the date; 0 for a key the node has no child for (e.g. grade 7
    of the monthly allowance, grade 0 = no grade). A listed key without a value that day stays NaN, so the
    engine refuses it instead of paying nothing."""
    keys = np.asarray(key).astype(np.int64).astype(str)
    listed = np.isin(keys, list(ctx.params.node(path).children))
    if not listed.any():
        return np.zeros(keys.shape, dtype=np.float64)
    values = ctx.by_key(path, keys, on)
    result: npt.NDArray[np.float64] = np.where(listed, values, 0.0)
    return result


def _last_year(on: Array) -> Array:
    """1 January of the year before each date."""
    year = np.asarray(on, dtype="datetime64[Y]")
    previous: Array = (year - 1).astype("datetime64[D]")
    return previous


# --- shared injury pieces ------------------------------------------------------------------------------

_GRADE: Inputs = {"grade": ("int", "disability grade 1-10 (1 most severe; 0 = no grade)")}
_CARE: Inputs = {"care_level": ("int", "1 fully, 2 mostly, 3 partly unable to care for oneself; 0 = none")}
_DEPENDANTS: Inputs = {
    "spouses": ("int", "dependent spouse: 0 or 1"),
    "other_dependants": ("int", "other dependent relatives (children, parents, grandparents, siblings ...)"),
    "supplemented": ("int", "how many of all these dependants are orphans or lone elderly persons (+10% each)"),
}
_ONE_DEPENDANT: Inputs = {
    "kind": ("str", "this dependant: SPOUSE or OTHER"),
    "supplement": ("bool", "this dependant is an orphan or a lone elderly person"),
}
DEPENDANT_KINDS = ("SPOUSE", "OTHER")


def _shares(
    ctx: Context, on: Array, scheme: str, spouses: Array, others: Array, supplemented: Array
) -> tuple[Array, Array, Array, Array, Array]:
    """(spouse share, other share, supplement, sum of all dependants' shares, cap) per row."""
    spouse = _whole(spouses, "number of dependent spouses", 0, 1)
    other = _whole(others, "number of other dependants", 0)
    extra = _whole(supplemented, "number of orphans or lone elderly dependants", 0)
    too_many = extra > spouse + other
    if too_many.any():
        row = int(np.flatnonzero(too_many)[0])
        raise RuleViolation(
            f"{int(extra[row])} orphans or lone elderly persons among {int(spouse[row] + other[row])} dependants"
        )
    path = f"benefits.{scheme}.dependants"
    spouse_share = ctx.at(f"{path}.spouse_ratio", on)
    other_share = ctx.at(f"{path}.other_ratio", on)
    supplement = ctx.at(f"{path}.supplement_ratio", on)
    total = spouse * spouse_share + other * other_share + extra * supplement
    return spouse_share, other_share, supplement, total, ctx.at(f"{path}.total_cap_ratio", on)


def _dependants_total(
    ctx: Context, on: Array, scheme: str, base: Array, spouses: Array, others: Array, supplemented: Array
) -> Array:
    _, _, _, total, cap = _shares(ctx, on, scheme, spouses, others, supplemented)
    result: Array = base * np.minimum(total, cap)
    return result


def _one_dependant(
    ctx: Context,
    on: Array,
    scheme: str,
    base: Array,
    spouses: Array,
    others: Array,
    supplemented: Array,
    kind: Array,
    supplement: Array,
) -> Array:
    spouse_share, other_share, extra, total, cap = _shares(ctx, on, scheme, spouses, others, supplemented)
    kinds = np.asarray(kind).astype(str)
    unknown = ~np.isin(kinds, DEPENDANT_KINDS)
    if unknown.any():
        raise RuleViolation(f"{kinds[unknown][0]!r} is not a kind of dependant ({', '.join(DEPENDANT_KINDS)})")
    plus = np.asarray(supplement, dtype=bool)
    uncounted = (
        ((kinds == "SPOUSE") & (np.asarray(spouses) < 1))
        | ((kinds == "OTHER") & (np.asarray(others) < 1))
        | (plus & (np.asarray(supplemented) < 1))
    )
    if uncounted.any():
        raise RuleViolation("the dependant is not among the dependants counted (spouses, others, supplemented)")
    own = np.where(kinds == "SPOUSE", spouse_share, other_share) + np.where(plus, extra, 0.0)
    scale = np.where(total > cap, cap / np.where(total > 0, total, 1.0), 1.0)
    result: Array = base * own * scale
    return result


def _death_lump_sum(ctx: Context, on: Array, scheme: str) -> Array:
    income = ctx.at("benefits.national.urban_disposable_income_per_capita", _last_year(on))
    result: Array = income * 100 * ctx.at(f"benefits.{scheme}.death_lump_sum_years", on)
    return result


WAGE_CONTINUATION_CODES = {
    0: "within the normal period of wage continuation",
    1: "within the confirmed extension",
    2: "past the longest period (normal + extension): no more wage continuation",
    3: "past the normal period without a confirmed extension",
}
_CONTINUATION: Inputs = {
    "months_off_work": ("int", "months of treatment off work so far, counting the month checked"),
    "extension_confirmed": ("bool", "the labour-capacity appraisal committee confirmed an extension"),
}


def _wage_continuation(ctx: Context, on: Array, scheme: str, months_off_work: Array, confirmed: Array) -> Array:
    months = _whole(months_off_work, "months off work", 0)
    normal = ctx.at(f"benefits.{scheme}.wage_continuation.normal_months", on)
    longest = normal + ctx.at(f"benefits.{scheme}.wage_continuation.extension_months", on)
    extended = np.asarray(confirmed, dtype=bool)
    return np.select([months <= normal, months > longest, extended], [0, 2, 1], default=3)


def _care_level(care_level: Array) -> npt.NDArray[np.int64]:
    return _whole(care_level, "care level", 0, 3)


# --- regional figures ----------------------------------------------------------------------------------


@formula(
    name="regional_minimum_monthly_wage",
    label="Local monthly minimum wage (city value, else province)",
    reference="Provisions on Minimum Wages (MOLSS Order No. 21, 2004) Art. 6, Art. 10",
    unit="cents",
    rounding="half_up_cent",
    inputs=_REGION,
)
def regional_minimum_monthly_wage(ctx: Context, on: Array, region: Array) -> Array:
    result: Array = _regional(ctx, "benefits.regions.minimum_monthly_wage", region, on) * 100
    return result


@formula(
    name="regional_subsistence_allowance",
    label="Local urban minimum living allowance per person per month (city value, else province)",
    reference="Regulations on Guaranteeing Urban Residents' Minimum Standard of Living (1999) Art. 6",
    unit="cents",
    rounding="half_up_cent",
    inputs=_REGION,
)
def regional_subsistence_allowance(ctx: Context, on: Array, region: Array) -> Array:
    result: Array = _regional(ctx, "benefits.regions.urban_subsistence_allowance_monthly", region, on) * 100
    return result


# --- occupational injury protection (OIP) --------------------------------------------------------------


@formula(
    name="oip_benefit_base",
    label="OIP benefit base: 60% of last year's local urban private-sector average monthly wage",
    reference=f"{OIP_RULES}; policy-facts.md section 1",
    unit="cents",
    rounding="half_up_cent",
    inputs=_REGION,
)
def oip_benefit_base(ctx: Context, on: Array, region: Array) -> Array:
    wage = _regional(ctx, "benefits.oip.private_sector_average_monthly_wage", region, on)
    result: Array = wage * 100 * ctx.at("benefits.oip.benefit_base_ratio", on)
    return result


def _oip_base(ctx: Context, on: Array, region: Array) -> Array:
    return ctx.formula("oip_benefit_base", on, region=region)


@formula(
    name="oip_disability_grant",
    label="OIP lump-sum disability grant: the benefit base x 27, 25, 23, 21, 18, 16, 13, 11, 9 or 7 months by grade",
    reference=OIP_RULES,
    unit="cents",
    rounding="half_up_cent",
    inputs={**_REGION, **_GRADE},
)
def oip_disability_grant(ctx: Context, on: Array, region: Array, grade: Array) -> Array:
    months = _row_of(ctx, "benefits.oip.disability_grant_months", _grade(grade), on)
    result: Array = _oip_base(ctx, on, region) * months
    return result


@formula(
    name="oip_disability_allowance_monthly",
    label="OIP monthly disability allowance, grades 1-4: the benefit base x 90, 85, 80 or 75% (other grades none)",
    reference=OIP_RULES,
    unit="cents",
    rounding="half_up_cent",
    inputs={**_REGION, **_GRADE},
)
def oip_disability_allowance_monthly(ctx: Context, on: Array, region: Array, grade: Array) -> Array:
    ratio = _row_of(ctx, "benefits.oip.disability_allowance_ratio", _grade(grade), on)
    result: Array = _oip_base(ctx, on, region) * ratio
    return result


@formula(
    name="oip_one_off_allowance",
    label="OIP one-off disability allowance, grades 5-6: the benefit base x 30 or 25 months (other grades none)",
    reference=OIP_RULES,
    unit="cents",
    rounding="half_up_cent",
    inputs={**_REGION, **_GRADE},
)
def oip_one_off_allowance(ctx: Context, on: Array, region: Array, grade: Array) -> Array:
    months = _row_of(ctx, "benefits.oip.one_off_allowance_months", _grade(grade), on)
    result: Array = _oip_base(ctx, on, region) * months
    return result


@formula(
    name="oip_care_allowance",
    label="OIP monthly care allowance: 50, 40 or 30% of last year's local private-sector average monthly wage "
    "by care level (unverified for OIP: the work-injury ratios)",
    reference=f"{OIP_RULES} (unverified for this item); {WII} Art. 34",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_REGION, **_CARE},
)
def oip_care_allowance(ctx: Context, on: Array, region: Array, care_level: Array) -> Array:
    ratio = _row_of(ctx, "benefits.oip.care_allowance_ratio", _care_level(care_level), on)
    wage = _regional(ctx, "benefits.oip.private_sector_average_monthly_wage", region, on)
    result: Array = wage * 100 * ratio
    return result


@formula(
    name="oip_funeral_grant",
    label="OIP funeral grant: 6 months x the benefit base (60% of the private-sector average monthly wage)",
    reference=OIP_RULES,
    unit="cents",
    rounding="half_up_cent",
    inputs=_REGION,
)
def oip_funeral_grant(ctx: Context, on: Array, region: Array) -> Array:
    result: Array = _oip_base(ctx, on, region) * ctx.at("benefits.oip.funeral_grant_months", on)
    return result


@formula(
    name="oip_dependants_pension_total",
    label="OIP dependants' pensions together a month: the benefit base x (40% a spouse + 30% each other "
    "dependant + 10% each orphan or lone elderly person), at most the benefit base",
    reference=OIP_RULES,
    unit="cents",
    rounding="half_up_cent",
    inputs={**_REGION, **_DEPENDANTS},
)
def oip_dependants_pension_total(
    ctx: Context, on: Array, region: Array, spouses: Array, other_dependants: Array, supplemented: Array
) -> Array:
    base = _oip_base(ctx, on, region)
    return _dependants_total(ctx, on, "oip", base, spouses, other_dependants, supplemented)


@formula(
    name="oip_dependant_pension",
    label="One OIP dependant's pension a month: the benefit base x their share, all shares scaled down in "
    "proportion when together above the cap; rounded down so that they never add up to more than the total",
    reference=OIP_RULES,
    unit="cents",
    rounding="down_cent",
    inputs={**_REGION, **_DEPENDANTS, **_ONE_DEPENDANT},
)
def oip_dependant_pension(
    ctx: Context,
    on: Array,
    region: Array,
    spouses: Array,
    other_dependants: Array,
    supplemented: Array,
    kind: Array,
    supplement: Array,
) -> Array:
    base = _oip_base(ctx, on, region)
    return _one_dependant(ctx, on, "oip", base, spouses, other_dependants, supplemented, kind, supplement)


@formula(
    name="oip_death_lump_sum",
    label="OIP lump sum on death: 20 x last year's national urban per-capita disposable income "
    "(the date is the date of death)",
    reference=OIP_RULES,
    unit="cents",
    rounding="half_up_cent",
    inputs={},
)
def oip_death_lump_sum(ctx: Context, on: Array) -> Array:
    return _death_lump_sum(ctx, on, "oip")


@formula(
    name="injury_medical_costs",
    label="Medical costs of the injury reimbursed at cost: the treatment, drugs and stays on the approved lists "
    "(catalogues of the work-injury insurance), as the agency checked them",
    reference="Regulations on Work-Related Injury Insurance Art 30; Ren She Ting Han [2025] No. 79 (OIP medical costs)",
    unit="cents",
    rounding="half_up_cent",
    inputs={"approved_costs": ("cents", "the costs on the approved lists, after the agency's check, in cents")},
)
def injury_medical_costs(ctx: Context, on: Array, approved_costs: Array) -> Array:
    result: Array = _whole(approved_costs, "approved costs", 0).astype(np.float64)
    return result


@formula(
    name="oip_wage_continuation_check",
    label="Whether the platform still owes income continuation for a month of treatment: 12 months, +12 once "
    "confirmed (unverified for OIP: the work-injury rule)",
    reference=f"{OIP_RULES} (unverified for this item); {WII} Art. 33",
    unit="code",
    inputs=_CONTINUATION,
    codes=WAGE_CONTINUATION_CODES,
)
def oip_wage_continuation_check(ctx: Context, on: Array, months_off_work: Array, extension_confirmed: Array) -> Array:
    return _wage_continuation(ctx, on, "oip", months_off_work, extension_confirmed)


# --- work-related injury insurance ---------------------------------------------------------------------

_OWN_WAGE: Inputs = {
    **_REGION,
    "average_wage_12m": ("cents", "average monthly contribution wage of the 12 months before the injury, in cents"),
}


@formula(
    name="work_injury_own_wage",
    label="Own wage for work-injury benefits: the average monthly contribution wage of the 12 months before "
    "the injury, kept within 60%-300% of the local average monthly wage",
    reference=f"{WII} Art. 64",
    unit="cents",
    rounding="half_up_cent",
    inputs=_OWN_WAGE,
)
def work_injury_own_wage(ctx: Context, on: Array, region: Array, average_wage_12m: Array) -> Array:
    wage = ctx.formula("regional_average_monthly_wage", on, region=region)
    floor = wage * ctx.at("benefits.work_injury.own_wage_floor_ratio", on)
    ceiling = wage * ctx.at("benefits.work_injury.own_wage_ceiling_ratio", on)
    result: Array = np.clip(np.asarray(average_wage_12m, dtype=np.float64), floor, ceiling)
    return result


def _own_wage(ctx: Context, on: Array, region: Array, average_wage_12m: Array) -> Array:
    return ctx.formula("work_injury_own_wage", on, region=region, average_wage_12m=average_wage_12m)


@formula(
    name="work_injury_disability_grant",
    label="Lump-sum disability grant: the own wage x 27, 25, 23, 21, 18, 16, 13, 11, 9 or 7 months by grade",
    reference=f"{WII} Art. 35-37",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_OWN_WAGE, **_GRADE},
)
def work_injury_disability_grant(
    ctx: Context, on: Array, region: Array, average_wage_12m: Array, grade: Array
) -> Array:
    months = _row_of(ctx, "benefits.work_injury.disability_grant_months", _grade(grade), on)
    result: Array = _own_wage(ctx, on, region, average_wage_12m) * months
    return result


@formula(
    name="work_injury_disability_allowance_monthly",
    label="Monthly disability allowance from the fund, grades 1-4: the own wage x 90, 85, 80 or 75%, topped up "
    "to the local minimum wage (other grades none)",
    reference=f"{WII} Art. 35",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_OWN_WAGE, **_GRADE},
)
def work_injury_disability_allowance_monthly(
    ctx: Context, on: Array, region: Array, average_wage_12m: Array, grade: Array
) -> Array:
    ratio = _row_of(ctx, "benefits.work_injury.disability_allowance_ratio", _grade(grade), on)
    allowance = _own_wage(ctx, on, region, average_wage_12m) * ratio
    due = ratio > 0
    if not due.any():
        return allowance
    minimum = np.zeros(allowance.shape, dtype=np.float64)
    minimum[due] = ctx.formula("regional_minimum_monthly_wage", on[due], region=np.asarray(region)[due])
    result: Array = np.where(due, np.maximum(allowance, minimum), 0.0)
    return result


@formula(
    name="work_injury_employer_allowance_monthly",
    label="Monthly disability allowance the employer pays, grades 5-6 without an arranged job: the own wage x "
    "70 or 60%, topped up to the local minimum wage where the top-up parameter says so (other grades none)",
    reference=f"{WII} Art. 36",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_OWN_WAGE, **_GRADE},
)
def work_injury_employer_allowance_monthly(
    ctx: Context, on: Array, region: Array, average_wage_12m: Array, grade: Array
) -> Array:
    ratio = _row_of(ctx, "benefits.work_injury.employer_allowance_ratio", _grade(grade), on)
    allowance = _own_wage(ctx, on, region, average_wage_12m) * ratio
    due = (ratio > 0) & (ctx.at("benefits.work_injury.employer_allowance_minimum_wage_top_up", on) > 0)
    if not due.any():
        return allowance
    minimum = np.zeros(allowance.shape, dtype=np.float64)
    minimum[due] = ctx.formula("regional_minimum_monthly_wage", on[due], region=np.asarray(region)[due])
    result: Array = np.where(due, np.maximum(allowance, minimum), allowance)
    return result


@formula(
    name="work_injury_care_allowance",
    label="Monthly care allowance: 50, 40 or 30% of last year's local average monthly wage by care level "
    "(the regional average wage in force on the date)",
    reference=f"{WII} Art. 34",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_REGION, **_CARE},
)
def work_injury_care_allowance(ctx: Context, on: Array, region: Array, care_level: Array) -> Array:
    ratio = _row_of(ctx, "benefits.work_injury.care_allowance_ratio", _care_level(care_level), on)
    result: Array = ctx.formula("regional_average_monthly_wage", on, region=region) * ratio
    return result


@formula(
    name="work_injury_funeral_grant",
    label="Funeral grant: 6 months of last year's local average monthly wage (the regional average wage in force "
    "on the date of death)",
    reference=f"{WII} Art. 39(1)",
    unit="cents",
    rounding="half_up_cent",
    inputs=_REGION,
)
def work_injury_funeral_grant(ctx: Context, on: Array, region: Array) -> Array:
    wage = ctx.formula("regional_average_monthly_wage", on, region=region)
    result: Array = wage * ctx.at("benefits.work_injury.funeral_grant_months", on)
    return result


@formula(
    name="work_injury_dependants_pension_total",
    label="Dependants' pensions together a month: the deceased's own wage x (40% a spouse + 30% each other "
    "dependant + 10% each orphan or lone elderly person), at most the own wage",
    reference=f"{WII} Art. 39(2), Art. 64",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_OWN_WAGE, **_DEPENDANTS},
)
def work_injury_dependants_pension_total(
    ctx: Context,
    on: Array,
    region: Array,
    average_wage_12m: Array,
    spouses: Array,
    other_dependants: Array,
    supplemented: Array,
) -> Array:
    base = _own_wage(ctx, on, region, average_wage_12m)
    return _dependants_total(ctx, on, "work_injury", base, spouses, other_dependants, supplemented)


@formula(
    name="work_injury_dependant_pension",
    label="One dependant's pension a month: the own wage x their share, all shares scaled down in proportion "
    "when together above the cap; rounded down so that they never add up to more than the total",
    reference=f"{WII} Art. 39(2), Art. 64",
    unit="cents",
    rounding="down_cent",
    inputs={**_OWN_WAGE, **_DEPENDANTS, **_ONE_DEPENDANT},
)
def work_injury_dependant_pension(
    ctx: Context,
    on: Array,
    region: Array,
    average_wage_12m: Array,
    spouses: Array,
    other_dependants: Array,
    supplemented: Array,
    kind: Array,
    supplement: Array,
) -> Array:
    base = _own_wage(ctx, on, region, average_wage_12m)
    return _one_dependant(ctx, on, "work_injury", base, spouses, other_dependants, supplemented, kind, supplement)


@formula(
    name="work_injury_death_lump_sum",
    label="Lump sum on a work-injury death: 20 x last year's national urban per-capita disposable income "
    "(the date is the date of death)",
    reference=f"{WII} Art. 39(3)",
    unit="cents",
    rounding="half_up_cent",
    inputs={},
)
def work_injury_death_lump_sum(ctx: Context, on: Array) -> Array:
    return _death_lump_sum(ctx, on, "work_injury")


@formula(
    name="work_injury_pension_top_up",
    label="At retirement the disability allowance (grades 1-4) stops and the pension is paid; where the pension "
    "is lower, the fund pays the difference each month",
    reference=f"{WII} Art. 35 para. 2",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        "monthly_pension": ("cents", "basic pension a month, in cents"),
        "disability_allowance": ("cents", "the disability allowance a month it replaces, in cents"),
    },
)
def work_injury_pension_top_up(ctx: Context, on: Array, monthly_pension: Array, disability_allowance: Array) -> Array:
    pension = _whole(monthly_pension, "monthly pension", 0)
    allowance = _whole(disability_allowance, "disability allowance", 0)
    result: Array = np.maximum(allowance - pension, 0)
    return result


@formula(
    name="work_injury_wage_continuation_check",
    label="Whether the employer still owes wage continuation for a month of treatment: 12 months, +12 once "
    "confirmed by the labour-capacity appraisal committee",
    reference=f"{WII} Art. 33",
    unit="code",
    inputs=_CONTINUATION,
    codes=WAGE_CONTINUATION_CODES,
)
def work_injury_wage_continuation_check(
    ctx: Context, on: Array, months_off_work: Array, extension_confirmed: Array
) -> Array:
    return _wage_continuation(ctx, on, "work_injury", months_off_work, extension_confirmed)


REPORT_CODES = {
    0: "reported in time",
    1: "the employer or platform reported after 30 days: taken, but it bears the benefits due in the meantime",
    2: "reported more than 1 year after the injury: out of time",
    3: "the injury is dated after the report: refused",
}
REPORTERS = ("EMPLOYER", "PLATFORM", "WORKER")


@formula(
    name="injury_report_check",
    label="Whether an application for injury confirmation is in time: the employer or platform within 30 days, "
    "the worker or a relative within 1 year (the date is the day of the application)",
    reference=f"{WII} Art. 17 (applied to OIP as well: unverified)",
    unit="code",
    inputs={
        "incident_date": ("date", "day of the injury or of the occupational-disease diagnosis"),
        "reporter": ("str", "EMPLOYER, PLATFORM or WORKER (the worker or a close relative)"),
    },
    codes=REPORT_CODES,
)
def injury_report_check(ctx: Context, on: Array, incident_date: Array, reporter: Array) -> Array:
    """A year ends on the same day of the month a year later (the last day of the month where there is
    none: 29 February -> 28 February)."""
    who = np.asarray(reporter).astype(str)
    if (~np.isin(who, REPORTERS)).any():
        raise RuleViolation(f"{who[~np.isin(who, REPORTERS)][0]!r} is not a reporter ({', '.join(REPORTERS)})")
    incident = np.asarray(incident_date, dtype="datetime64[D]")
    path = "benefits.work_injury.procedure"
    days = (on - incident).astype(np.int64)
    month = incident.astype("datetime64[M]")
    later = month + ctx.at(f"{path}.worker_report_months", on).astype(np.int64)
    last_day = (later + 1).astype("datetime64[D]") - 1
    worker_deadline = np.minimum(later.astype("datetime64[D]") + (incident - month.astype("datetime64[D]")), last_day)
    employer = who != "WORKER"
    return np.select(
        [days < 0, on > worker_deadline, employer & (days > ctx.at(f"{path}.employer_report_days", on))],
        [3, 2, 1],
        default=0,
    )


# --- pensions -------------------------------------------------------------------------------------------

_CONTRIBUTION_MONTHS: Inputs = {"contribution_months": ("int", "months of contributions, all regions together")}
_RETIREMENT_AGE: Inputs = {"retirement_age_months": ("int", "age at retirement in completed months")}


@formula(
    name="pension_minimum_contribution_months",
    label="Minimum contribution months for a monthly pension, by retirement date: 180; from 2030 +6 a year to 240",
    reference=f"{LAW_SI} Art. 16; {RETIREMENT_DECISION}",
    unit="months",
    inputs={},
)
def pension_minimum_contribution_months(ctx: Context, on: Array) -> Array:
    """``on`` is the retirement date."""
    return ctx.at("benefits.pension.minimum_contribution_months", on)


CONTRIBUTION_YEARS_CODES = {
    0: "the minimum contribution period is reached",
    1: "short of the minimum contribution period",
}


@formula(
    name="pension_contribution_years_check",
    label="Whether the contribution period reaches the minimum for a monthly pension on the retirement date",
    reference=f"{LAW_SI} Art. 16; {RETIREMENT_DECISION}",
    unit="code",
    inputs=_CONTRIBUTION_MONTHS,
    codes=CONTRIBUTION_YEARS_CODES,
)
def pension_contribution_years_check(ctx: Context, on: Array, contribution_months: Array) -> Array:
    minimum = ctx.formula("pension_minimum_contribution_months", on)
    return np.where(_whole(contribution_months, "contribution months", 0) >= minimum, 0, 1)


@formula(
    name="pension_basic_monthly",
    label="Basic pension a month: local average monthly wage x (1 + own average indexed wage ratio) / 2 x "
    "years of contributions (months / 12) x 1%",
    reference="Guo Fa [2005] No. 38 Art. 6",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        **_REGION,
        "average_indexed_wage_ratio": ("float", "own average indexed wage ratio (1.0 = the average wage)"),
        **_CONTRIBUTION_MONTHS,
    },
)
def pension_basic_monthly(
    ctx: Context, on: Array, region: Array, average_indexed_wage_ratio: Array, contribution_months: Array
) -> Array:
    """``on`` is the retirement date: the regional average wage in force then is last year's."""
    ratio = np.asarray(average_indexed_wage_ratio, dtype=np.float64)
    if (ratio < 0).any() or not np.isfinite(ratio).all():
        raise RuleViolation(f"average indexed wage ratio {ratio[~(ratio >= 0)][0]} is not a ratio of 0 or more")
    years = _whole(contribution_months, "contribution months", 0) / 12
    wage = ctx.formula("regional_average_monthly_wage", on, region=region)
    result: Array = wage * (1 + ratio) / 2 * years * ctx.at("benefits.pension.basic_pension_rate_per_year", on)
    return result


@formula(
    name="pension_account_divisor",
    label="Months divisor of the individual account pension by age at retirement (table 40-70; an age between "
    "rows takes the row of its completed years)",
    reference="Guo Fa [2005] No. 38 Art. 6 and annex",
    unit="months",
    inputs=_RETIREMENT_AGE,
)
def pension_account_divisor(ctx: Context, on: Array, retirement_age_months: Array) -> Array:
    years = _whole(retirement_age_months, "retirement age in months", 40 * 12, 70 * 12 + 11) // 12
    return ctx.by_key("benefits.pension.account_divisor", years.astype(str), on)


@formula(
    name="pension_account_monthly",
    label="Individual account pension a month: the account balance at retirement / the months divisor of the "
    "retirement age",
    reference="Guo Fa [2005] No. 38 Art. 6",
    unit="cents",
    rounding="half_up_cent",
    inputs={"account_balance": ("cents", "individual account balance at retirement, in cents"), **_RETIREMENT_AGE},
)
def pension_account_monthly(ctx: Context, on: Array, account_balance: Array, retirement_age_months: Array) -> Array:
    divisor = ctx.formula("pension_account_divisor", on, retirement_age_months=retirement_age_months)
    result: Array = _whole(account_balance, "account balance", 0) / divisor
    return result


@formula(
    name="pension_monthly",
    label="Employee basic pension a month: the basic pension + the individual account pension (each to the cent)",
    reference="Guo Fa [2005] No. 38 Art. 6",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        **_REGION,
        "average_indexed_wage_ratio": ("float", "own average indexed wage ratio (1.0 = the average wage)"),
        **_CONTRIBUTION_MONTHS,
        "account_balance": ("cents", "individual account balance at retirement, in cents"),
        **_RETIREMENT_AGE,
    },
)
def pension_monthly(
    ctx: Context,
    on: Array,
    region: Array,
    average_indexed_wage_ratio: Array,
    contribution_months: Array,
    account_balance: Array,
    retirement_age_months: Array,
) -> Array:
    basic = ctx.formula(
        "pension_basic_monthly",
        on,
        region=region,
        average_indexed_wage_ratio=average_indexed_wage_ratio,
        contribution_months=contribution_months,
    )
    account = ctx.formula(
        "pension_account_monthly", on, account_balance=account_balance, retirement_age_months=retirement_age_months
    )
    result: Array = basic + account
    return result


RETIREMENT_TIMING_CODES = {
    0: "at the statutory retirement age",
    1: "early retirement within 3 years of the statutory age: allowed",
    2: "deferred retirement within 3 years of the statutory age: allowed (by agreement with the employer)",
    3: "more than 3 years before the statutory age: refused",
    4: "below the pre-reform statutory age: refused",
    5: "early retirement needs the minimum contribution period: refused",
    6: "more than 3 years after the statutory age: refused",
}


@formula(
    name="pension_retirement_timing_check",
    label="Whether retiring on the date is allowed: the statutory age, or up to 3 years earlier (not below the "
    "pre-reform age, with the minimum contribution period) or up to 3 years later",
    reference=f"{RETIREMENT_DECISION}, Measures Art. 2",
    unit="code",
    inputs={"birth_date": ("date", "date of birth"), "sex": ("str", "M or F"), **_CONTRIBUTION_MONTHS},
    codes=RETIREMENT_TIMING_CODES,
)
def pension_retirement_timing_check(
    ctx: Context, on: Array, birth_date: Array, sex: Array, contribution_months: Array
) -> Array:
    """``on`` is the retirement date asked for; ages in completed months."""
    sexes = np.asarray(sex).astype(str)
    if (~np.isin(sexes, ("M", "F"))).any():
        raise RuleViolation(f"sex {sexes[~np.isin(sexes, ('M', 'F'))][0]!r} is not M or F")
    age = ctx.formula("age_months", on, birth_date=birth_date)
    statutory = ctx.formula("statutory_retirement_age_months", on, birth_date=birth_date, sex=sex)
    pre_reform = np.full(age.shape, np.nan)
    for code, group in (("M", "men"), ("F", "women")):  # only the rows' own parameter shows in an explanation
        rows = sexes == code
        if rows.any():
            pre_reform[rows] = ctx.at(f"retirement.{group}.base_age_months", on[rows])
    earliest = statutory - ctx.at("benefits.pension.flexible_retirement.max_early_months", on)
    latest = statutory + ctx.at("benefits.pension.flexible_retirement.max_deferral_months", on)
    enough = ctx.formula("pension_contribution_years_check", on, contribution_months=contribution_months) == 0
    return np.select(
        [age == statutory, age > latest, age > statutory, age < earliest, age < pre_reform, ~enough],
        [0, 6, 2, 3, 4, 5],
        default=1,
    )


@formula(
    name="pension_indexed_monthly",
    label="Pension a month after the year's increase: the pension x (1 + the year's overall increase rate)",
    reference="MOHRSS/MOF yearly notices on adjusting basic pensions (policy-facts.md section 3)",
    unit="cents",
    rounding="half_up_cent",
    inputs={"monthly_pension": ("cents", "monthly pension before the year's increase, in cents")},
)
def pension_indexed_monthly(ctx: Context, on: Array, monthly_pension: Array) -> Array:
    """``on`` is a day of the year of the increase. The overall rate is applied in proportion to each
    pension: the provinces' split into flat, years-linked and proportional parts is not modelled."""
    rate = ctx.at("benefits.pension.indexation_rate", on)
    result: Array = _whole(monthly_pension, "monthly pension", 0) * (1 + rate)
    return result


@formula(
    name="resident_pension_monthly",
    label="Residents' pension a month: the minimum basic pension + the individual account balance / 139",
    reference="Guo Fa [2014] No. 8 Art. 6",
    unit="cents",
    rounding="half_up_cent",
    inputs={"account_balance": ("cents", "individual account balance at 60, in cents")},
)
def resident_pension_monthly(ctx: Context, on: Array, account_balance: Array) -> Array:
    basic = ctx.at("benefits.pension.resident.basic_pension_minimum", on) * 100
    divisor = ctx.at("benefits.pension.resident.account_divisor", on)
    result: Array = basic + _whole(account_balance, "account balance", 0) / divisor
    return result


# --- unemployment ---------------------------------------------------------------------------------------

UNEMPLOYMENT_ELIGIBILITY_CODES = {
    0: "eligible",
    1: "fewer than 12 months of contributions",
    2: "left the job voluntarily",
    3: "not registered as unemployed and seeking work",
}


@formula(
    name="unemployment_eligibility",
    label="Unemployment benefit: at least 1 year of contributions, involuntary loss of the job, registered and "
    "seeking work",
    reference=f"{UIR} Art. 14; {LAW_SI} Art. 45",
    unit="code",
    inputs={
        **_CONTRIBUTION_MONTHS,
        "involuntary": ("bool", "the job ended against the worker's will"),
        "registered": ("bool", "registered as unemployed and seeking work"),
    },
    codes=UNEMPLOYMENT_ELIGIBILITY_CODES,
)
def unemployment_eligibility(
    ctx: Context, on: Array, contribution_months: Array, involuntary: Array, registered: Array
) -> Array:
    months = _whole(contribution_months, "contribution months", 0)
    return np.select(
        [
            months < ctx.at("benefits.unemployment.minimum_contribution_months", on),
            ~np.asarray(involuntary, dtype=bool),
            ~np.asarray(registered, dtype=bool),
        ],
        [1, 2, 3],
        default=0,
    )


@formula(
    name="unemployment_duration_months",
    label="Longest unemployment benefit period: 12, 18 or 24 months for 1-5, 5-10, 10+ years of contributions, "
    "plus unused months carried over from an earlier unemployment, at most 24",
    reference=f"{UIR} Art. 17; {LAW_SI} Art. 46",
    unit="months",
    inputs={
        **_CONTRIBUTION_MONTHS,
        "carried_over_months": ("int", "benefit months due but not drawn in an earlier unemployment"),
    },
)
def unemployment_duration_months(
    ctx: Context, on: Array, contribution_months: Array, carried_over_months: Array
) -> Array:
    months = _whole(contribution_months, "contribution months", 0)
    carried = _whole(carried_over_months, "carried-over months", 0)
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
    rounding="half_up_cent",
    inputs=_REGION,
)
def unemployment_benefit_monthly(ctx: Context, on: Array, region: Array) -> Array:
    minimum_wage = ctx.formula("regional_minimum_monthly_wage", on, region=region)
    subsistence = ctx.formula("regional_subsistence_allowance", on, region=region)
    share = _regional(ctx, "benefits.unemployment.benefit_share_of_minimum_wage", region, on)
    result: Array = np.minimum(np.maximum(minimum_wage * share, subsistence), minimum_wage)
    return result


@formula(
    name="unemployment_rural_lump_sum",
    label="Lump-sum living subsidy for a rural contract worker: the local unemployment benefit x months per full "
    "year of contributions (at most the province's maximum); nothing under 1 year (demo method and figures)",
    reference=f"{UIR} Art. 21 (method and amounts: DEMO DATA)",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_REGION, **_CONTRIBUTION_MONTHS},
)
def unemployment_rural_lump_sum(ctx: Context, on: Array, region: Array, contribution_months: Array) -> Array:
    months = _whole(contribution_months, "contribution months", 0)
    path = "benefits.unemployment"
    years = np.where(months >= ctx.at(f"{path}.minimum_contribution_months", on), months // 12, 0)
    paid_months = np.minimum(
        years * ctx.at(f"{path}.rural_lump_sum_months_per_year", on), ctx.at(f"{path}.rural_lump_sum_max_months", on)
    )
    result: Array = ctx.formula("unemployment_benefit_monthly", on, region=region) * paid_months
    return result


SKILL_SUBSIDY_CODES = {0: "eligible", 1: "too few months of unemployment-insurance contributions"}


@formula(
    name="unemployment_skill_subsidy_eligibility",
    label="Skill-upgrading subsidy: at least 1 year of unemployment-insurance contributions (3 years before 2019)",
    reference="Ren She Bu Fa [2017] No. 40 (as shortened to 1 year; see the parameter)",
    unit="code",
    inputs=_CONTRIBUTION_MONTHS,
    codes=SKILL_SUBSIDY_CODES,
)
def unemployment_skill_subsidy_eligibility(ctx: Context, on: Array, contribution_months: Array) -> Array:
    minimum = ctx.at("benefits.unemployment.skill_subsidy_minimum_contribution_months", on)
    return np.where(_whole(contribution_months, "contribution months", 0) >= minimum, 0, 1)


SKILL_LEVELS = ("ELEMENTARY", "INTERMEDIATE", "ADVANCED")


@formula(
    name="unemployment_skill_subsidy",
    label="Skill-upgrading subsidy: the amount for the certificate's level, when a year of contributions is on "
    "record; nothing otherwise",
    reference="Ren She Bu Fa [2017] No. 40 Art. 1",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        **_CONTRIBUTION_MONTHS,
        "level": ("str", "certificate level: ELEMENTARY (5), INTERMEDIATE (4) or ADVANCED (3)"),
    },
)
def unemployment_skill_subsidy(ctx: Context, on: Array, contribution_months: Array, level: Array) -> Array:
    levels = np.asarray(level).astype(str)
    if (~np.isin(levels, SKILL_LEVELS)).any():
        raise RuleViolation(f"{levels[~np.isin(levels, SKILL_LEVELS)][0]!r} is not one of {', '.join(SKILL_LEVELS)}")
    eligible = ctx.formula("unemployment_skill_subsidy_eligibility", on, contribution_months=contribution_months) == 0
    yuan = ctx.by_key("benefits.unemployment.skill_subsidy_amount", levels, on)
    result: Array = np.where(eligible, yuan * 100, 0.0)
    return result


JOB_RETENTION_CODES = {
    0: "eligible: no layoffs, or a layoff rate at or below the target",
    1: "layoff rate above the target",
    2: "no job-retention rebate in force on the date",
}
ENTERPRISE_SIZES = ("LARGE", "SME")
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
    people = _whole(staff, "staff", 1)
    gone = _whole(laid_off, "staff laid off", 0)
    sizes = np.asarray(enterprise_size).astype(str)
    if (~np.isin(sizes, ENTERPRISE_SIZES)).any():
        bad = sizes[~np.isin(sizes, ENTERPRISE_SIZES)][0]
        raise RuleViolation(f"{bad!r} is not an enterprise size ({', '.join(ENTERPRISE_SIZES)})")
    path = "benefits.unemployment.job_retention"
    small = people <= ctx.at(f"{path}.small_firm_max_staff", on)
    target = np.where(small, ctx.at(f"{path}.layoff_target.SMALL_FIRM", on), ctx.at(f"{path}.layoff_target.OTHER", on))
    share = ctx.by_key(f"{path}.rebate_share", sizes, on)
    within = (gone == 0) | (gone / people <= target + 1e-12)
    return np.select([np.isnan(share), ~within], [2, 1], default=0)


@formula(
    name="job_retention_rebate",
    label="Job-retention rebate: last year's unemployment-insurance premiums x 30% (large) or 90% (SME, 2022) / "
    "60% (SME, 2023-2025); nothing when not eligible",
    reference="MOHRSS/MOF/STA yearly notices on the job-retention rebate, 2022-2025",
    unit="cents",
    rounding="half_up_cent",
    inputs={"premiums_last_year": ("cents", "unemployment-insurance premiums paid last year, in cents"), **_ENTERPRISE},
)
def job_retention_rebate(
    ctx: Context, on: Array, premiums_last_year: Array, staff: Array, laid_off: Array, enterprise_size: Array
) -> Array:
    check = ctx.formula(
        "job_retention_rebate_check", on, staff=staff, laid_off=laid_off, enterprise_size=enterprise_size
    )
    eligible = check == 0
    share = np.zeros(check.shape, dtype=np.float64)
    if eligible.any():
        share[eligible] = ctx.by_key(
            "benefits.unemployment.job_retention.rebate_share",
            np.asarray(enterprise_size).astype(str)[eligible],
            on[eligible],
        )
    result: Array = _whole(premiums_last_year, "premiums", 0) * share
    return result


# --- long-term care -------------------------------------------------------------------------------------

CARE_LEVEL_CODES = {
    0: "no care level (independent)",
    1: "care level 1: mild incapacity",
    2: "care level 2: moderate incapacity",
    3: "care level 3: severe incapacity",
}
CARE_SETTINGS = ("HOME", "COMMUNITY", "INSTITUTION")
LTC_HARDSHIP_GROUPS = ("MINIMUM_LIVING", "EXTREME_POVERTY", "SEVERE_DISABILITY")


@formula(
    name="ltc_care_level",
    label="Care level from the incapacity score (Barthel index 0-100, lower = more dependent; demo bands: "
    "<=40 severe, <=60 moderate, <=99 mild)",
    reference=f"{LTC_BASIS} (bands: DEMO DATA, see the parameter)",
    unit="code",
    inputs={"incapacity_score": ("int", "Barthel index of activities of daily living, 0-100")},
    codes=CARE_LEVEL_CODES,
)
def ltc_care_level(ctx: Context, on: Array, incapacity_score: Array) -> Array:
    score = _whole(incapacity_score, "incapacity score", 0, 100)
    path = "benefits.long_term_care.care_level_max_score"
    level = np.zeros(score.shape, dtype=np.int64)
    for key in sorted(ctx.params.node(path).children, key=int):  # 1, 2, 3: each more severe level wins
        level = np.where(score <= ctx.at(f"{path}.{key}", on), int(key), level)
    return level


@formula(
    name="ltc_benefit_monthly",
    label="Long-term care benefit a month by care level and setting (home, community, institution)",
    reference=f"{LTC_BASIS} (amounts: DEMO DATA)",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        "care_level": ("int", "care level 0-3 (0: none)"),
        "setting": ("str", "HOME, COMMUNITY or INSTITUTION"),
    },
)
def ltc_benefit_monthly(ctx: Context, on: Array, care_level: Array, setting: Array) -> Array:
    level = _care_level(care_level)
    settings = np.asarray(setting).astype(str)
    if (~np.isin(settings, CARE_SETTINGS)).any():
        bad = settings[~np.isin(settings, CARE_SETTINGS)][0]
        raise RuleViolation(f"{bad!r} is not a care setting ({', '.join(CARE_SETTINGS)})")
    yuan = np.zeros(level.shape, dtype=np.float64)
    for name in CARE_SETTINGS:
        rows = settings == name
        if rows.any():
            yuan[rows] = _row_of(ctx, f"benefits.long_term_care.monthly_benefit.{name}", level[rows], on[rows])
    result: Array = yuan * 100
    return result


LTC_SUBSIDY_CODES = {0: "eligible: in a hardship group", 1: "not in a hardship group"}
_LTC_GROUP: Inputs = {"group": ("str", "MINIMUM_LIVING, EXTREME_POVERTY, SEVERE_DISABILITY or empty")}


def _ltc_group(group: Array) -> Array:
    groups = np.asarray(group).astype(str)
    unknown = (groups != "") & ~np.isin(groups, LTC_HARDSHIP_GROUPS)
    if unknown.any():
        raise RuleViolation(f"{groups[unknown][0]!r} is not a hardship group ({', '.join(LTC_HARDSHIP_GROUPS)})")
    return groups


@formula(
    name="ltc_contribution_subsidy_check",
    label="Long-term care: whether public funds pay the contribution of a person in financial difficulty",
    reference=f"{LTC_BASIS} (groups: DEMO DATA)",
    unit="code",
    inputs=_LTC_GROUP,
    codes=LTC_SUBSIDY_CODES,
)
def ltc_contribution_subsidy_check(ctx: Context, on: Array, group: Array) -> Array:
    groups = _ltc_group(group)
    share = ctx.by_key("benefits.long_term_care.contribution_subsidy_share", groups, on, default=0.0)
    return np.where(share > 0, 0, 1)


@formula(
    name="ltc_contribution_subsidy",
    label="Long-term care: the part of the person's contribution that public funds pay (the group's share)",
    reference=f"{LTC_BASIS} (shares: DEMO DATA)",
    unit="cents",
    rounding="half_up_cent",
    inputs={"contribution": ("cents", "the person's long-term care contribution, in cents"), **_LTC_GROUP},
)
def ltc_contribution_subsidy(ctx: Context, on: Array, contribution: Array, group: Array) -> Array:
    groups = _ltc_group(group)
    share = ctx.by_key("benefits.long_term_care.contribution_subsidy_share", groups, on, default=0.0)
    result: Array = _whole(contribution, "contribution", 0) * share
    return result


# --- ILO Convention 102 benchmark ------------------------------------------------------------------------

C102_CODES = {0: "at or above the ILO C102 minimum level", 1: "below the ILO C102 minimum level"}


@formula(
    name="ilo_c102_benchmark_check",
    label="Whether a periodic benefit reaches the ILO C102 minimum share of the standard beneficiary's reference "
    "wage for its branch (a benchmark: China has not ratified C102)",
    reference="ILO Social Security (Minimum Standards) Convention, 1952 (No. 102), schedule to Part XI",
    unit="code",
    inputs={
        "benefit": ("cents", "the periodic benefit, in cents a month"),
        "reference_wage": ("cents", "the reference wage, in cents a month"),
        "branch": ("str", "OLD_AGE, INVALIDITY, SURVIVORS, EMPLOYMENT_INJURY_INCAPACITY, ... (see the parameter)"),
    },
    codes=C102_CODES,
)
def ilo_c102_benchmark_check(ctx: Context, on: Array, benefit: Array, reference_wage: Array, branch: Array) -> Array:
    level = ctx.by_key("benefits.ilo_c102.minimum_replacement_rate", branch, on)
    if np.isnan(level).any():
        raise RuleViolation(f"{np.asarray(branch)[np.isnan(level)][0]!r} is not a C102 branch")
    wage = _whole(reference_wage, "reference wage", 1)
    return np.where(_whole(benefit, "benefit", 0) >= wage * level - 1e-6, 0, 1)
