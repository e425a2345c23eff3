"""YAML scenario tests in OpenFisca's format, readable by a policy officer::

    - name: Shenzhen - a declared base under the floor is raised to 60% of the average wage
      period: 2026-01-15
      input:
        region: "440300"
        declared_base: 300000
      output:
        contribution_base: 654300

Each output key names a formula; it is computed for the period (a date) from the inputs it declares,
and must equal the expected value exactly (or within ``absolute_error_margin`` when given).
A coverage formula may be expected as its reason code or as its status name (``MANDATORY`` ...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .coverage import REASONS
from .engine import calc, get_formula

SCENARIO_DIR = Path(__file__).parent / "scenarios"


@dataclass(frozen=True)
class Scenario:
    name: str
    file: str
    period: dt.date
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    margin: float = 0.0


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


class ScenarioFileError(ValueError):
    pass


def load_scenarios(directory: Path = SCENARIO_DIR) -> Iterator[Scenario]:
    for path in sorted(directory.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(cases, dict):
            cases = [cases]
        if not isinstance(cases, list):
            raise ScenarioFileError(f"{path.name}: expected a list of scenarios")
        for i, case in enumerate(cases):
            missing = {"name", "period", "input", "output"} - set(case or {})
            if missing:
                raise ScenarioFileError(f"{path.name} case {i + 1}: missing {', '.join(sorted(missing))}")
            period = case["period"]
            yield Scenario(
                name=str(case["name"]),
                file=path.name,
                period=period if isinstance(period, dt.date) else dt.date.fromisoformat(str(period)),
                inputs=dict(case["input"] or {}),
                outputs=dict(case["output"]),
                margin=float(case.get("absolute_error_margin", 0)),
            )


def run_scenario(scenario: Scenario) -> Outcome:
    failures: list[str] = []
    for name, expected in scenario.outputs.items():
        try:
            formula = get_formula(name)
            inputs = {k: v for k, v in scenario.inputs.items() if k in formula.inputs}
            actual = calc(name, on=scenario.period, **inputs).value
        except Exception as exc:  # a scenario reports, it does not crash the run
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        if formula.unit == "code" and isinstance(expected, str) and int(actual) in REASONS:
            actual = REASONS[int(actual)].status.name
        if isinstance(expected, int | float) and not isinstance(expected, bool) and not isinstance(actual, str):
            ok = abs(float(actual) - float(expected)) <= scenario.margin
        else:
            ok = actual == expected
        if not ok:
            failures.append(f"{name}: expected {expected!r}, got {actual!r}")
    return Outcome(scenario, failures)
