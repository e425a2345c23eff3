"""Run scenarios side by side, deterministic and stochastic, and shape the results as tables.

``run_projection(scenario_paths, stochastic)`` is what the CLI (and a page) calls: plain data out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .funds import FUNDS
from .indicators import c102_check, c102_years, derived, exhaustion_year, general_average_premium, replacement_rates
from .prepare import prepare
from .prepared import Prepared
from .projection import Projection, project, project_runs
from .scenario import Scenario, load_scenario
from .stochastic import shocks

Array = npt.NDArray[np.float64]
PERCENTILES = (5, 25, 50, 75, 95)
FAN_SERIES = (
    "pension_cost_rate",
    "pension_reserve_ratio",
    "system_dependency_ratio",
    "old_age_dependency_ratio",
    "population",
    "injury_reserve_ratio",
    "unemployment_reserve_ratio",
    "long_term_care_reserve_ratio",
)
CHART_SERIES = (
    "population",
    "contributors",
    "pensioners",
    "old_age_dependency_ratio",
    "system_dependency_ratio",
    "pension_contribution_rate",
    "pension_cost_rate",
    "pension_reserve",
    "pension_reserve_ratio",
    "injury_reserve_ratio",
    "unemployment_reserve_ratio",
    "long_term_care_reserve_ratio",
    "funded_tier_reserve",
)
TABLE_SERIES = (
    "population",
    "pop_15_64",
    "pop_65_plus",
    "births",
    "deaths",
    "employed",
    "contributors",
    "pensioners",
    "platform_workers",
    "average_wage",
    "insurable_earnings",
    "old_age_dependency_ratio",
    "system_dependency_ratio",
    "pension_contribution_rate",
    "pension_cost_rate",
    "pension_benefits",
    "pension_refunds",
    "pension_account_balance",
    "injury_beneficiaries",
    "unemployment_beneficiaries",
    "long_term_care_beneficiaries",
) + tuple(
    f"{f}_{k}"
    for f in FUNDS
    for k in ("contributions", "subsidy", "investment", "income", "expenditure", "reserve", "reserve_ratio")
)


@dataclass
class ScenarioResult:
    scenario: Scenario
    prepared: Prepared
    projection: Projection
    indicators: dict[str, Array]  # (T,) deterministic
    summary: dict[str, Any]
    replacement: list[dict[str, object]]
    fan: dict[str, Array] = field(default_factory=dict)  # (len(PERCENTILES), T)
    stochastic_summary: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.scenario.name


@dataclass
class ProjectionResult:
    scenarios: list[ScenarioResult]
    runs: int

    @property
    def years(self) -> npt.NDArray[np.int64]:
        return self.scenarios[0].projection.years

    def to_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Named tables (lists of rows) for CSV files and pages."""
        tables: dict[str, list[dict[str, Any]]] = {}
        tables["summary"] = [{"scenario": r.name, **r.summary, **r.stochastic_summary} for r in self.scenarios]
        rows = []
        for r in self.scenarios:
            for t, year in enumerate(r.projection.years):
                rows.append(
                    {"scenario": r.name, "year": int(year), **{k: float(r.indicators[k][t]) for k in TABLE_SERIES}}
                )
        tables["indicators"] = rows
        tables["replacement_rates"] = [{"scenario": r.name, **row} for r in self.scenarios for row in r.replacement]
        fan_rows = []
        for r in self.scenarios:
            for name, values in r.fan.items():
                for t, year in enumerate(r.projection.years):
                    fan_rows.append(
                        {
                            "scenario": r.name,
                            "indicator": name,
                            "year": int(year),
                            **{f"p{p}": float(values[i, t]) for i, p in enumerate(PERCENTILES)},
                        }
                    )
        if fan_rows:
            tables["stochastic_percentiles"] = fan_rows
        return tables

    def chart_data(self) -> dict[str, Any]:
        """Plain, JSON-ready series for charts on a page (e.g. plotly): years; per scenario its name, the
        deterministic series and, where run, the percentile bands of the stochastic runs."""
        return {
            "years": [int(y) for y in self.years],
            "percentiles": list(PERCENTILES),
            "runs": self.runs,
            "scenarios": [
                {
                    "name": r.name,
                    "series": {k: [_plain(v) for v in r.indicators[k]] for k in CHART_SERIES},
                    "fan": {k: [[_plain(v) for v in row] for row in band] for k, band in r.fan.items()},
                }
                for r in self.scenarios
            ],
        }


