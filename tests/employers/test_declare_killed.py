"""A declaration killed (SIGKILL) in the middle - some lines written, or everything written but not yet
committed - leaves nothing: no declaration, no line, no amount; sent again, it completes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.contributions.test_ingest_killed import query

pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite subprocess tests run once")
MONTH = "2026-06"  # a month the demo did not declare


def declare(var: Path, payroll: Path, fault: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SOCSEC_FAULT")}
    env |= {"SOCSEC_VAR_DIR": str(var)} | ({"SOCSEC_FAULT": fault} if fault else {})
    command = ["employers", "declare", str(payroll), "--employer", "kuaida-station", "--month", MONTH]
    return subprocess.run([sys.executable, "-m", "socsec.cli", *command], env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def stored(var: Path) -> tuple[int, int, int]:
    month = (MONTH,)
    return (
        query(var, "SELECT count(*) FROM employers_payrolldeclaration WHERE month = ?", *month)[0][0],
        query(var, "SELECT count(*) FROM employers_payrollline l JOIN employers_payrolldeclaration d "
                   "ON d.id = l.declaration_id WHERE d.month = ?", *month)[0][0],
        query(var, "SELECT count(*) FROM employers_employercontribution WHERE month = ?", *month)[0][0],
    )  # fmt: skip


def test_the_demo_employers_declared_last_month(demo_var):
    rows = query(
        demo_var.source,
        "SELECT o.code, d.status, d.rows_valid, d.rows_invalid, d.assessed_at IS NOT NULL"
        " FROM employers_payrolldeclaration d JOIN registry_organisation o ON o.id = d.employer_id ORDER BY o.code",
    )
    assert [(code, status, invalid, assessed) for code, status, _valid, invalid, assessed in rows] == [
        ("kuaida-station", "ACCEPTED", 1, 1),
        ("yuntong-fleet", "ACCEPTED", 0, 1),
    ]
    assert query(demo_var.source, "SELECT count(*) FROM employers_employercontribution")[0][0] == 6 * sum(
        valid for _c, _s, valid, _i, _a in rows
    )


@pytest.mark.parametrize("fault", ["employers.declare.lines", "employers.declare.commit"])
def test_a_declaration_killed_half_way_leaves_nothing_and_its_resend_completes(tmp_path, demo_var, fault):
    var = demo_var.copy_to(tmp_path / "var")
    employees = query(
        var,
        "SELECT e.person_id FROM registry_engagement e JOIN registry_organisation o ON o.id = e.organisation_id"
        " WHERE o.code = 'kuaida-station' ORDER BY e.id",
    )
    payroll = tmp_path / "payroll.csv"
    payroll.write_text("person_id,wage_cents\n" + "".join(f"{p},800000\n" for (p,) in employees))
    killed = declare(var, payroll, fault)
    assert killed.returncode == -9, killed.stderr
    assert stored(var) == (0, 0, 0)
    again = declare(var, payroll)
    assert again.returncode == 0, again.stderr
    assert f"rows {len(employees)}, valid {len(employees)}, invalid 0" in again.stdout
    assert stored(var) == (1, len(employees), 6 * len(employees))
