"""Rounding rules: how an amount in cents, computed in float64, becomes whole cents. A formula in cents names
one of :data:`ROUNDING` and is rounded by it once, at the boundary (per output row, or per total)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

import numpy as np
import numpy.typing as npt


def round_half_up_cents(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Amounts in cents (float64) to whole cents, halves away from zero.

    Values are first rounded to 6 decimals so that binary noise (2.675 stored as 2.67499999...)
    does not flip a half; then ``sign(x) * floor(|x| + 0.5)``.
    """
    cleaned = np.round(values, 6)
    return (np.sign(cleaned) * np.floor(np.abs(cleaned) + 0.5)).astype(np.int64)


def round_down_cents(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Amounts in cents (float64) to whole cents, towards zero (after the same 6-decimal clean-up).

    For shares of a capped total: each share rounded down, so that the shares never add up to more than
    the total they are cut from (the shortfall is under one cent per share).
    """
    cleaned = np.round(values, 6)
    return (np.sign(cleaned) * np.floor(np.abs(cleaned))).astype(np.int64)


class Rounding(StrEnum):
    """The rounding rules a formula in cents names (see :data:`ROUNDING`)."""

    HALF_UP_CENT = "half_up_cent"
    DOWN_CENT = "down_cent"
    HALF_UP_CENT_PER_TOTAL = "half_up_cent_per_total"


ROUNDING: dict[Rounding, tuple[str, Callable[[npt.NDArray[np.float64]], npt.NDArray[np.int64]]]] = {
    Rounding.HALF_UP_CENT: ("to the cent, halves away from zero, once per output row", round_half_up_cents),
    Rounding.DOWN_CENT: (
        "to the cent, rounded down (towards zero), once per output row - shares cut from a capped total never "
        "add up to more than it",
        round_down_cents,
    ),
    Rounding.HALF_UP_CENT_PER_TOTAL: (
        "to the cent, halves away from zero, once per total of the rows added up (not per row)",
        round_half_up_cents,
    ),
}
