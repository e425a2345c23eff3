"""YAML checks of the career calculator (``career.yaml``), run by the test suite."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from ..indicators import Career, career_pension
from ..inputs import InputError
from ..scenario import load_scenario

CHECK_DIR = Path(__file__).parent


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


def run_checks(path: Path = CHECK_DIR / "career.yaml") -> list[CheckOutcome]:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(cases, list):
        raise InputError("expected a list of checks", file=path)
    known = {f.name for f in fields(Career)}
    outcomes = []
    for case in cases:
        name = str(case.get("name", "?"))
        inputs: dict[str, Any] = dict(case.get("career") or {})
        unknown = set(inputs) - known
        if unknown:
            raise InputError(f"unknown career input(s) {', '.join(sorted(unknown))}", file=path, field=name)
        result = career_pension(load_scenario(case["scenario"]), Career(**inputs)).as_dict()
        margin = float(case.get("absolute_error_margin", 0.0))
        failures = []
        for key, expected in (case.get("output") or {}).items():
            if key not in result:
                raise InputError(f"unknown output {key!r}", file=path, field=name)
            if abs(result[key] - float(expected)) > margin:
                failures.append(f"{key}: expected {expected}, got {result[key]!r}")
        outcomes.append(CheckOutcome(name, failures))
    return outcomes
