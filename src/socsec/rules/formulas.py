"""The project's formulas. Each is vectorised: inputs are arrays with one row per case."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .coverage import LAW_SI, OIP_BASIS, Category, Scheme, reason_codes
from .engine import Context, InputKind, RuleViolation, formula

Array = npt.NDArray[Any]


def province_of(region: Array) -> Array:
    """Province code (``PP0000``) of a 6-digit administrative division code."""
    return np.char.add(np.asarray(region).astype("U2"), "0000")


def _months_since_epoch(dates: Array) -> npt.NDArray[np.int64]:
    return np.asarray(dates, dtype="datetime64[M]").astype(np.int64)


@formula(
    name="age_months",
    label="Age in completed months on the date",
    reference="Civil Code of the PRC Art. 1259 (reckoning of periods)",
    unit="months",
    inputs={"birth_date": ("date", "date of birth")},
)
def age_months(ctx: Context, on: Array, birth_date: Array) -> Array:
    birth = np.asarray(birth_date, dtype="datetime64[D]")
    months = _months_since_epoch(on) - _months_since_epoch(birth)
    day_on = (on - on.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    day_birth = (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    result: Array = (months - (day_on < day_birth)).astype(np.int64)
    return result


@formula(
    name="statutory_retirement_age_months",
    label="Statutory retirement age in months, by sex and birth month, after the 2025 reform",
    reference="NPC Standing Committee decision on gradually raising the statutory retirement age "
    "(2024-09-13, in force 2025-01-01), Annex tables 1-2",
    unit="months",
    inputs={"birth_date": ("date", "date of birth"), "sex": ("str", "M or F")},
)
def statutory_retirement_age_months(ctx: Context, on: Array, birth_date: Array, sex: Array) -> Array:
    male = np.asarray(sex).astype(str) == "M"
    base = np.where(male, ctx.at("retirement.men.base_age_months", on), ctx.at("retirement.women.base_age_months", on))
    first = np.where(
        male,
        ctx.at("retirement.men.first_birth_month_index", on),
        ctx.at("retirement.women.first_birth_month_index", on),
    )
    step = np.where(
        male,
        ctx.at("retirement.men.birth_months_per_step", on),
        ctx.at("retirement.women.birth_months_per_step", on),
    )
    cap = np.where(male, ctx.at("retirement.men.max_delay_months", on), ctx.at("retirement.women.max_delay_months", on))
    born = _months_since_epoch(birth_date).astype(np.float64)
    elapsed = born - first
    delay = np.where(elapsed >= 0, np.minimum(cap, np.floor(elapsed / step) + 1), 0)
    result: Array = base + delay  # float; the engine refuses a missing parameter, then makes it whole months
    return result


@formula(
    name="regional_average_monthly_wage",
    label="Average monthly wage of the region used for contribution bases (city value, else province)",
    reference="Guo Ban Fa [2019] No. 13 Art. 2 (weighted average wage of urban non-private and private units)",
    unit="cents",
    rounding="half_up_cent",
    inputs={"region": ("str", "6-digit region code (city or province)")},
)
def regional_average_monthly_wage(ctx: Context, on: Array, region: Array) -> Array:
    yuan = ctx.by_key("regions.average_monthly_wage", region, on)
    missing = np.isnan(yuan)
    if missing.any():
        yuan[missing] = ctx.by_key(
            "regions.average_monthly_wage", province_of(np.asarray(region)[missing]), on[missing]
        )
    return yuan * 100


@formula(
    name="contribution_base_floor",
    label="Lowest contribution base: the floor ratio x the regional average monthly wage",
    reference="Guo Ban Fa [2019] No. 13 Art. 2; Regulations on Work-Related Injury Insurance Art. 64",
    unit="cents",
    rounding="half_up_cent",
    inputs={"region": ("str", "6-digit region code")},
)
def contribution_base_floor(ctx: Context, on: Array, region: Array) -> Array:
    wage = ctx.formula("regional_average_monthly_wage", on, region=region)
    return wage * ctx.at("contribution.base_floor_ratio", on)


@formula(
    name="contribution_base_ceiling",
    label="Highest contribution base: the ceiling ratio x the regional average monthly wage",
    reference="Guo Ban Fa [2019] No. 13 Art. 2; Regulations on Work-Related Injury Insurance Art. 64",
    unit="cents",
    rounding="half_up_cent",
    inputs={"region": ("str", "6-digit region code")},
)
def contribution_base_ceiling(ctx: Context, on: Array, region: Array) -> Array:
    wage = ctx.formula("regional_average_monthly_wage", on, region=region)
    return wage * ctx.at("contribution.base_ceiling_ratio", on)


@formula(
    name="contribution_base",
    label="Contribution base: the declared base clamped to 60%-300% of the regional average wage",
    reference=f"{LAW_SI} Art. 12; Guo Ban Fa [2019] No. 13 Art. 2",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        "region": ("str", "6-digit region code"),
        "declared_base": ("cents", "chosen monthly base in cents"),
    },
)
def contribution_base(ctx: Context, on: Array, region: Array, declared_base: Array) -> Array:
    floor = ctx.formula("contribution_base_floor", on, region=region)
    ceiling = ctx.formula("contribution_base_ceiling", on, region=region)
    return np.clip(np.asarray(declared_base, dtype=np.float64), floor, ceiling)


# --- coverage -------------------------------------------------------------------------------------

Inputs = dict[str, tuple[InputKind, str]]
_BIRTH: Inputs = {"birth_date": ("date", "date of birth")}
_SEX: Inputs = {"sex": ("str", "M or F")}
_LABOUR: Inputs = {"labour_relation": ("bool", "has an active labour-relation engagement")}
_OTHER: Inputs = {"other_work": ("bool", "has an active engagement without a labour relation")}


def _under_age(ctx: Context, on: Array, birth_date: Array) -> Array:
    age = ctx.formula("age_months", on, birth_date=birth_date)
    under: Array = age < ctx.at("work.minimum_age_months", on)
    return under


def _age_flags(ctx: Context, on: Array, birth_date: Array, sex: Array) -> tuple[Array, Array]:
    """(under the minimum working age, at or past the statutory retirement age)."""
    age = ctx.formula("age_months", on, birth_date=birth_date)
    retirement = ctx.formula("statutory_retirement_age_months", on, birth_date=birth_date, sex=sex)
    return _under_age(ctx, on, birth_date), age >= retirement


@formula(
    name="coverage_employee_pension",
    label="Employee basic pension: who must, who may join",
    reference=f"{LAW_SI} Art. 10, Art. 12",
    unit="code",
    inputs={**_BIRTH, **_SEX, **_LABOUR, **_OTHER},
    codes=reason_codes(Scheme.EMPLOYEE_PENSION),
)
def coverage_employee_pension(
    ctx: Context, on: Array, birth_date: Array, sex: Array, labour_relation: Array, other_work: Array
) -> Array:
    under_age, retired = _age_flags(ctx, on, birth_date, sex)
    labour = np.asarray(labour_relation, dtype=bool)
    other = np.asarray(other_work, dtype=bool)
    return np.select([under_age, retired, labour, other], [13, 12, 10, 11], default=14)


@formula(
    name="coverage_resident_pension",
    label="Residents' basic pension: residents aged 16+ outside the employee pension",
    reference=f"{LAW_SI} Art. 20-22; Guo Fa [2014] No. 8",
    unit="code",
    inputs={**_BIRTH, **_LABOUR},
    codes=reason_codes(Scheme.RESIDENT_PENSION),
)
def coverage_resident_pension(ctx: Context, on: Array, birth_date: Array, labour_relation: Array) -> Array:
    under_age = _under_age(ctx, on, birth_date)
    return np.select([under_age, np.asarray(labour_relation, dtype=bool)], [22, 20], default=21)


@formula(
    name="coverage_medical",
    label="Basic medical insurance: employees must join; others may",
    reference=f"{LAW_SI} Art. 23, Art. 25",
    unit="code",
    inputs={**_LABOUR, **_OTHER},
    codes=reason_codes(Scheme.MEDICAL),
)
def coverage_medical(ctx: Context, on: Array, labour_relation: Array, other_work: Array) -> Array:
    labour = np.asarray(labour_relation, dtype=bool)
    return np.select([labour, np.asarray(other_work, dtype=bool)], [30, 31], default=32)


@formula(
    name="coverage_work_injury",
    label="Work-related injury insurance: employees with a labour relation",
    reference=f"{LAW_SI} Art. 33; Regulations on Work-Related Injury Insurance Art. 2",
    unit="code",
    inputs=_LABOUR,
    codes=reason_codes(Scheme.WORK_INJURY),
)
def coverage_work_injury(ctx: Context, on: Array, labour_relation: Array) -> Array:
    return np.where(np.asarray(labour_relation, dtype=bool), 40, 41)


@formula(
    name="coverage_unemployment",
    label="Unemployment insurance: employees with a labour relation, of working age",
    reference=f"{LAW_SI} Art. 44; Unemployment Insurance Regulations (1999) Art. 2",
    unit="code",
    inputs={**_BIRTH, **_SEX, **_LABOUR},
    codes=reason_codes(Scheme.UNEMPLOYMENT),
)
def coverage_unemployment(ctx: Context, on: Array, birth_date: Array, sex: Array, labour_relation: Array) -> Array:
    under_age, retired = _age_flags(ctx, on, birth_date, sex)
    covered = np.asarray(labour_relation, dtype=bool) & ~under_age & ~retired
    return np.where(covered, 60, 61)


@formula(
    name="coverage_long_term_care",
    label="Long-term care insurance: follows the employee medical insurance in pilot cities",
    reference="Yi Bao Fa [2020] No. 37; Ren She Ting Fa [2016] No. 80",
    unit="code",
    inputs={**_LABOUR, **_OTHER, "city": ("str", "city code where medical insurance is held")},
    codes=reason_codes(Scheme.LONG_TERM_CARE),
)
def coverage_long_term_care(ctx: Context, on: Array, labour_relation: Array, other_work: Array, city: Array) -> Array:
    pilot = ctx.by_key("long_term_care.pilot_city", city, on, default=0) > 0
    labour = np.asarray(labour_relation, dtype=bool)
    other = np.asarray(other_work, dtype=bool)
    return np.select([~pilot, labour, other], [72, 70, 71], default=73)


@formula(
    name="coverage_individual_pension",
    label="Individual pension: open to basic pension participants where it is available",
    reference="Guo Ban Fa [2022] No. 7",
    unit="code",
    inputs={**_BIRTH, "city": ("str", "city code of residence")},
    codes=reason_codes(Scheme.INDIVIDUAL_PENSION),
)
def coverage_individual_pension(ctx: Context, on: Array, birth_date: Array, city: Array) -> Array:
    nationwide = np.nan_to_num(ctx.at("individual_pension.nationwide", on)) > 0
    pilot = ctx.by_key("individual_pension.pilot_city", city, on, default=0) > 0
    return np.select([~(nationwide | pilot), _under_age(ctx, on, birth_date)], [81, 82], default=80)


@formula(
    name="oip_pilot_scope",
    label="Whether a work province and sector are inside the national OIP pilot on the date",
    reference=OIP_BASIS,
    unit="code",
    inputs={"region": ("str", "work region code"), "sector": ("str", "sector code")},
    codes={50: "inside the pilot", 52: "province not in the pilot", 53: "sector not a pilot sector"},
)
def oip_pilot_scope(ctx: Context, on: Array, region: Array, sector: Array) -> Array:
    everywhere = np.nan_to_num(ctx.at("oip.pilot.all_provinces", on)) > 0
    province = ctx.by_key("oip.pilot.province", province_of(region), on, default=0) > 0
    pilot_sector = ctx.by_key("oip.pilot.sector", sector, on, default=0) > 0
    return np.select([~(everywhere | province), ~pilot_sector], [52, 53], default=50)


@formula(
    name="coverage_oip",
    label="Occupational injury protection for one engagement",
    reference=OIP_BASIS,
    unit="code",
    inputs={
        "region": ("str", "work region code of the engagement"),
        "sector": ("str", "sector code of the engagement"),
        "category": ("str", "engagement category"),
        "platform": ("bool", "the organisation is a platform enterprise"),
        "activated": ("bool", "the agency switched OIP on for this platform, region and sector"),
        "labour_relation": ("bool", "the person has an active labour relation anywhere"),
    },
    codes=reason_codes(Scheme.OIP),
)
def coverage_oip(
    ctx: Context,
    on: Array,
    region: Array,
    sector: Array,
    category: Array,
    platform: Array,
    activated: Array,
    labour_relation: Array,
) -> Array:
    scope = ctx.formula("oip_pilot_scope", on, region=region, sector=sector)
    labour = np.asarray(labour_relation, dtype=bool) | (
        np.asarray(category).astype(str) == Category.LABOUR_RELATION.value
    )
    return np.select(
        [~np.asarray(platform, dtype=bool), labour, scope != 50, ~np.asarray(activated, dtype=bool)],
        [55, 51, scope, 54],
        default=50,
    )


# --- occupational injury protection: per-order contributions -------------------------------------------

_ADJUSTMENT = "oip.platform_adjustment"


@formula(
    name="oip_per_order_amount",
    label="OIP contribution per order: the sector baseline moved by the platform's adjustment steps",
    reference=f"{OIP_BASIS}; Shanxi draft measures 2025-10; Chongqing HRSS Q&A 2025-07-15",
    unit="cents_per_order",
    inputs={
        "sector": ("str", "pilot sector code"),
        "adjustment_steps": ("int", "the platform's adjustment in 10% steps (-5..5; 0 = baseline)"),
    },
)
def oip_per_order_amount(ctx: Context, on: Array, sector: Array, adjustment_steps: Array) -> Array:
    baseline_yuan = ctx.by_key("oip.per_order_amount", sector, on)
    if np.isnan(baseline_yuan).any():
        bad = str(np.asarray(sector)[np.isnan(baseline_yuan)][0])
        raise RuleViolation(f"sector {bad!r} has no OIP per-order amount on {np.asarray(on)[0]}")
    step = ctx.at(f"{_ADJUSTMENT}.step", on)
    limit = ctx.at(f"{_ADJUSTMENT}.max_steps", on)
    steps = np.asarray(adjustment_steps, dtype=np.float64)
    outside = np.abs(steps) > limit
    if outside.any():
        raise RuleViolation(
            f"an adjustment of {int(steps[outside][0])} steps is outside +/-{int(limit[outside][0])} steps "
            f"(+/-{limit[outside][0] * step[outside][0]:.0%} of the sector baseline)"
        )
    # cents per order, to a millionth of a cent so that binary noise (21.599999...) does not show
    result: Array = np.round(baseline_yuan * 100 * (1 + step * steps), 6)
    return result


@formula(
    name="oip_contribution",
    label="OIP contribution of one assessment line: orders x the per-order amount, to the cent",
    reference=OIP_BASIS,
    unit="cents",
    rounding="half_up_cent",
    inputs={
        "order_count": ("int", "orders in the month"),
        "sector": ("str", "pilot sector code"),
        "adjustment_steps": ("int", "the platform's adjustment in 10% steps"),
    },
)
def oip_contribution(ctx: Context, on: Array, order_count: Array, sector: Array, adjustment_steps: Array) -> Array:
    per_order = ctx.formula("oip_per_order_amount", on, sector=sector, adjustment_steps=adjustment_steps)
    result: Array = np.asarray(order_count, dtype=np.float64) * per_order
    return result


ADJUSTMENT_CODES = {
    0: "allowed",
    1: "first year in the scheme: the amount stays at the baseline",
    2: "adjusted less than a year ago: once a year at most",
    3: "moves more steps at once than one adjustment may",
    4: "outside the +/-50% bounds of the sector baseline",
}


@formula(
    name="oip_adjustment_check",
    label="Whether a proposed change of a platform's per-order amount is allowed",
    reference="Shanxi draft measures 2025-10; Chongqing HRSS Q&A 2025-07-15",
    unit="code",
    inputs={
        "current_steps": ("int", "the platform's adjustment now, in steps"),
        "proposed_steps": ("int", "the adjustment asked for, in steps"),
        "months_in_scheme": ("int", "months since the platform joined the scheme in the province"),
        "months_since_last_change": ("int", "months since its amount last changed"),
    },
    codes=ADJUSTMENT_CODES,
)
def oip_adjustment_check(
    ctx: Context,
    on: Array,
    current_steps: Array,
    proposed_steps: Array,
    months_in_scheme: Array,
    months_since_last_change: Array,
) -> Array:
    wait = ctx.at(f"{_ADJUSTMENT}.months_between_changes", on)
    move = np.abs(np.asarray(proposed_steps) - np.asarray(current_steps))
    return np.select(
        [
            np.abs(np.asarray(proposed_steps)) > ctx.at(f"{_ADJUSTMENT}.max_steps", on),
            np.asarray(months_in_scheme) < wait,
            np.asarray(months_since_last_change) < wait,
            move > ctx.at(f"{_ADJUSTMENT}.max_steps_per_change", on),
        ],
        [4, 1, 2, 3],
        default=0,
    )


@formula(
    name="late_payment_surcharge",
    label="Surcharge on an unpaid contribution: outstanding amount x daily rate x days late",
    reference=f"{LAW_SI} Art. 86",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        "outstanding_cents": ("cents", "the amount still unpaid, in cents"),
        "days_late": ("int", "days since the due date (0 or fewer: not late)"),
    },
)
def late_payment_surcharge(ctx: Context, on: Array, outstanding_cents: Array, days_late: Array) -> Array:
    days = np.maximum(np.asarray(days_late, dtype=np.float64), 0)
    owed = np.maximum(np.asarray(outstanding_cents, dtype=np.float64), 0)
    result: Array = owed * ctx.at("contribution.late_payment_daily_rate", on) * days
    return result


@formula(
    name="late_payment_surcharge_accrued",
    label="Surcharge accrued over one stretch of days at one unpaid amount: unpaid amount x daily rate x days "
    "(an invoice's stretches are added up, then rounded once per invoice)",
    reference=f"{LAW_SI} Art. 86",
    unit="cents_exact",
    rounding="half_up_cent_per_total",
    inputs={
        "outstanding_cents": ("cents", "the amount unpaid during the stretch, in cents"),
        "days": ("int", "days in the stretch (its first day counted, the day a payment arrives not)"),
    },
)
def late_payment_surcharge_accrued(ctx: Context, on: Array, outstanding_cents: Array, days: Array) -> Array:
    """``on`` is the stretch's first day: the daily rate in force that day applies to the whole stretch."""
    owed = np.maximum(np.asarray(outstanding_cents, dtype=np.float64), 0)
    result: Array = owed * ctx.at("contribution.late_payment_daily_rate", on) * np.maximum(np.asarray(days), 0)
    return result


