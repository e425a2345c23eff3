"""Bad input is refused with the file, the line (where there is one) and the field; nothing half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from socsec.actuarial import report
from socsec.actuarial.inputs import InputError
from socsec.actuarial.prepare import prepare
from socsec.actuarial.run import run_projection
from socsec.actuarial.scenario import SCENARIO_DIR, load_scenario

BASELINE = SCENARIO_DIR / "baseline.yaml"


def scenario(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {BASELINE}\n{body}")
    return path


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        prepare(load_scenario(path))
    return info.value


def test_an_age_table_that_misses_ages_is_refused(tmp_path):
    rows = ["age,male,female", *(f"{a},0.01,0.01" for a in range(110))]
    (tmp_path / "q.csv").write_text("\n".join(rows) + "\n")
    error = refused(scenario(tmp_path, "population:\n  mortality: q.csv\n"))
    assert (error.file, error.line, error.field) == (str(tmp_path / "q.csv"), None, "age")
    assert str(error) == f"{tmp_path / 'q.csv'}: age: the table must cover ages 0-110; missing 110"


def test_a_probability_above_one_names_file_line_and_column(tmp_path):
    rows = ["age,male,female", *(f"{a},0.01,{1.5 if a == 7 else 0.01}" for a in range(111))]
    (tmp_path / "q.csv").write_text("\n".join(rows) + "\n")
    error = refused(scenario(tmp_path, "population:\n  mortality: q.csv\n"))
    assert str(error) == f"{tmp_path / 'q.csv'}, line 9: female: 1.5 is a probability above 1"


def test_a_negative_rate_in_a_table_and_in_yaml(tmp_path):
    rows = ["age,male,female", *(f"{a},{-1 if a == 3 else 10},10" for a in range(111))]
    (tmp_path / "pop.csv").write_text("\n".join(rows) + "\n")
    error = refused(scenario(tmp_path, "population:\n  base: pop.csv\n"))
    assert str(error) == f"{tmp_path / 'pop.csv'}, line 5: male: -1.0 is negative"
    path = scenario(tmp_path, "long_term_care:\n  contribution_rate: {2025: 0.003, 2040: -0.01}\n")
    error = refused(path)
    assert (error.file, error.line, error.field) == (str(path), 3, "long_term_care.contribution_rate")
    assert error.message == "year 2040: -0.01 is negative"


def test_a_coverage_above_one_names_the_line(tmp_path):
    path = scenario(
        tmp_path,
        "labour:\n  forms:\n    platform: {share: 0.1, coverage: 1.2, density: 1, relative_wage: 1, base: wage}\n",
    )
    error = refused(path)
    assert str(error) == f"{path}, line 4: labour.forms.platform.coverage: 1.2 is a probability above 1"


def test_a_horizon_past_the_data(tmp_path):
    path = scenario(tmp_path, "population:\n  fertility_after_data: error\n")
    error = refused(path)
    assert error.field == "population.fertility"
    assert error.line == 1
    assert "the projection runs to 2124 but the table stops in 2100 (horizon past the data" in error.message


def test_a_missing_parameter(tmp_path):
    path = tmp_path / "short.yaml"
    text = BASELINE.read_text().replace("  return: {2025: 0.035}", "")
    path.write_text(text)
    error = refused(path)
    assert (error.file, error.field, error.message) == (str(path), "economy.return", "missing (required)")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("economy:"))
    assert error.line == line


def test_a_year_series_must_start_by_the_first_year(tmp_path):
    error = refused(scenario(tmp_path, "economy:\n  wage_growth: {2030: 0.04}\n"))
    assert (error.line, error.field) == (3, "economy.wage_growth")
    assert error.message == "no value for 2025 (first year given: 2030)"


def test_an_unknown_rule_parameter_and_a_missing_rule_value(tmp_path):
    with pytest.raises(InputError) as info:
        load_scenario(scenario(tmp_path, "rules:\n  pension.no_such_rate: {2030-01-01: 0.1}\n"))
    assert (info.value.line, info.value.field) == (3, "rules.pension.no_such_rate")
    error = refused(scenario(tmp_path, "rules:\n  pension.employer_rate: {2019-05-01: null}\n"))
    assert error.field == "rules.pension.employer_rate"
    assert error.message == "rule parameter pension.employer_rate has no value in 2025"


def test_undecided_pension_indexation_needs_the_scenario_assumption(tmp_path):
    # the rules have no pension increase from 2026 (not yet decided): without an assumption the
    # projection refuses rather than invent one
    error = refused(scenario(tmp_path, "pension:\n  indexation_beyond_rules: null\n"))
    assert error.field == "pension.indexation_beyond_rules"
    assert "benefits.pension.indexation_rate has no value in 2026" in error.message


def test_not_yaml_and_missing_files(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(InputError) as info:
        load_scenario(bad)
    assert info.value.file == str(bad) and info.value.line == 2
    error = refused(scenario(tmp_path, "population:\n  base: nowhere.csv\n"))
    assert (error.file, error.message) == (str(tmp_path / "nowhere.csv"), "file not found")


def test_a_correlation_matrix_that_is_not_positive_definite(tmp_path):
    body = (
        "stochastic:\n  correlation:\n    - [1, 0.99, 0.99, 0]\n    - [0.99, 1, -0.99, 0]\n"
        "    - [0.99, -0.99, 1, 0]\n    - [0, 0, 0, 1]\n"
    )
    error = refused(scenario(tmp_path, body))
    assert (error.line, error.field) == (3, "stochastic.correlation")
    assert error.message == "not positive definite (no Cholesky factor)"


def test_a_failed_report_leaves_the_output_folder_as_it_was(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier.txt").write_text("an earlier report")
    result = run_projection(["baseline.yaml"])

    def broken(result, folder):
        (folder / "half.png").write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "_charts", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        report.write_report(result, out)
    assert sorted(os.listdir(tmp_path)) == ["out"]
    assert sorted(os.listdir(out)) == ["earlier.txt"]


def test_bad_records_are_refused_with_their_line(tmp_path):
    records = tmp_path / "insured.csv"
    header = "sex,age,status,contribution_years,average_index,account_balance,pension\n"
    records.write_text(header + "male,40,active,10,1.0,10000,0\nmale,41,retired,0,0,0,100\n")
    path = scenario(tmp_path, "initial:\n  history: records\n  records: insured.csv\n")
    error = refused(path)
    assert str(error) == f"{records}, line 3: status: 'retired' is not active or pensioner"
    records.write_text(header + "female,30,active,-1,1.0,0,0\n")
    assert str(refused(path)) == f"{records}, line 2: contribution_years: -1.0 is negative"
    records.write_text(header + "female,30,active,5,1.0,0,0\n")
    path = scenario(tmp_path, "initial:\n  history: records\n  records: insured.csv\n  records_weight: 1.0e+9\n")
    error = refused(path)
    assert error.field == "initial.records"
    assert error.message.startswith("1,000,000,000 active women aged 30 in the records, more than the ")


def test_employment_form_shares_above_one_are_refused(tmp_path):
    path = scenario(tmp_path, "labour:\n  forms:\n    standard: {share: {2025: 0.62, 2030: 0.95}}\n")
    error = refused(path)
    assert (error.line, error.field) == (4, "labour.forms.standard")
    assert error.message == "the shares of the employment forms add up to more than 1 in 2030"


def test_a_key_given_twice_is_refused(tmp_path):
    path = scenario(tmp_path, "economy:\n  return: 0.03\neconomy:\n  return: 0.04\n")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}, line 4: economy: 'economy' twice (first on line 2)"
