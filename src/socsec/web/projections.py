"""The supervisor's projections page: reads the form, runs the shipped scenarios through the one check the
API uses too (``socsec.actuarial.shipped``), and shapes the result for the template: the summary side by
side, the chart series (drawn by plotly in the browser) with their figures at key years, and CSV tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from socsec.actuarial.inputs import InputError
from socsec.actuarial.report import csv_text
from socsec.actuarial.run import ProjectionResult
from socsec.actuarial.shipped import MAX_RUNS, ChoiceRefused, ShippedScenario, run_shipped, shipped_scenario_list
from socsec.rules.texts import N_
from socsec.web.i18n import translate_text

TABLES = ("summary", "indicators", "replacement_rates", "stochastic_percentiles")
HIDDEN_COLUMNS = ("file",)  # a path on the server: not for a page or a download
TRILLION = 1e12


@dataclass
class SummaryRow:
    label: str
    values: list[str]


@dataclass
class Chart:
    id: str
    title: str
    caption: str
    columns: list[str]  # the figures' column heads (scenarios, or percentiles)
    rows: list[tuple[int, list[str]]]  # (year, figures)


@dataclass
class ProjectionPage:
    scenarios: tuple[ShippedScenario, ...]
    chosen: list[str]
    runs_text: str
    horizon_years: int
    error: str | None = None
    result: ProjectionResult | None = None
    names: list[str] = field(default_factory=list)
    summary: list[SummaryRow] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    chart_data: dict[str, Any] = field(default_factory=dict)
    downloads: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def projection_page(params: QueryDict, path: str) -> ProjectionPage:
    """The page for a query: the form as submitted and, once run with a valid choice, the result."""
    scenarios = shipped_scenario_list()
    submitted = params.get("run") == "1" or "scenario" in params
    chosen = params.getlist("scenario") if submitted else [scenarios[0].key]
    runs_text = params.get("stochastic", "0").strip() or "0"
    page = ProjectionPage(scenarios, chosen, runs_text, scenarios[0].horizon_years)
    if not submitted:
        return page
    runs = int(runs_text) if re.fullmatch(r"\d{1,7}", runs_text) else -1
    try:
        page.result = run_shipped(chosen, runs)
    except ChoiceRefused as exc:
        page.error = _refusal(exc)
        return page
    except InputError as exc:
        page.error = _("The scenario could not be projected: %(message)s") % {"message": str(exc)}
        return page
    _shape(page, page.result, path, runs)
    return page


def table_csv(page: ProjectionPage, table: str) -> str | None:
    """One of the result's tables as CSV (None if the result has no such table)."""
    rows = page.tables.get(table)
    return None if rows is None else csv_text(rows)


def _refusal(exc: ChoiceRefused) -> str:
    if exc.problem == "unknown_scenario":
        return _("Unknown scenario: %(names)s. Choose from the list.") % {"names": ", ".join(exc.unknown)}
    if exc.problem == "no_scenario":
        return _("Choose at least one scenario.")
    return _("Stochastic runs must be a whole number from 0 to %(max)s.") % {"max": MAX_RUNS}


def _shape(page: ProjectionPage, result: ProjectionResult, path: str, runs: int) -> None:
    page.tables = {
        name: [{k: v for k, v in row.items() if k not in HIDDEN_COLUMNS} for row in rows]
        for name, rows in result.to_tables().items()
    }
    page.names = [r.name for r in result.scenarios]
    page.summary = summary_rows(page.tables["summary"])
    query = [("run", "1"), *(("scenario", key) for key in page.chosen), ("stochastic", str(runs))]
    labels = {
        "summary": _("Summary"),
        "indicators": _("Indicators by year"),
        "replacement_rates": _("Replacement rates by cohort"),
        "stochastic_percentiles": _("Percentiles of the stochastic runs"),
    }
    page.downloads = [
        (labels[name], f"{path}?{urlencode([*query, ('format', 'csv'), ('table', name)])}")
        for name in TABLES
        if name in page.tables
    ]
    _charts(page, result.chart_data())