# --- individual accounts ------------------------------------------------------------------------------


@formula(
    name="individual_account_interest",
    label="Interest credited to an employee-pension individual account for a year: the balance on 1 January x "
    "the year's credited rate, plus each contribution of the year x the rate x the months left in the year "
    "(the month credited counted: January 12 ... December 1) / 12",
    reference="Guo Fa [2005] No. 38; MOHRSS/MOF notices on the unified credited interest rate of the individual "
    "account (Ren She Bu Fa [2017] No. 31, and one Ren She Ting Fa notice of the rate each year)",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        "opening_balance": ("cents", "balance of the individual account on 1 January, in cents"),
        "contribution_months": (
            "int",
            "the year's contributions weighted by months left in the year: the sum of each amount in cents x "
            "(13 - the month it was credited), in cent-months",
        ),
    },
)
def individual_account_interest(ctx: Context, on: Array, opening_balance: Array, contribution_months: Array) -> Array:
    """``on`` is any day of the year credited (the rate is dated by the year it applies to). The
    monthly accumulation method: a contribution credited in month m earns (13 - m) / 12 of the year's
    rate; over twelve equal monthly contributions that is the 1.083 / 2 factor of the official formula."""
    rate = ctx.at("employee_pension.individual_account_interest_rate", on)
    weighted = np.asarray(contribution_months, dtype=np.float64) / 12
    result: Array = (np.asarray(opening_balance, dtype=np.float64) + weighted) * rate
    return result


