"""The late-payment surcharge on contributions unpaid after their due date: the outstanding amount x the
daily rate x the days late (Social Insurance Law Art. 86), per assessment and accrued over stretches of days
that are added up per invoice before they are rounded."""

from __future__ import annotations

import numpy as np

from ..context import Context
from ..coverage import LAW_SI
from ..registry import Array, formula
from ..rounding import Rounding


@formula(
    name="late_payment_surcharge",
    label="Surcharge on an unpaid contribution: outstanding amount x daily rate x days late",
    reference=f"{LAW_SI} Art. 86",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
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
    rounding=Rounding.HALF_UP_CENT_PER_TOTAL,
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
