"""Long-term care insurance benefits (Yi Bao Fa [2020] No. 37; Ren She Ting Fa [2016] No. 80): the care level
from the incapacity score, the monthly benefit by level and setting, and the part of the contribution public
funds pay for people in hardship (bands, amounts and groups: DEMO DATA). Who is covered is in
:mod:`socsec.rules.formulas.long_term_care`."""

from __future__ import annotations

from enum import IntEnum, StrEnum

import numpy as np

from ..context import Context
from ..formulas.common import Inputs, ReliefGroup
from ..registry import Array, RuleViolation, formula
from ..rounding import Rounding
from .common import LTC_BASIS, row_of, valid_care_level, whole


class CareLevel(IntEnum):
    """What ``ltc_care_level`` answers."""

    NONE = 0
    MILD = 1
    MODERATE = 2
    SEVERE = 3


CARE_LEVEL_CODES: dict[int, str] = {
    CareLevel.NONE: "no care level (independent)",
    CareLevel.MILD: "care level 1: mild incapacity",
    CareLevel.MODERATE: "care level 2: moderate incapacity",
    CareLevel.SEVERE: "care level 3: severe incapacity",
}


class CareSetting(StrEnum):
    HOME = "HOME"
    COMMUNITY = "COMMUNITY"
    INSTITUTION = "INSTITUTION"


CARE_SETTINGS = tuple(CareSetting)
LTC_HARDSHIP_GROUPS = (ReliefGroup.MINIMUM_LIVING, ReliefGroup.EXTREME_POVERTY, ReliefGroup.SEVERE_DISABILITY)


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
    score = whole(incapacity_score, "incapacity score", 0, 100)
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
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "care_level": ("int", "care level 0-3 (0: none)"),
        "setting": ("str", "HOME, COMMUNITY or INSTITUTION"),
    },
)
def ltc_benefit_monthly(ctx: Context, on: Array, care_level: Array, setting: Array) -> Array:
    level = valid_care_level(care_level)
    settings = np.asarray(setting).astype(str)
    if (~np.isin(settings, CARE_SETTINGS)).any():
        bad = settings[~np.isin(settings, CARE_SETTINGS)][0]
        raise RuleViolation(f"{bad!r} is not a care setting ({', '.join(CARE_SETTINGS)})")
    yuan = np.zeros(level.shape, dtype=np.float64)
    for name in CARE_SETTINGS:
        rows = settings == name
        if rows.any():
            yuan[rows] = row_of(ctx, f"benefits.long_term_care.monthly_benefit.{name}", level[rows], on[rows])
    result: Array = yuan * 100
    return result


class LtcSubsidyCheck(IntEnum):
    """What ``ltc_contribution_subsidy_check`` answers."""

    ELIGIBLE = 0
    NOT_IN_HARDSHIP_GROUP = 1


LTC_SUBSIDY_CODES: dict[int, str] = {
    LtcSubsidyCheck.ELIGIBLE: "eligible: in a hardship group",
    LtcSubsidyCheck.NOT_IN_HARDSHIP_GROUP: "not in a hardship group",
}
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
    return np.where(share > 0, LtcSubsidyCheck.ELIGIBLE, LtcSubsidyCheck.NOT_IN_HARDSHIP_GROUP)


@formula(
    name="ltc_contribution_subsidy",
    label="Long-term care: the part of the person's contribution that public funds pay (the group's share)",
    reference=f"{LTC_BASIS} (shares: DEMO DATA)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"contribution": ("cents", "the person's long-term care contribution, in cents"), **_LTC_GROUP},
)
def ltc_contribution_subsidy(ctx: Context, on: Array, contribution: Array, group: Array) -> Array:
    groups = _ltc_group(group)
    share = ctx.by_key("benefits.long_term_care.contribution_subsidy_share", groups, on, default=0.0)
    result: Array = whole(contribution, "contribution", 0) * share
    return result
