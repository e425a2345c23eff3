"""What the formula modules share: the input-spec type and the inputs several schemes declare, the codes of
sex and of relief groups and the province of a region code. It holds no
formula and names no legal source of its own."""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from ..registry import Array, InputKind

Inputs = dict[str, tuple[InputKind, str]]


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class ReliefGroup(StrEnum):
    """The groups that get help with their contributions: a subsidy (flexible workers) or the contribution
    paid for them (residents' pension, long-term care)."""

    EMPLOYMENT_HARDSHIP = "EMPLOYMENT_HARDSHIP"
    GRADUATE = "GRADUATE"
    SEVERE_DISABILITY = "SEVERE_DISABILITY"
    MINIMUM_LIVING = "MINIMUM_LIVING"
    EXTREME_POVERTY = "EXTREME_POVERTY"


BIRTH: Inputs = {"birth_date": ("date", "date of birth")}
SEX: Inputs = {"sex": ("str", "M or F")}
LABOUR: Inputs = {"labour_relation": ("bool", "has an active labour-relation engagement")}
OTHER: Inputs = {"other_work": ("bool", "has an active engagement without a labour relation")}
PERIOD: Inputs = {
    "region": ("str", "6-digit region code where the worker contributes"),
    "declared_base": ("cents", "the monthly base the worker chose, in cents"),
    "months": ("int", "months paid at once: 1, 3 or 12"),
}


def province_of(region: Array) -> Array:
    """Province code (``PP0000``) of a 6-digit administrative division code."""
    return np.char.add(np.asarray(region).astype("U2"), "0000")
