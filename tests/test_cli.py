"""The `socsec` command, run as a user runs it (a subprocess), on its own SQLite file."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

# These run the `socsec` command in subprocesses on their own SQLite files, whatever DATABASE_URL says;
# the PostgreSQL pass of the suite would repeat them unchanged.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")

SOCSEC = [sys.executable, "-m", "socsec.cli"]


def run(*args: str, var: Path | None = None, check: bool = True, **extra_env: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | extra_env
    if var is not None:
        env["SOCSEC_VAR_DIR"] = str(var)
    return subprocess.run([*SOCSEC, *args], capture_output=True, text=True, env=env, check=check, timeout=300)


def test_rules_list_names_every_formula_with_its_basis():
    out = run("rules", "list", "--json").stdout
    formulas = {f["name"]: f for f in json.loads(out)}
    assert formulas["contribution_base"]["reference"].startswith("Social Insurance Law")
    assert formulas["contribution_base"]["rounding"] == "to the cent, halves away from zero, once per output row"
    assert "coverage_oip" in run("rules", "list").stdout


def test_rules_calc_explains_one_case():
    result = run(
        "rules",
        "calc",
        "contribution_base",
        "--on",
        "2026-01-15",
        "--set",
        "region=440300",
        "--set",
        "declared_base=300000",
        "--json",
    )
    body = json.loads(result.stdout)
    assert body["value"] == 654300
    assert body["steps"][0]["parameters"][0]["path"] == "contribution.base_floor_ratio"
    text = run(
        "rules",
        "calc",
        "statutory_retirement_age_months",
        "--on",
        "2026-01-01",
        "--set",
        "birth_date=1970-05-20",
        "--set",
        "sex=F",
        "--set",
        "retirement_group=WOMEN_55",
    ).stdout
    assert text.splitlines()[0] == "statutory_retirement_age_months = 662 [months]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rules", "calc", "nope"], "no formula named 'nope'"),
        (["rules", "calc", "contribution_base", "--set", "colour=red"], "has no input 'colour'"),
        (["rules", "calc", "age_months", "--set", "birth_date=yesterday"], "cannot read 'yesterday' as date"),
        (["rules", "calc", "age_months", "--set", "birth_date"], "expected key=value"),
    ],
)
def test_rules_calc_refuses_bad_input_clearly(args, message):
    result = run(*args, check=False)
    assert result.returncode == 2
    assert message in result.stderr


def test_rules_test_runs_the_scenarios():
    result = run("rules", "test")
    assert result.stdout.strip().splitlines()[-1].endswith("passed, 0 failed")


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_demo_loads_once_and_a_rerun_changes_nothing(tmp_path, demo_var):
    demo_var.copy_to(tmp_path)  # the first load: `socsec demo --no-serve --workers 150`, run once
    first = demo_var.output
    assert "Demo pilot loaded" in first
    assert "API token for platform swiftride (shown once): ss_" in first
    # the employers' month handed to the stand-in tax exchange and its results in: one driver unpaid
    collected = "2 documents confirmed by the tax exchange, 23 employees paid (1 late, by a later receipt), 0 unpaid"
    assert collected in first
    db = tmp_path / "socsec.sqlite3"
    counts = [_count(db, t) for t in ("registry_person", "registry_engagement", "audit_auditentry")]
    # the workers, the demo's retiree, unemployed worker and care recipient, and the employers' 24 employees
    assert counts[0] == 150 + 3 + 24 + 1  # and the driver who moves his pension between provinces
    second = run("demo", "--no-serve", "--workers", "150", var=tmp_path)
    assert "already loaded (nothing changed)" in second.stdout and collected in second.stdout
    assert [_count(db, t) for t in ("registry_person", "registry_engagement", "audit_auditentry")] == counts


def test_demo_killed_in_the_middle_leaves_nothing_half_written(tmp_path, migrated_var):
    migrated_var.copy_to(tmp_path)  # the demo's own first step, `socsec migrate`, run once
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SOCSEC_VAR_DIR"] = str(tmp_path)
    proc = subprocess.Popen(
        [*SOCSEC, "demo", "--no-serve", "--workers", "1500"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    db = tmp_path / "socsec.sqlite3"
    assert proc.stdout is not None
    for line in proc.stdout:  # kill it once it is inside the register's transaction
        if "loading the register" in line:
            time.sleep(1.0)
            break
    killed_while_running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert killed_while_running, "the demo finished before it could be killed"
    people = _count(db, "registry_person") if _has_table(db, "registry_person") else 0
    assert people in (0, 1500), "a killed load must leave all or nothing"
    rerun = run("demo", "--no-serve", "--workers", "1500", var=tmp_path)
    assert "Demo pilot" in rerun.stdout
    assert (
        _count(db, "registry_person") == 1500 + 3 + 24 + 1
    )  # the three benefit stories, the employers' staff, the driver who moves


def _has_table(db: Path, table: str) -> bool:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone() is not None


def test_create_officer(tmp_path, migrated_var):
    migrated_var.copy_to(tmp_path)  # `socsec migrate`, run once
    password = "a long enough password"
    result = run("create-officer", "chen", "--role", "auditor", var=tmp_path, SOCSEC_PASSWORD=password)
    assert result.stdout.strip() == "created auditor chen"
    again = run("create-officer", "chen", var=tmp_path, check=False, SOCSEC_PASSWORD=password)
    assert (again.returncode, again.stderr.strip()) == (2, "error: user 'chen' already exists")


def test_rules_calc_refuses_an_adjustment_outside_the_bounds():
    result = run(
        "rules",
        "calc",
        "oip_per_order_amount",
        "--set",
        "sector=RIDE_HAILING",
        "--set",
        "adjustment_steps=-6",
        check=False,
    )
    assert (result.returncode, result.stderr.strip()) == (
        2,
        "error: an adjustment of -6 steps is outside +/-5 steps (+/-50% of the sector baseline)",
    )


def test_credit_interest(tmp_path, migrated_var):
    migrated_var.copy_to(tmp_path)  # `socsec migrate`, run once
    done = run("credit-interest", "--year", "2024", var=tmp_path)
    assert (
        done.stdout.strip()
        == "interest 2024: 0 individual account(s) credited, 0.00 yuan; 0 credited before (unchanged)"
    )
    refused = run("credit-interest", "--year", "2025", var=tmp_path, check=False)
    assert refused.returncode == 2
    assert "no credited interest rate for 2025" in refused.stderr


def test_quality_check_and_coverage_refresh_stats(tmp_path, migrated_var):
    migrated_var.copy_to(tmp_path)
    checked = run("quality", "check", "--on", "2026-05-01", var=tmp_path)
    assert checked.stdout == "quality run 1 on 2026-05-01: 0 findings\n"
    kept = run("coverage", "refresh-stats", "--month", "2026-04", var=tmp_path)
    assert re.fullmatch(r"effective coverage of 2026-04: 0 cells kept, counted in \d+ ms\n", kept.stdout)
    refused = run("coverage", "refresh-stats", "--month", "2026-13", var=tmp_path, check=False)
    assert refused.returncode == 2 and "'2026-13' is not a month (YYYY-MM)" in refused.stderr


def test_coverage_refresh_counts(tmp_path, migrated_var):
    migrated_var.copy_to(tmp_path)
    done = run("coverage", "refresh-counts", "--on", "2026-05-01", var=tmp_path)
    assert done.stdout.startswith("coverage counts on 2026-05-01: 0 persons, 0 engagements in force, counted in ")
    refused = run("coverage", "refresh-counts", "--on", "1960-01-01", var=tmp_path, check=False)
    assert (refused.returncode, refused.stderr.strip()) == (
        2,
        "error: on: coverage cannot be decided on 1960-01-01: a rule it needs was not in force yet.",
    )


def test_bench_assess_prints_the_figures_as_one_json_line():
    result = run("bench", "assess", "--orders", "3000", "--repeat", "1", "--threads", "1")
    (line,) = result.stdout.splitlines()
    figures = json.loads(line)
    assert {"orders", "seconds", "orders_per_s", "ratio_vs_raw_duckdb", "peak_rss_mb"} <= set(figures)
    assert figures["orders"] == 3000
    # one late day's batch is the largest platform's (40 of the day's 100 orders); every platform's too
    assert (figures["late_day_orders"], figures["late_day_all_platforms_orders"]) == (40, 100)
    assert (figures["raw_equals_lines"], figures["late_day_equals_full_rerun"]) == (True, True)
    assert figures["all_platforms_late_day_equals_full_rerun"] is True
    assert (figures["repeat"], figures["threads"], len(figures["rounds"])) == (1, 1, 1)


def test_bench_assess_refuses_no_orders():
    result = run("bench", "assess", "--orders", "0", check=False)
    message = "error: --orders, --repeat, --workers and --platforms must be at least 1"
    assert (result.returncode, result.stderr.strip()) == (2, message)


def test_assess_reports_its_steps_on_stderr_when_not_a_terminal(tmp_path, migrated_var):
    migrated_var.copy_to(tmp_path)  # `socsec migrate`, run once
    result = run("assess", "--month", "2026-04", var=tmp_path)
    assert "nothing new to invoice" in result.stdout
    steps = result.stderr.splitlines()
    assert steps[:-1] == ["[1/5] read files", "[2/5] aggregate", "[3/5] price"]  # nothing to write or record
    assert re.fullmatch(r"\[done\] \d+\.\d s", steps[-1])


def test_step_bar_redraws_one_line_on_a_terminal():
    from socsec.cli.assess import ASSESS_STEPS
    from socsec.cli.progress import StepBar

    stream = io.StringIO()
    ticks = iter([0.0, 0.5, 1.25, 2.0, 3.5])
    bar = StepBar(ASSESS_STEPS, stream, tty=True, clock=lambda: next(ticks))
    bar("read")
    bar("aggregate")
    bar("unknown step")  # ignored
    bar("price")
    bar.finish()
    assert stream.getvalue().split("\r") == [
        "",
        "[------------------------]   1/5 read files      0.5 s",
        "[#####-------------------]   2/5 aggregate       1.2 s",
        "[##########--------------]   3/5 price           2.0 s",
        "[########################]  done                 3.5 s\n",
    ]


def test_rules_check_names_a_missing_yearly_figure():
    missing = run("rules", "check", "--on", "2027-03-01", check=False)
    assert missing.returncode == 1
    assert missing.stdout.splitlines() == [
        "missing: the 2026 value of yearly figure benefits.national.urban_disposable_income_per_capita is not "
        "entered: oip_death_lump_sum, work_injury_death_lump_sum refuse an event in 2027 until it is (NBS Statistical "
        "Communique on the 2023 National Economic and Social Development (51,821 yuan); NBS Statistical Communique "
        "on the 2024 National Economic and Social Development (54,188 yuan); policy-facts.md section 2 (2023, "
        "2024); NBS release of January 2026 on 2025 residents' income and consumption (56,502 yuan, as reported; "
        "not in policy-facts.md))"
    ]
    entered = run("rules", "check", "--on", "2026-03-01")
    assert entered.stdout == "every yearly figure of 2025 is entered\n"
    assert run("rules", "check", "--on", "2026-13-01", check=False).returncode == 2