# --- workers' own contributions -------------------------------------------------------------------------

_PERIOD: Inputs = {
    "region": ("str", "6-digit region code where the worker contributes"),
    "declared_base": ("cents", "the monthly base the worker chose, in cents"),
    "months": ("int", "months paid at once: 1, 3 or 12"),
}


@formula(
    name="flexible_pension_contribution",
    label="Flexible worker's employee-pension contribution: 20% of the base (kept within 60%-300%) x months, "
    "less any temporary reduction of the pooled part",
    reference=f"{LAW_SI} Art. 12(3); Guo Ban Fa [2019] No. 13",
    unit="cents",
    rounding="half_up_cent",
    inputs=_PERIOD,
)
def flexible_pension_contribution(ctx: Context, on: Array, region: Array, declared_base: Array, months: Array) -> Array:
    base = ctx.formula("contribution_base", on, region=region, declared_base=declared_base)
    rate = ctx.at("flexible.pension_rate", on)
    reduction = ctx.at("flexible.temporary_reduction.pension_pooled", on)
    pooled_rate = rate - ctx.at("flexible.individual_account_rate", on)
    effective = np.where(reduction > 0, rate - pooled_rate * reduction, rate)  # exactly 20% when none applies
    result: Array = base * effective * np.asarray(months, dtype=np.float64)
    return result


