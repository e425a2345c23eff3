"""``socsec project`` end to end (small stochastic run) and the purity of the package."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

from socsec.cli import main


def test_project_writes_tables_charts_and_a_self_contained_report(tmp_path, capsys):
    out = tmp_path / "report"
    code = main(
        [
            "project",
            "--scenario",
            "baseline.yaml",
            "--compare",
            "platform_mandatory.yaml",
            "--stochastic",
            "20",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    files = sorted(os.listdir(out))
    assert files == sorted(
        [
            "fan_1.png",
            "fan_2.png",
            "indicators.csv",
            "injury_reserve_ratio.png",
            "long_term_care_reserve_ratio.png",
            "old_age_dependency_ratio.png",
            "pension_cost_rate.png",
            "pension_reserve_ratio.png",
            "pensioners.png",
            "population.png",
            "replacement_rates.csv",
            "report.html",
            "stochastic_percentiles.csv",
            "summary.csv",
            "system_dependency_ratio.png",
            "unemployment_reserve_ratio.png",
        ]
    )
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 11
    assert "Baseline (current law)" in html and "Mandatory pension coverage of platform workers from 2027" in html
    assert 'src="http' not in html
    with (out / "summary.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [r["scenario"] for r in rows] == [
        "Baseline (current law)",
        "Mandatory pension coverage of platform workers from 2027",
    ]
    assert {r["stochastic_runs"] for r in rows} == {"20"}
    with (out / "indicators.csv").open() as f:
        assert sum(1 for _ in csv.DictReader(f)) == 200
    printed = capsys.readouterr().out
    assert f"wrote 16 files to {out}" in printed
    assert sorted(os.listdir(tmp_path)) == ["report"]  # no temporary folder left


def test_project_reports_bad_input_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: baseline.yaml\n")
    out = tmp_path / "report"
    assert main(["project", "--scenario", str(bad), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'baseline.yaml'}: file not found\n"
    assert not out.exists()


def test_the_actuarial_package_never_imports_django_or_the_web_layers():
    code = (
        "import sys, socsec.actuarial.run as r, socsec.actuarial.report, socsec.actuarial.indicators; "
        "r.run_projection(['baseline.yaml'], 2); "
        "bad = [m for m in sys.modules if m.startswith(('django', 'socsec.web', 'socsec.api', 'socsec.registry', "
        "'socsec.coverage', 'socsec.contributions', 'socsec.pension_accounts', 'socsec.accounts', 'socsec.audit', "
        "'socsec.ledger', "
        "'matplotlib'))]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
