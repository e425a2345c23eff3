"""Projection scenarios: a YAML file of assumptions and amendments to the rules' own parameters.

A scenario may ``extends:`` another file (a path relative to itself): its mappings are merged key by key
and everything else is replaced. A value that changes over time is written ``{year: value}`` (it holds
from that year to the next key). ``rules:`` amends rule parameters of ``socsec.rules`` by date::

    rules:
      pension.employer_rate: {2030-01-01: 0.14}

so that administration and projection read one set of parameters; the projection reads the amended copy.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from socsec.rules.parameters import ParameterError, ParameterNode, load_parameters, to_day

from .inputs import InputError, Located, Section, load_yaml, merge

SCENARIO_DIR = Path(__file__).parent / "scenarios"
FORMS = ("standard", "platform", "self_employed")
STOCHASTIC_VARIABLES = ("mortality_improvement", "fertility", "wage_growth", "return")


@dataclass
class Scenario:
    """A loaded scenario: its merged YAML tree and the rule parameters it projects with."""

    name: str
    file: Path
    data: Located
    params: ParameterNode
    description: str = ""
    amended: list[str] = field(default_factory=list)

    @property
    def root(self) -> Section:
        return Section(self.data, "")

    @property
    def base_dir(self) -> Path:
        return self.file.parent

    def years(self) -> npt.NDArray[np.int64]:
        root = self.root
        start = int(root.number("start_year", low=1900, high=2200))
        horizon = int(root.number("horizon_years", low=1, high=300))
        return np.arange(start, start + horizon, dtype=np.int64)


def _load_tree(path: Path, seen: tuple[Path, ...] = ()) -> Located:
    path = path.resolve()
    if path in seen:
        raise InputError("scenarios extend each other in a loop", file=path, field="extends")
    data = load_yaml(path)
    parent = data.get("extends")
    if parent:
        base = _load_tree((path.parent / str(parent)), (*seen, path))
        data = _merge_child(base, data)
    return data


def _merge_child(base: Located, child: Located) -> Located:
    trimmed = Located({k: v for k, v in child.items() if k != "extends"})
    trimmed.origin = {k: v for k, v in child.origin.items() if k != "extends"}
    trimmed.file, trimmed.line = child.file, child.line
    return merge(base, trimmed)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario file (and the files it extends) and amend a copy of the rule parameters."""
    file = Path(path)
    if not file.is_file() and (SCENARIO_DIR / file).is_file():
        file = SCENARIO_DIR / file
    data = _load_tree(file)
    root = Section(data, "")
    params, amended = _amended_parameters(root)
    name = str(data.get("name") or file.stem)
    return Scenario(
        name=name,
        file=file.resolve(),
        data=data,
        params=params,
        description=str(data.get("description") or ""),
        amended=amended,
    )


def _amended_parameters(root: Section) -> tuple[ParameterNode, list[str]]:
    base = load_parameters()
    if not root.has("rules"):
        return base, []
    rules = root.section("rules")
    params = copy.deepcopy(base)
    amended = []
    for path, values in rules.data.items():
        try:
            leaf = params.leaf(path)
        except ParameterError as exc:
            raise rules.error(path, f"no rule parameter {path!r} ({exc})") from None
        if not isinstance(values, dict) or not values:
            raise rules.error(path, "expected {date: value, ...}")
        merged: dict[np.datetime64, Any] = dict(zip(list(leaf.starts), leaf.values, strict=True))
        for when, value in values.items():
            try:
                day = to_day(when if isinstance(when, dt.date | str) else str(when))
            except ValueError:
                raise rules.error(path, f"{when!r} is not a date (YYYY-MM-DD)") from None
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise rules.error(path, f"{when}: expected a number, got {value!r}")
            if value is not None and value < 0:
                raise rules.error(path, f"{when}: {value} is negative")
            merged[day] = value
        items = sorted(merged.items())
        leaf.starts = np.array([k for k, _ in items], dtype="datetime64[D]")
        leaf.values = [v for _, v in items]
        leaf._numeric = None
        amended.append(path)
    return params, amended


def shipped_scenarios() -> list[Path]:
    """The scenario files shipped with the package, baseline first."""
    files = sorted(SCENARIO_DIR.glob("*.yaml"))
    return sorted(files, key=lambda p: (p.stem != "baseline", p.stem))
