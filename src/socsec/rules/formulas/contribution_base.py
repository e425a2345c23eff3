"""The contribution base: the regional average monthly wage it is measured against, and the declared base
kept within 60%-300% of it (Guo Ban Fa [2019] No. 13 Art. 2; Social Insurance Law Art. 12; Regulations on
Work-Related Injury Insurance Art. 64)."""

from __future__ import annotations

import numpy as np

from ..context import Context
from ..coverage import LAW_SI
from ..registry import Array, formula
from ..rounding import Rounding
from .common import province_of


@formula(
    name="regional_average_monthly_wage",
    label="Average monthly wage of the region used for contribution bases (city value, else province)",
    reference="Guo Ban Fa [2019] No. 13 Art. 2 (weighted average wage of urban non-private and private units)",
    unit="cents",
    rounding=Rounding.HALF_UP_CENT,
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
    rounding=Rounding.HALF_UP_CENT,
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
    rounding=Rounding.HALF_UP_CENT,
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
    rounding=Rounding.HALF_UP_CENT,
    inputs={
        "region": ("str", "6-digit region code"),
        "declared_base": ("cents", "chosen monthly base in cents"),
    },
)
def contribution_base(ctx: Context, on: Array, region: Array, declared_base: Array) -> Array:
    floor = ctx.formula("contribution_base_floor", on, region=region)
    ceiling = ctx.formula("contribution_base_ceiling", on, region=region)
    return np.clip(np.asarray(declared_base, dtype=np.float64), floor, ceiling)