# --- summary ----------------------------------------------------------------------------------------------


def _percent(value: Any) -> str:
    return "" if value is None else f"{100 * float(value):.1f}%"


def _ratio(value: Any) -> str:
    return "" if value is None else f"{float(value):.2f}"


def _year(value: Any) -> str:
    return _("not within the horizon") if value is None else str(value)


def _yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def _age(value: Any) -> str:
    return "" if value is None else f"{float(value):.1f}"


def _count(value: Any) -> str:
    return "" if value is None else str(value)


Label = Callable[[re.Match[str], dict[str, Any]], str]
FUND_NAMES = {
    "pension": lambda: _("Pension"),
    "funded_tier": lambda: _("Funded individual-account tier"),
    "injury": lambda: _("Occupational injury"),
    "unemployment": lambda: _("Unemployment"),
    "long_term_care": lambda: _("Long-term care"),
}
SUMMARY: list[tuple[str, Label, Callable[[Any], str]]] = [
    (r"general_average_premium", lambda m, r: _("General average premium over the horizon"), _percent),
    (r"contribution_rate_first_year", lambda m, r: _("Pension contribution rate in the first year"), _percent),
    (r"cost_rate_(\d+)", lambda m, r: _("PAYG cost rate of the pension in %(year)s") % {"year": m[1]}, _percent),
    (
        r"system_dependency_(\d+)",
        lambda m, r: _("System dependency ratio (pensioners per contributor) in %(year)s") % {"year": m[1]},
        _ratio,
    ),
    (
        r"(pension|funded_tier|injury|unemployment|long_term_care)_reserve_exhausted",
        lambda m, r: _("%(fund)s: reserve exhausted in") % {"fund": FUND_NAMES[m[1]]()},
        _year,
    ),
    (
        r"replacement_rate_new_(men|women)_(\d+)",
        lambda m, r: (
            (
                _("Replacement rate of new pensions, men, %(year)s")
                if m[1] == "men"
                else _("Replacement rate of new pensions, women, %(year)s")
            )
            % {"year": m[2]}
        ),
        _percent,
    ),
    (
        r"c102_replacement_rate",
        lambda m, r: (
            _("ILO Convention 102 standard beneficiary: replacement rate in %(year)s") % {"year": r["c102_year"]}
        ),
        _percent,
    ),
    (
        r"c102_replacement_rate_without_funded_tier",
        lambda m, r: (
            _("ILO Convention 102 standard beneficiary: replacement rate in %(year)s without the funded tier")
            % {"year": r["c102_year"]}
        ),
        _percent,
    ),
    (r"c102_retirement_age", lambda m, r: _("ILO Convention 102 standard beneficiary: retirement age"), _age),
    (r"meets_c102", lambda m, r: translate_text(N_("Meets ILO Convention 102 (at least 40%)")), _yes_no),
    (r"stochastic_runs", lambda m, r: _("Stochastic runs"), _count),
    (
        r"general_average_premium_p(\d+)",
        lambda m, r: _("General average premium, percentile %(p)s of the runs") % {"p": m[1]},
        _percent,
    ),
    (
        r"share_of_runs_reserve_never_exhausted",
        lambda m, r: _("Share of runs in which the pension reserve lasts the horizon"),
        _percent,
    ),
]


def summary_rows(summary: Sequence[dict[str, Any]]) -> list[SummaryRow]:
    """The key indicators, one row each, one value per scenario (the first is the reference)."""
    first = summary[0]
    rows = []
    for pattern, label, show in SUMMARY:
        for key in first:
            match = re.fullmatch(pattern, key)
            if match:
                rows.append(SummaryRow(label(match, first), [show(row.get(key)) for row in summary]))
    return rows


