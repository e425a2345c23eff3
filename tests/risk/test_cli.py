"""``socsec risk``: the rules' cases, the rules on a day, a screening of the whole database."""

from __future__ import annotations

from socsec.cli import main
from socsec.risk.models import RiskCase, ScreeningRun

from .test_screening import planted  # noqa: F401  (the fixture)


def test_risk_test_runs_every_case(capsys):
    assert main(["risk", "test"]) == 0
    assert capsys.readouterr().out == "17 passed, 0 failed\n"


def test_risk_rules_prints_each_rule_with_its_parameters(capsys):
    assert main(["risk", "rules", "--on", "2026-04-01"]) == 0
    out = capsys.readouterr().out
    assert out.count(" (in force, score ") == 8
    assert "    grace_months = 0: months after the month of death still paid without a hit" in out


def test_risk_screen_keeps_the_cases(world, planted, capsys):  # noqa: F811
    assert main(["risk", "screen", "--on", "2026-04-01"]) == 0
    run = ScreeningRun.objects.get()
    assert capsys.readouterr().out == (
        f"screened {run.rows} rows with 8 rules on 2026-04-01 in {run.seconds:.2f} s: 5 hits, 5 new cases\n"
    )
    assert (run.trigger, RiskCase.objects.count()) == ("COMMAND", 5)
