"""What the formula modules share: the input-spec type and the inputs several schemes declare, the codes of
sex, of the original retirement groups and of relief groups, and the province of a region code. It holds no
formula and names no legal source of its own."""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from ..registry import Array, InputKind, RuleViolation

Inputs = dict[str, tuple[InputKind, str]]


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class RetirementGroup(StrEnum):
    """The statutory retirement age a person had before the 2025 reform: men 60; women cadres (and flexibly
    employed women in most provinces) 55; women workers 50. The reform raises each by its own steps."""

    MEN_60 = "MEN_60"
    WOMEN_55 = "WOMEN_55"
    WOMEN_50 = "WOMEN_50"


# the groups each sex may belong to, the first the one a registration assumes when none is stated
GROUPS_OF_SEX: dict[str, tuple[RetirementGroup, ...]] = {
    Sex.MALE: (RetirementGroup.MEN_60,),
    Sex.FEMALE: (RetirementGroup.WOMEN_55, RetirementGroup.WOMEN_50),
}
# where each group's retirement parameters live
GROUP_PARAMETERS: dict[str, str] = {
    RetirementGroup.MEN_60: "retirement.men",
    RetirementGroup.WOMEN_55: "retirement.women_55",
    RetirementGroup.WOMEN_50: "retirement.women_50",
}


def retirement_groups(sex: Array, retirement_group: Array) -> Array:
    """The retirement group of each row, checked: an unknown sex code, an unknown group or a group of the
    other sex is refused, naming the first bad row (never taken for a woman of the 55 group)."""
    sexes = np.asarray(sex).astype(str)
    groups = np.asarray(retirement_group).astype(str)
    unknown = ~np.isin(sexes, tuple(GROUPS_OF_SEX))
    if unknown.any():
        raise RuleViolation(f"sex {str(sexes[unknown][0])!r} is not M or F")
    for code, allowed in GROUPS_OF_SEX.items():
        wrong = (sexes == code) & ~np.isin(groups, allowed)
        if wrong.any():
            raise RuleViolation(
                f"retirement group {str(groups[wrong][0])!r} is not one of sex {code} ({', '.join(allowed)})"
            )
    return groups


def retirement_group_one(sex: str, retirement_group: str) -> str:
    """:func:`retirement_groups` for one case (the same refusals)."""
    if sex not in GROUPS_OF_SEX:
        raise RuleViolation(f"sex {sex!r} is not M or F")
    for code, allowed in GROUPS_OF_SEX.items():
        if sex == code and retirement_group not in allowed:
            raise RuleViolation(
                f"retirement group {retirement_group!r} is not one of sex {code} ({', '.join(allowed)})"
            )
    return retirement_group


class ReliefGroup(StrEnum):
    """The groups that get help with their contributions: a subsidy (flexible workers) or the contribution
    paid for them (residents' pension, long-term care)."""

    EMPLOYMENT_HARDSHIP = "EMPLOYMENT_HARDSHIP"
    GRADUATE = "GRADUATE"
    SEVERE_DISABILITY = "SEVERE_DISABILITY"
    MINIMUM_LIVING = "MINIMUM_LIVING"
    EXTREME_POVERTY = "EXTREME_POVERTY"


BIRTH: Inputs = {"birth_date": ("date", "date of birth")}
SEX: Inputs = {
    "sex": ("str", "M or F"),
    "retirement_group": ("str", "original retirement group: MEN_60, WOMEN_55 (cadres) or WOMEN_50 (women workers)"),
}
LABOUR: Inputs = {"labour_relation": ("bool", "has an active labour-relation engagement")}
OTHER: Inputs = {"other_work": ("bool", "has an active engagement without a labour relation")}
PERIOD: Inputs = {
    "region": ("str", "6-digit region code where the worker contributes"),
    "declared_base": ("cents", "the monthly base the worker chose, in cents"),
    "months": ("int", "months paid at once: 1, 3 or 12"),
}


def province_of_one(region: str) -> str:
    """:func:`province_of` for one code."""
    return region[:2] + "0000"


def province_of(region: Array) -> Array:
    """Province code (``PP0000``) of a 6-digit administrative division code."""
    return np.char.add(np.asarray(region).astype("U2"), "0000")
