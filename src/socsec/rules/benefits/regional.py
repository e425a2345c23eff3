"""Regional figures the benefits are measured against: the local monthly minimum wage (Provisions on Minimum
Wages, MOLSS Order No. 21, 2004) and the urban minimum living allowance (Regulations on Guaranteeing Urban
Residents' Minimum Standard of Living, 1999), each the city's value, else its province's."""

from __future__ import annotations

from ..context import Context
from ..registry import Array, formula
from ..rounding import Rounding
from .common import REGION, regional


@formula(
    name="regional_minimum_monthly_wage",
    label="Local monthly minimum wage (city value, else province)",
    reference="Provisions on Minimum Wages (MOLSS Order No. 21, 2004) Art. 6, Art. 10",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=REGION,
)
def regional_minimum_monthly_wage(ctx: Context, on: Array, region: Array) -> Array:
    result: Array = regional(ctx, "benefits.regions.minimum_monthly_wage", region, on) * 100
    return result


@formula(
    name="regional_subsistence_allowance",
    label="Local urban minimum living allowance per person per month (city value, else province)",
    reference="Regulations on Guaranteeing Urban Residents' Minimum Standard of Living (1999) Art. 6",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
    inputs=REGION,
)
def regional_subsistence_allowance(ctx: Context, on: Array, region: Array) -> Array:
    result: Array = regional(ctx, "benefits.regions.urban_subsistence_allowance_monthly", region, on) * 100
    return result