# --- charts -----------------------------------------------------------------------------------------------


def _rounded(values: Sequence[float | None], scale: float = 1.0) -> list[float | None]:
    return [None if v is None or not math.isfinite(v) else round(v / scale, 6) for v in values]


def _key_years(years: Sequence[int]) -> list[int]:
    wanted = [years[0], 2030, 2050, 2075, 2100, years[-1]]
    return sorted({y for y in wanted if years[0] <= y <= years[-1]})


def _charts(page: ProjectionPage, data: dict[str, Any]) -> None:
    years: list[int] = data["years"]
    keys = _key_years(years)
    at = [years.index(y) for y in keys]
    axis = _("Year")
    lines = [
        (
            "pension_reserve_ratio",
            _("Pension reserve ratio"),
            _("Reserve / expenditure"),
            _("Closing reserve of the pension fund divided by the year's expenditure, one line per scenario."),
            1.0,
            ".1f",
            _ratio,
        ),
        (
            "pension_cost_rate",
            _("PAYG cost rate of the pension"),
            _("Share of insurable earnings"),
            _("Pension expenditure divided by insurable earnings, one line per scenario."),
            1.0,
            ".0%",
            _percent,
        ),
        (
            "pension_reserve",
            _("Pension reserves"),
            _("Trillion yuan"),
            _("Reserves of the pension fund at the end of each year in trillion yuan, one line per scenario."),
            TRILLION,
            ",.0f",
            lambda v: "" if v is None else f"{v:,.1f}",
        ),
    ]
    specs: list[dict[str, Any]] = []
    for key, title, y_title, caption, scale, fmt, show in lines:
        names = [_tr(s["name"]) for s in data["scenarios"]]
        series = [_rounded(s["series"][key], scale) for s in data["scenarios"]]
        traces = [{"name": name, "y": y} for name, y in zip(names, series, strict=True)]
        chart_id = f"chart-{key.replace('_', '-')}"
        specs.append({"id": chart_id, "kind": "lines", "title": title, "x": axis, "y": y_title, "format": fmt})
        specs[-1]["traces"] = traces
        page.charts.append(
            Chart(
                chart_id,
                title,
                caption,
                names,
                [(y, [show(values[i]) for values in series]) for y, i in zip(keys, at, strict=True)],
            )
        )
    percentiles: list[int] = data["percentiles"]
    for n, s in enumerate(data["scenarios"]):
        band = s["fan"].get("pension_cost_rate")
        if not band:
            continue
        name = _tr(s["name"])
        chart_id = f"chart-fan-{n}"
        bands = {f"p{p}": _rounded(row) for p, row in zip(percentiles, band, strict=True)}
        specs.append(
            {
                "id": chart_id,
                "kind": "fan",
                "title": _("PAYG cost rate: %(scenario)s") % {"scenario": name},
                "x": axis,
                "y": _("Share of insurable earnings"),
                "format": ".0%",
                "bands": bands,
                "labels": {
                    "outer": _("5th to 95th percentile"),
                    "inner": _("25th to 75th percentile"),
                    "median": _("Median"),
                },
            }
        )
        page.charts.append(
            Chart(
                chart_id,
                _("PAYG cost rate: %(scenario)s") % {"scenario": name},
                _(
                    "Spread of the pension's PAYG cost rate over %(runs)s stochastic runs: the light band holds 90%% "
                    "of the runs, the dark band the middle half, the line is the median."
                )
                % {"runs": data["runs"]},
                [_("Percentile %(p)s") % {"p": p} for p in percentiles],
                [(y, [_percent(bands[f"p{p}"][i]) for p in percentiles]) for y, i in zip(keys, at, strict=True)],
            )
        )
    page.chart_data = {"years": years, "charts": specs}


def _tr(text: str) -> str:
    """A scenario's title from its YAML, in the reader's language where the catalogue has it."""
    return _(text) if text else ""