@formula(
    name="flexible_pension_individual_account",
    label="Part of the flexible worker's pension contribution credited to the individual account (8% of the base)",
    reference="Guo Fa [2005] No. 38; Social Insurance Law of the PRC Art. 14",
    unit="cents",
    rounding="half_up_cent",
    inputs=_PERIOD,
)
def flexible_pension_individual_account(
    ctx: Context, on: Array, region: Array, declared_base: Array, months: Array
) -> Array:
    base = ctx.formula("contribution_base", on, region=region, declared_base=declared_base)
    result: Array = base * ctx.at("flexible.individual_account_rate", on) * np.asarray(months, dtype=np.float64)
    return result


@formula(
    name="flexible_medical_contribution",
    label="Flexible worker's employee medical insurance contribution: the province's rate x the base "
    "(kept within 60%-300%) x months, less any temporary reduction",
    reference=f"{LAW_SI} Art. 23(2); Guo Fa [1998] No. 44",
    unit="cents",
    rounding="half_up_cent",
    inputs=_PERIOD,
)
def flexible_medical_contribution(ctx: Context, on: Array, region: Array, declared_base: Array, months: Array) -> Array:
    base = ctx.formula("contribution_base", on, region=region, declared_base=declared_base)
    rate = ctx.by_key("flexible.medical_rate", province_of(region), on)
    if np.isnan(rate).any():
        bad = str(np.asarray(region)[np.isnan(rate)][0])
        raise RuleViolation(f"no flexible workers' medical insurance rate for the province of {bad} on {on[0]}")
    reduction = ctx.at("flexible.temporary_reduction.medical", on)
    effective = np.where(reduction > 0, rate * (1 - reduction), rate)
    result: Array = base * effective * np.asarray(months, dtype=np.float64)
    return result


