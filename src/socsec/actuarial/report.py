"""Writes a projection's tables (CSV), charts (PNG, matplotlib's Agg backend) and one self-contained
HTML report (the PNGs inlined as base64) into a folder.

Everything is written into a fresh temporary folder beside the target first and moved into place at the
end, so the target folder never holds a half-written report: it is either left as it was or replaced.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from socsec.core.csvsafe import csv_cell

from .run import PERCENTILES, ProjectionResult

CHARTS = (
    ("pension_cost_rate", "Pension: PAYG cost rate (expenditure / insurable earnings)", "ratio"),
    ("pension_reserve_ratio", "Pension: reserve ratio (closing reserve / expenditure)", "ratio"),
    ("system_dependency_ratio", "System dependency ratio (pensioners / contributors)", "ratio"),
    ("old_age_dependency_ratio", "Old-age dependency ratio (65+ / 15-64)", "ratio"),
    ("population", "Population (millions)", "millions"),
    ("pensioners", "Pensioners (millions)", "millions"),
    ("injury_reserve_ratio", "Occupational injury (OIP): reserve ratio", "ratio"),
    ("unemployment_reserve_ratio", "Unemployment: reserve ratio", "ratio"),
    ("long_term_care_reserve_ratio", "Long-term care: reserve ratio", "ratio"),
)
FAN_CHARTS = (
    ("pension_cost_rate", "PAYG cost rate"),
    ("pension_reserve_ratio", "reserve ratio"),
    ("system_dependency_ratio", "system dependency ratio"),
)
KEY_YEARS = (2025, 2030, 2040, 2050, 2060, 2075, 2100, 2124)


def write_report(result: ProjectionResult, out: str | Path) -> list[str]:
    """Write everything into ``out`` (created or replaced whole). Returns the file names written."""
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a folder")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        names = _write_all(result, staging)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.rename(target, old / "previous")
            os.rename(staging, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return names


def _write_all(result: ProjectionResult, folder: Path) -> list[str]:
    names = []
    tables = result.to_tables()
    for name, rows in tables.items():
        _write_csv(folder / f"{name}.csv", rows)
        names.append(f"{name}.csv")
    charts = _charts(result, folder)
    names.extend(charts)
    (folder / "report.html").write_text(_html(result, tables, folder, charts), encoding="utf-8")
    names.append("report.html")
    return names


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    """One table as CSV: the columns in the order they first appear, an empty cell for None."""
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writerow({k: csv_cell(k) for k in columns})
    for row in rows:
        writer.writerow({k: ("" if v is None else csv_cell(v)) for k, v in row.items()})
    return out.getvalue()


def _write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    path.write_text(csv_text(rows), encoding="utf-8", newline="")


def _charts(result: ProjectionResult, folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    for key, title, unit in CHARTS:
        fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=90)
        for r in result.scenarios:
            values = r.indicators[key] / (1e6 if unit == "millions" else 1.0)
            ax.plot(r.projection.years, values, label=r.name, linewidth=1.4)
        if key == "pension_cost_rate":
            base = result.scenarios[0]
            ax.plot(
                base.projection.years,
                base.indicators["pension_contribution_rate"],
                "k--",
                linewidth=0.8,
                label="contribution rate (reference)",
            )
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
        fig.tight_layout()
        name = f"{key}.png"
        fig.savefig(folder / name)
        plt.close(fig)
        names.append(name)
    for i, r in enumerate(result.scenarios):
        if not r.fan:
            continue
        fig, axes = plt.subplots(1, len(FAN_CHARTS), figsize=(11, 3.4), dpi=90)
        for ax, (key, label) in zip(axes, FAN_CHARTS, strict=True):
            fan = r.fan[key]
            years = r.projection.years
            ax.fill_between(years, fan[0], fan[4], alpha=0.2, color="C0", label="5-95%")
            ax.fill_between(years, fan[1], fan[3], alpha=0.4, color="C0", label="25-75%")
            ax.plot(years, fan[2], color="C0", linewidth=1.2, label="median")
            ax.plot(years, r.indicators[key], "k--", linewidth=0.8, label="deterministic")
            ax.set_title(label, fontsize=9)
            ax.grid(alpha=0.3)
        axes[0].legend(fontsize=7)
        fig.suptitle(f"{r.name}: {r.stochastic_summary.get('stochastic_runs', 0)} stochastic runs", fontsize=10)
        fig.tight_layout()
        name = f"fan_{i + 1}.png"
        fig.savefig(folder / name)
        plt.close(fig)
        names.append(name)
    return names


def _img(folder: Path, name: str) -> str:
    data = base64.b64encode((folder / name).read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(name)}" src="data:image/png;base64,{data}">'


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not np.isfinite(value):
            return "-"
        if abs(value) >= 1e6:
            return f"{value:,.0f}"
        return f"{value:.4f}" if abs(value) < 10 else f"{value:,.1f}"
    return html.escape(str(value))


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html(result: ProjectionResult, tables: dict[str, list[dict[str, Any]]], folder: Path, charts: list[str]) -> str:
    scen = result.scenarios
    names = [r.name for r in scen]
    summary_keys = [k for k in tables["summary"][0] if k not in ("scenario", "file")]
    for row in tables["summary"][1:]:
        summary_keys.extend(k for k in row if k not in summary_keys and k not in ("scenario", "file"))
    summary = _table(["indicator", *names], [[k, *(row.get(k) for row in tables["summary"])] for k in summary_keys])
    years = [y for y in KEY_YEARS if result.years[0] <= y <= result.years[-1]]
    side = []
    for key in (
        "population",
        "contributors",
        "pensioners",
        "system_dependency_ratio",
        "pension_contribution_rate",
        "pension_cost_rate",
        "pension_income",
        "pension_expenditure",
        "pension_reserve",
        "pension_reserve_ratio",
        "injury_reserve_ratio",
        "unemployment_reserve_ratio",
        "long_term_care_reserve_ratio",
        "funded_tier_reserve",
    ):
        rows = [[y, *(float(r.indicators[key][y - int(r.projection.years[0])]) for r in scen)] for y in years]
        side.append(f"<h3>{html.escape(key)}</h3>" + _table(["year", *names], rows))
    rr = tables["replacement_rates"]
    rr_html = _table(
        ["scenario", "birth cohort", "men", "women", "gender gap"],
        [[r["scenario"], r["birth_cohort"], r["men"], r["women"], r["gender_gap"]] for r in rr],
    )
    images = "".join(f"<figure>{_img(folder, c)}</figure>" for c in charts if not c.startswith("fan_"))
    fans = "".join(f"<figure>{_img(folder, c)}</figure>" for c in charts if c.startswith("fan_"))
    fan_note = (
        f"<p>Percentiles {', '.join(str(p) for p in PERCENTILES)} over {result.runs} runs per scenario.</p>"
        if result.runs
        else "<p>No stochastic runs (use --stochastic N).</p>"
    )
    descriptions = "".join(
        f"<li><b>{html.escape(r.name)}</b> ({html.escape(r.scenario.file.name)}): {html.escape(r.scenario.description)}"
        + (f" Amended rule parameters: {html.escape(', '.join(r.scenario.amended))}." if r.scenario.amended else "")
        + "</li>"
        for r in scen
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SocSec actuarial projection</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }}
table {{ border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.85rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
figure {{ display: inline-block; margin: 0.3rem; }} img {{ max-width: 100%; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr)); gap: 0.5rem; }}
</style></head><body>
<h1>Actuarial projection: {result.years[0]}-{result.years[-1]}</h1>
<p>Aggregate projection in yuan (float, not ledger money). Contributions and benefits use the rule parameters
of <code>socsec.rules</code>, amended by each scenario. Assumptions and sources: the scenario files and
<code>socsec/actuarial/data/README.md</code>.</p>
<ul>{descriptions}</ul>
<h2>Summary, side by side</h2>{summary}
<h2>Charts</h2><div class="grid">{images}</div>
<h2>Uncertainty (fan charts)</h2>{fan_note}{fans}
<h2>Key years, side by side</h2><div class="grid">{"".join(side)}</div>
<h2>Replacement rates of new pensioners by birth cohort and sex</h2>
<p>Average first pension / average wage of the year of retirement; gender gap = 1 - women / men.</p>{rr_html}
</body></html>
"""
