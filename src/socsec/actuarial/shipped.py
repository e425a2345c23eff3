"""The shipped scenarios as the API and the supervisor page offer them: chosen by name (never a file path),
with the stochastic runs capped since a request runs synchronously. One check for both interfaces.

``run_shipped(["baseline", "funded_tier"], 200)`` checks the choice and runs it (the first is the
reference); a refused choice raises ``ChoiceRefused`` with the field and a stable ``problem`` code, so that
each interface words it in its own way (the API in English, the page in the reader's language).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .run import ProjectionResult, run_projection
from .scenario import load_scenario, shipped_scenarios

MAX_RUNS = 1000  # stochastic runs per request (the CLI has no cap)


@dataclass(frozen=True)
class ShippedScenario:
    key: str  # the file's stem: what a request names
    title: str
    description: str
    path: Path
    horizon_years: int


class ChoiceRefused(ValueError):
    """A choice of scenarios or runs that is refused before anything runs.

    ``problem`` is one of ``no_scenario``, ``unknown_scenario`` (``unknown`` lists the names) or
    ``runs_out_of_range``."""

    def __init__(self, message: str, *, field: str, problem: str, unknown: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problem = problem
        self.unknown = tuple(unknown)


@functools.cache
def shipped_scenario_list() -> tuple[ShippedScenario, ...]:
    """Every shipped scenario, baseline first, with its title and description (read once)."""
    out = []
    for path in shipped_scenarios():
        scenario = load_scenario(path)
        out.append(ShippedScenario(path.stem, scenario.name, scenario.description, path, len(scenario.years())))
    return tuple(out)


def checked_choice(names: Sequence[str], stochastic: int) -> list[Path]:
    """The files of the named shipped scenarios, in the order given; refuses unknown names, an empty
    choice and runs outside 0..MAX_RUNS."""
    shipped = {s.key: s.path for s in shipped_scenario_list()}
    unknown = [n for n in names if n not in shipped]
    if unknown:
        raise ChoiceRefused(
            f"unknown scenario(s) {', '.join(unknown)}; shipped: {', '.join(shipped)}",
            field="scenarios",
            problem="unknown_scenario",
            unknown=unknown,
        )
    if not names:
        raise ChoiceRefused("name at least one scenario", field="scenarios", problem="no_scenario")
    if not 0 <= stochastic <= MAX_RUNS:
        raise ChoiceRefused(
            f"stochastic runs must be 0 to {MAX_RUNS} here (the CLI has no cap)",
            field="stochastic",
            problem="runs_out_of_range",
        )
    return [shipped[n] for n in names]


def run_shipped(names: Sequence[str], stochastic: int) -> ProjectionResult:
    """Check the choice, then run the scenarios side by side (``InputError`` if a file is bad)."""
    return run_projection(checked_choice(names, stochastic), stochastic)
