"""What the benefit modules share: the legal texts they cite, the inputs several schemes declare, a regional
figure with its province as fallback, a table row by key, and the refusal of whole numbers out of range
(disability grades, care levels, counts and amounts). It holds no formula."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..context import Context
from ..coverage import OIP_BASIS
from ..formulas.common import Inputs, province_of
from ..registry import Array, RuleViolation

OIP_RULES = f"Ren She Ting Han [2025] No. 79 (OIP operating rules); {OIP_BASIS}"
WII = "Regulations on Work-Related Injury Insurance (State Council Order No. 375, revised 2010)"
UIR = "Unemployment Insurance Regulations (1999)"
RETIREMENT_DECISION = "NPC Standing Committee decision on gradually raising the statutory retirement age (2024-09-13)"
LTC_BASIS = "Yi Bao Fa [2020] No. 37; Ren She Ting Fa [2016] No. 80"

CONTRIBUTION_MONTHS: Inputs = {"contribution_months": ("int", "months of contributions, all regions together")}
REGION: Inputs = {"region": ("str", "6-digit region code where the benefit is paid (city, else its province)")}


def regional(ctx: Context, path: str, region: Array, on: Array) -> npt.NDArray[np.float64]:
    """Child ``region`` of node ``path``, else the child of its province (NaN where neither has a value)."""
    values = ctx.by_key(path, region, on)
    missing = np.isnan(values)
    if missing.any():
        values[missing] = ctx.by_key(path, province_of(np.asarray(region)[missing]), on[missing])
    return values


def whole(values: Array, name: str, low: int, high: int | None = None) -> npt.NDArray[np.int64]:
    """Integers within ``[low, high]``; anything else is refused, naming the first bad row."""
    numbers = np.asarray(values, dtype=np.int64)
    bad = numbers < low if high is None else (numbers < low) | (numbers > high)
    if bad.any():
        where = f"below {low}" if high is None else f"outside {low}-{high}"
        raise RuleViolation(f"{name} {int(numbers[bad][0])} is {where}")
    return numbers


def valid_grade(grade: Array) -> npt.NDArray[np.int64]:
    return whole(grade, "disability grade", 0, 10)


def row_of(ctx: Context, path: str, key: Array, on: Array) -> npt.NDArray[np.float64]:
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


def valid_care_level(care_level: Array) -> npt.NDArray[np.int64]:
    return whole(care_level, "care level", 0, 3)