# --- relief: subsidies, deferrals, hardship payments ---------------------------------------------------------

FLEXIBLE_SUBSIDY_GROUPS = ("EMPLOYMENT_HARDSHIP", "GRADUATE")
RESIDENT_HARDSHIP_GROUPS = ("SEVERE_DISABILITY", "MINIMUM_LIVING", "EXTREME_POVERTY")
_SUBSIDY = "flexible.subsidy"
_GROUP: Inputs = {
    "group": ("str", "the person's relief group (EMPLOYMENT_HARDSHIP, GRADUATE) or empty"),
    "months_subsidised": ("int", "months of this group's subsidy the person has already had"),
}


def _group_values(ctx: Context, on: Array, group: Array, leaf: str) -> Array:
    groups = np.asarray(group).astype(str)
    values = np.zeros(groups.shape, dtype=np.float64)
    for name in FLEXIBLE_SUBSIDY_GROUPS:
        chosen = groups == name
        if chosen.any():
            values = np.where(chosen, ctx.at(f"{_SUBSIDY}.{name}.{leaf}", on), values)
    unknown = (groups != "") & ~np.isin(groups, FLEXIBLE_SUBSIDY_GROUPS)
    if unknown.any():
        raise RuleViolation(f"{groups[unknown][0]!r} is not a subsidy group ({', '.join(FLEXIBLE_SUBSIDY_GROUPS)})")
    return values