def _plain(value: float) -> float | None:
    number = float(value)
    return number if np.isfinite(number) else None


def _flat(series: dict[str, Array]) -> dict[str, Array]:
    both = {**series, **derived(series)}
    out = {k: v for k, v in both.items() if v.ndim == 2}
    for f in FUNDS:
        out[f"{f}_reserve"] = both[f"{f}_reserve"][:, 1:]  # closing reserve of each year
    return out


def run_scenario(scenario: Scenario, runs: int = 0) -> ScenarioResult:
    prepared = prepare(scenario)
    projection = project(prepared)
    flat = _flat(projection.series)
    indicators = {k: v[0] for k, v in flat.items()}
    years = projection.years
    gap = float(general_average_premium(projection.series)[0])
    # the standard beneficiary with a whole 30-year career under the projected rules (from the first year)
    career = c102_years(scenario, int(years[0]))
    c102_year = int(years[0]) + career
    t102 = min(career, len(years) - 1)
    c102 = c102_check(
        scenario,
        c102_year,
        wage_growth=float(prepared.wage_growth[: t102 + 1].mean()),
        account_interest=float((prepared.returns + prepared.account_interest_spread)[: t102 + 1].mean()),
    )
    summary: dict[str, Any] = {
        "file": str(scenario.file),
        "first_year": int(years[0]),
        "last_year": int(years[-1]),
        "general_average_premium": gap,
        "contribution_rate_first_year": float(indicators["pension_contribution_rate"][0]),
        "pension_reserve_exhausted": exhaustion_year(projection.series, years)[0],
        "c102_year": c102_year,
        "c102_replacement_rate": c102["replacement_rate"],
        "c102_replacement_rate_without_funded_tier": c102["replacement_rate_without_funded_tier"],
        "c102_retirement_age": c102["retirement_age"],
        "meets_c102": c102["meets_c102"],
    }
    for year in (2050, 2075, int(years[-1])):
        if years[0] <= year <= years[-1]:
            t = int(year - years[0])
            summary[f"cost_rate_{year}"] = float(indicators["pension_cost_rate"][t])
            summary[f"system_dependency_{year}"] = float(indicators["system_dependency_ratio"][t])
    count, amount = projection.new_pensioners, projection.new_pension_rel
    for year in (2035, 2050, 2075):
        if count is not None and amount is not None and years[0] <= year <= years[-1]:
            t = int(year - years[0])
            for sex, label in ((0, "men"), (1, "women")):
                n = float(count[t, sex].sum())
                summary[f"replacement_rate_new_{label}_{year}"] = float(amount[t, sex].sum()) / n if n else None
    for fund in ("funded_tier", "injury", "unemployment", "long_term_care"):
        summary[f"{fund}_reserve_exhausted"] = exhaustion_year(projection.series, years, fund)[0]
    result = ScenarioResult(scenario, prepared, projection, indicators, summary, replacement_rates(projection))
    if runs > 0:
        _stochastic(result, runs)
    return result


def _stochastic(result: ScenarioResult, runs: int) -> None:
    prepared = result.prepared
    x = shocks(prepared, runs)
    projection = project_runs(prepared, x)
    flat = _flat(projection.series)
    result.fan = {k: np.percentile(flat[k], PERCENTILES, axis=0) for k in FAN_SERIES}
    gap = general_average_premium(projection.series)
    exhausted = exhaustion_year(projection.series, projection.years)
    never = sum(1 for e in exhausted if e is None)
    result.stochastic_summary = {
        "stochastic_runs": runs,
        **{
            f"general_average_premium_p{p}": float(v)
            for p, v in zip(PERCENTILES, np.percentile(gap, PERCENTILES), strict=True)
        },
        "share_of_runs_reserve_never_exhausted": never / runs,
    }


def run_projection(scenario_paths: Sequence[str | Path], stochastic: int = 0) -> ProjectionResult:
    """Every scenario (the first is the reference), each with ``stochastic`` runs when > 0."""
    if not scenario_paths:
        raise ValueError("no scenario given")
    scenarios = [load_scenario(p) for p in scenario_paths]
    return ProjectionResult([run_scenario(s, stochastic) for s in scenarios], stochastic)
