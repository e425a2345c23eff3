"""Residents' basic pension benefit: the age it is paid from (Guo Fa [2014] No. 8 Art. 7) and the minimum basic
pension plus the individual account balance / 139 (Art. 6). Who may join and the contributions are in
:mod:`socsec.rules.formulas.resident_pension`."""

from __future__ import annotations

from ..context import Context
from ..registry import Array, formula
from ..rounding import Rounding
from .common import whole


@formula(
    name="resident_pension_age_months",
    label="Age from which the residents' pension is paid, in months (60 years)",
    reference="Guo Fa [2014] No. 8 Art. 7",
    unit="months",
    inputs={},
)
def resident_pension_age_months(ctx: Context, on: Array) -> Array:
    """``on`` is the date the pension would start."""
    return ctx.at("benefits.pension.resident.pension_age_months", on)


@formula(
    name="resident_pension_monthly",
    label="Residents' pension a month: the minimum basic pension + the individual account balance / 139",
    reference="Guo Fa [2014] No. 8 Art. 6",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs={"account_balance": ("cents", "individual account balance at 60, in cents")},
)
def resident_pension_monthly(ctx: Context, on: Array, account_balance: Array) -> Array:
    basic = ctx.at("benefits.pension.resident.basic_pension_minimum", on) * 100
    divisor = ctx.at("benefits.pension.resident.account_divisor", on)
    result: Array = basic + whole(account_balance, "account balance", 0) / divisor
    return result