@formula(
    name="flexible_subsidy_months",
    label="Months of this payment the flexible-employment subsidy covers: what is left of the group's maximum",
    reference="Cai She [2017] No. 164",
    unit="months",
    inputs={"months": ("int", "months paid at once"), **_GROUP},
)
def flexible_subsidy_months(ctx: Context, on: Array, months: Array, group: Array, months_subsidised: Array) -> Array:
    left = _group_values(ctx, on, group, "max_months") - np.asarray(months_subsidised, dtype=np.float64)
    result: Array = np.where(np.asarray(group).astype(str) == "", 0, np.clip(left, 0, np.asarray(months)))
    return result


def _subsidy(ctx: Context, on: Array, contribution: Array, months: Array, group: Array, used: Array) -> Array:
    covered = ctx.formula("flexible_subsidy_months", on, months=months, group=group, months_subsidised=used)
    share = _group_values(ctx, on, group, "share")
    result: Array = contribution / np.asarray(months, dtype=np.float64) * covered * share
    return result


@formula(
    name="flexible_pension_subsidy",
    label="Subsidy to a flexible worker's pension contribution: share x contribution per month x months covered",
    reference="Cai She [2017] No. 164",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_PERIOD, **_GROUP},
)
def flexible_pension_subsidy(
    ctx: Context, on: Array, region: Array, declared_base: Array, months: Array, group: Array, months_subsidised: Array
) -> Array:
    paid = ctx.formula("flexible_pension_contribution", on, region=region, declared_base=declared_base, months=months)
    return _subsidy(ctx, on, paid, months, group, months_subsidised)


