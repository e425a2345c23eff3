"""Employee pension between regions and between schemes: the money that moves with the relation (Guo Ban Fa
[2009] No. 66, the Interim Measures for the Transfer and Continuation of the Basic Pension Insurance Relation
of Urban Enterprise Employees, Art. 4), the temporary account of older workers who move to a place that is
not their registered residence (Art. 5), the place where the pension is claimed (Art. 6), and the
conversion between the residents' and the employee pension (Ren She Bu Fa [2014] No. 17, the Interim
Measures for Linking the Urban and Rural Pension Insurance Systems, Art. 3, 5, 6, 7)."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from ..context import Context
from ..registry import Array, InputKind, RuleViolation, formula
from ..rounding import Rounding
from .common import BIRTH

MEASURES_2009 = "Guo Ban Fa [2009] No. 66, Interim Measures"
MEASURES_2014 = "Ren She Bu Fa [2014] No. 17, Interim Measures for Linking the Urban and Rural Pension Systems"


class ClaimPlace(IntEnum):
    RESIDENCE = 1  # the relation is at the registered residence
    RELATION_PLACE = 2  # the relation's place has 10 years or more
    LAST_PLACE_10_YEARS = 3  # back to the last earlier place with 10 years or more
    RESIDENCE_NO_PLACE_10_YEARS = 4  # no place with 10 years: gathered at the registered residence


CLAIM_PLACE_CODES: dict[int, str] = {
    ClaimPlace.RESIDENCE: "the relation is at the registered residence: the pension is claimed there",
    ClaimPlace.RELATION_PLACE: "the relation is not at the registered residence but has 10 years or more where it "
    "is: the pension is claimed there",
    ClaimPlace.LAST_PLACE_10_YEARS: "the relation is not at the registered residence and has less than 10 years "
    "where it is: it goes back to the last earlier place with 10 years or more, where the pension is claimed",
    ClaimPlace.RESIDENCE_NO_PLACE_10_YEARS: "no place has 10 years or more: the relation and its money are "
    "gathered at the registered residence, where the pension is claimed",
}


class Conversion(IntEnum):
    TO_EMPLOYEE = 1  # residents' pension into the employee pension
    TO_RESIDENT = 2  # employee pension into the residents' pension
    REFUSED_BEFORE_RETIREMENT_AGE = 3
    REFUSED_TO_EMPLOYEE_UNDER_15_YEARS = 4  # under 15 employee years: only towards the residents' pension
    REFUSED_TO_RESIDENT_15_YEARS = 5  # 15 employee years or more: the employee pension is paid


CONVERSION_CODES: dict[int, str] = {
    Conversion.TO_EMPLOYEE: "15 years or more of employee pension at the retirement age: the residents' pension "
    "converts into the employee pension",
    Conversion.TO_RESIDENT: "under 15 years of employee pension at the retirement age: the employee pension "
    "converts into the residents' pension",
    Conversion.REFUSED_BEFORE_RETIREMENT_AGE: "the schemes are linked once the statutory retirement age is reached",
    Conversion.REFUSED_TO_EMPLOYEE_UNDER_15_YEARS: "under 15 years of employee pension: the residents' pension "
    "cannot convert into the employee pension (the employee pension may convert into the residents')",
    Conversion.REFUSED_TO_RESIDENT_15_YEARS: "15 years or more of employee pension: the employee pension is paid; "
    "it does not convert into the residents' pension",
}
DIRECTIONS = {"TO_EMPLOYEE": Conversion.TO_EMPLOYEE, "TO_RESIDENT": Conversion.TO_RESIDENT}
DIRECTION_INPUT: tuple[InputKind, str] = (
    "str",
    "TO_EMPLOYEE (residents' pension into the employee pension) or TO_RESIDENT (the reverse)",
)


def _directions(direction: Array) -> Array:
    names = np.asarray(direction).astype(str)
    unknown = ~np.isin(names, tuple(DIRECTIONS))
    if unknown.any():
        raise RuleViolation(f"direction {str(names[unknown][0])!r} is not TO_EMPLOYEE or TO_RESIDENT")
    result: Array = names == "TO_EMPLOYEE"
    return result


@formula(
    name="pension_transfer_pooled_amount",
    label="Pooled part transferred for one year: 12% of the year's actual contribution base (the sum of the "
    "monthly bases of the months paid, so a part year counts by its months); nothing for years before 1998",
    reference=f"{MEASURES_2009} Art. 4(2)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"year_base_total": ("cents", "the year's monthly contribution bases of the months paid, added up")},
)
def pension_transfer_pooled_amount(ctx: Context, on: Array, year_base_total: Array) -> Array:
    """``on`` is a day of the year transferred: the share in force then (none before 1998-01-01)."""
    share = np.nan_to_num(ctx.at("transfers.pooled_share", on), nan=0.0)
    result: Array = np.asarray(year_base_total, dtype=np.float64) * share
    return result


@formula(
    name="pension_transfer_individual_account",
    label="Individual account transferred: the whole balance (the contributions credited and their interest)",
    reference=f"{MEASURES_2009} Art. 4(1)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"account_balance": ("cents", "the employee-pension money in the individual account, in cents")},
)
def pension_transfer_individual_account(ctx: Context, on: Array, account_balance: Array) -> Array:
    balance = np.asarray(account_balance, dtype=np.float64)
    if (balance < 0).any():
        raise RuleViolation("an individual account balance is not negative")
    return balance


@formula(
    name="pension_transfer_temporary_account",
    label="Temporary account instead of a transfer: a man of 50 or over, a woman of 40 or over, moving to a place "
    "that is not the registered residence keeps the relation where it is; the new place keeps a temporary "
    "contribution account",
    reference=f"{MEASURES_2009} Art. 5(2)",
    unit="bool",
    inputs={
        **BIRTH,
        "sex": ("str", "M or F"),
        "to_residence": ("bool", "the new place is the registered residence"),
    },
)
def pension_transfer_temporary_account(
    ctx: Context, on: Array, birth_date: Array, sex: Array, to_residence: Array
) -> Array:
    age = ctx.formula("age_months", on, birth_date=birth_date)
    sexes = np.asarray(sex).astype(str)
    if (~np.isin(sexes, ("M", "F"))).any():
        raise RuleViolation("sex is M or F")
    limit = np.where(
        sexes == "M",
        ctx.at("transfers.temporary_account_age.men", on),
        ctx.at("transfers.temporary_account_age.women", on),
    )
    result: Array = (age >= limit) & ~np.asarray(to_residence, dtype=bool)
    return result


@formula(
    name="pension_claim_place",
    label="Where the pension is claimed: the registered residence if the relation is there; else where the "
    "relation is if it has 10 years there; else the last earlier place with 10 years; else the registered "
    "residence",
    reference=f"{MEASURES_2009} Art. 6",
    unit="code",
    inputs={
        "relation_at_residence": ("bool", "the relation is at the registered residence"),
        "months_at_relation_place": ("int", "months of contributions at the place where the relation is"),
        "earlier_place_10_years": ("bool", "an earlier place has 10 years of contributions or more"),
    },
    codes=CLAIM_PLACE_CODES,
)
def pension_claim_place(
    ctx: Context,
    on: Array,
    relation_at_residence: Array,
    months_at_relation_place: Array,
    earlier_place_10_years: Array,
) -> Array:
    enough = np.asarray(months_at_relation_place, dtype=np.int64) >= ctx.at("transfers.claim_place_months", on)
    return np.select(
        [np.asarray(relation_at_residence, dtype=bool), enough, np.asarray(earlier_place_10_years, dtype=bool)],
        [ClaimPlace.RESIDENCE, ClaimPlace.RELATION_PLACE, ClaimPlace.LAST_PLACE_10_YEARS],
        default=ClaimPlace.RESIDENCE_NO_PLACE_10_YEARS,
    )


@formula(
    name="pension_conversion_check",
    label="Whether the pension relation converts between the residents' and the employee pension, and which way: "
    "at the statutory retirement age, towards the employee pension with 15 years of it or more, towards the "
    "residents' pension with less",
    reference=f"{MEASURES_2014} Art. 3, Art. 5, Art. 6",
    unit="code",
    inputs={
        "direction": DIRECTION_INPUT,
        "employee_months": ("int", "months of employee-pension contributions"),
        "at_retirement_age": ("bool", "the statutory retirement age is reached"),
    },
    codes=CONVERSION_CODES,
)
def pension_conversion_check(
    ctx: Context, on: Array, direction: Array, employee_months: Array, at_retirement_age: Array
) -> Array:
    to_employee = _directions(direction)
    enough = np.asarray(employee_months, dtype=np.int64) >= ctx.at("transfers.conversion_employee_months", on)
    return np.select(
        [~np.asarray(at_retirement_age, dtype=bool), to_employee & ~enough, ~to_employee & enough, to_employee],
        [
            Conversion.REFUSED_BEFORE_RETIREMENT_AGE,
            Conversion.REFUSED_TO_EMPLOYEE_UNDER_15_YEARS,
            Conversion.REFUSED_TO_RESIDENT_15_YEARS,
            Conversion.TO_EMPLOYEE,
        ],
        default=Conversion.TO_RESIDENT,
    )


@formula(
    name="pension_conversion_counted_months",
    label="Months that count after a conversion: towards the employee pension, the employee months only (the "
    "residents' years are not counted or converted); towards the residents' pension, both added, a month "
    "paid to both counted once",
    reference=f"{MEASURES_2014} Art. 5, Art. 6, Art. 7",
    unit="months",
    inputs={
        "direction": DIRECTION_INPUT,
        "employee_months": ("int", "months of employee-pension contributions"),
        "resident_months": ("int", "months of residents' pension contributions"),
        "overlap_months": ("int", "months paid to both schemes"),
    },
)
def pension_conversion_counted_months(
    ctx: Context, on: Array, direction: Array, employee_months: Array, resident_months: Array, overlap_months: Array
) -> Array:
    employee = np.asarray(employee_months, dtype=np.int64)
    both = employee + np.asarray(resident_months, dtype=np.int64) - np.asarray(overlap_months, dtype=np.int64)
    result: Array = np.where(_directions(direction), employee, both)
    return result


@formula(
    name="pension_conversion_moved_amount",
    label="Money that moves with a conversion: the whole individual account of the scheme left (the pooled "
    "funds stay); the residents' contributions and collective aid of months also paid to the employee pension "
    "are refunded to the person instead of moving",
    reference=f"{MEASURES_2014} Art. 5, Art. 6, Art. 7",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "direction": DIRECTION_INPUT,
        "employee_account": ("cents", "employee-pension individual account balance"),
        "resident_account": ("cents", "residents' pension individual account balance"),
        "overlap_refund": ("cents", "own contributions and collective aid of the months paid to both schemes"),
    },
)
def pension_conversion_moved_amount(
    ctx: Context, on: Array, direction: Array, employee_account: Array, resident_account: Array, overlap_refund: Array
) -> Array:
    refund = np.asarray(overlap_refund, dtype=np.float64)
    resident = np.asarray(resident_account, dtype=np.float64)
    if (refund > resident).any():
        raise RuleViolation("the refund of months paid to both schemes is more than the residents' account")
    result: Array = np.where(_directions(direction), resident - refund, np.asarray(employee_account, dtype=np.float64))
    return result