@formula(
    name="flexible_medical_subsidy",
    label="Subsidy to a flexible worker's medical contribution: share x contribution per month x months covered",
    reference="Cai She [2017] No. 164",
    unit="cents",
    rounding="half_up_cent",
    inputs={**_PERIOD, **_GROUP},
)
def flexible_medical_subsidy(
    ctx: Context, on: Array, region: Array, declared_base: Array, months: Array, group: Array, months_subsidised: Array
) -> Array:
    paid = ctx.formula("flexible_medical_contribution", on, region=region, declared_base=declared_base, months=months)
    return _subsidy(ctx, on, paid, months, group, months_subsidised)


PERIOD_CODES = {
    0: "the current month or a later one",
    1: "a past month in a deferral window, paid before its deadline",
    2: "a past month: paying back is not open",
    3: "a past month whose deferral window closed",
}


@formula(
    name="own_contribution_period_check",
    label="Whether a flexible worker may pay for a month on this date: current or later months, back months "
    "as far as the agency allows, months in a deferral window until its deadline",
    reference="Guo Ban Fa [2020] No. 27 Art. 3; Ren She Bu Fa [2022] No. 31 Art. 2",
    unit="code",
    inputs={"period_start": ("date", "first day of the month paid for")},
    codes=PERIOD_CODES,
)
def own_contribution_period_check(ctx: Context, on: Array, period_start: Array) -> Array:
    period = np.asarray(period_start, dtype="datetime64[D]")
    behind = _months_since_epoch(on) - _months_since_epoch(period)
    open_back = behind <= ctx.at("flexible.back_payment_months", on)
    pay_by = ctx.at("flexible.deferral_pay_by", period)
    day = np.asarray(on, dtype="datetime64[D]").astype(object)
    today = np.array([d.year * 10000 + d.month * 100 + d.day for d in day.reshape(-1)], dtype=np.float64)
    return np.select(
        [behind <= 0, open_back, (pay_by > 0) & (today <= pay_by), pay_by > 0],
        [0, 0, 1, 3],
        default=2,
    )


@formula(
    name="resident_pension_paid_for_hardship",
    label="Residents' pension: what local government pays on behalf of a person in a hardship group - a share "
    "of the lowest tier, never more than the tier chosen",
    reference="Guo Fa [2014] No. 8 Art. 4(3); Ren She Bu Fa [2017] No. 71",
    unit="cents",
    rounding="half_up_cent",
    inputs={
        "tier": ("str", "the chosen yearly tier in yuan"),
        "group": ("str", "SEVERE_DISABILITY, MINIMUM_LIVING, EXTREME_POVERTY or empty"),
    },
)
def resident_pension_paid_for_hardship(ctx: Context, on: Array, tier: Array, group: Array) -> Array:
    groups = np.asarray(group).astype(str)
    unknown = (groups != "") & ~np.isin(groups, RESIDENT_HARDSHIP_GROUPS)
    if unknown.any():
        raise RuleViolation(f"{groups[unknown][0]!r} is not a hardship group ({', '.join(RESIDENT_HARDSHIP_GROUPS)})")
    chosen = _tier_yuan(ctx, on, tier)
    tiers = ctx.params.node("resident_pension.tiers").children
    keys = np.array(list(tiers))
    day = np.asarray(on, dtype="datetime64[D]")
    in_force = np.array([ctx.params.vector("resident_pension.tiers", np.full(day.shape, k), day) for k in keys])
    lowest_key = keys[np.nanargmin(in_force, axis=0)]
    lowest = ctx.by_key("resident_pension.tiers", lowest_key, on)
    share = ctx.by_key("resident_pension.paid_for_hardship", np.where(groups == "", "-", groups), on, default=0.0)
    result: Array = np.minimum(chosen, lowest) * share * 100
    return result


def _tier_yuan(ctx: Context, on: Array, tier: Array) -> Array:
    yuan = ctx.by_key("resident_pension.tiers", np.asarray(tier).astype(str), on)
    if np.isnan(yuan).any():
        bad = str(np.asarray(tier)[np.isnan(yuan)][0])
        raise RuleViolation(f"{bad!r} is not a residents' pension tier on {np.asarray(on)[0]}")
    return yuan


@formula(
    name="resident_pension_contribution",
    label="Residents' pension: the yearly tier the resident chose",
    reference="Guo Fa [2014] No. 8 Art. 4(1)",
    unit="cents",
    rounding="half_up_cent",
    inputs={"tier": ("str", "the chosen yearly tier in yuan, e.g. 500")},
)
def resident_pension_contribution(ctx: Context, on: Array, tier: Array) -> Array:
    result: Array = _tier_yuan(ctx, on, tier) * 100
    return result


@formula(
    name="resident_pension_subsidy",
    label="Residents' pension: the government's yearly subsidy to the resident's own contribution",
    reference="Guo Fa [2014] No. 8 Art. 4(3)",
    unit="cents",
    rounding="half_up_cent",
    inputs={"tier": ("str", "the chosen yearly tier in yuan")},
)
def resident_pension_subsidy(ctx: Context, on: Array, tier: Array) -> Array:
    yuan = _tier_yuan(ctx, on, tier)
    result: Array = (
        np.where(
            yuan >= 500,
            ctx.at("resident_pension.government_subsidy.from_500", on),
            ctx.at("resident_pension.government_subsidy.basic", on),
        )
        * 100
    )
    return result
