"""What a formula sees while it runs: the :class:`Context` (parameter look-ups, calls to other formulas, and
what it used when tracing), :func:`run` (one formula over arrays: its inputs checked, its result made whole or
rounded by its declared rule) and :func:`explained` (the explanation of a run's first row). It imports the
registry, not the engine: the formula modules import it."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .explanation import Explanation
from .parameters import ParameterNode, ResolvedValue
from .registry import INTEGER_UNITS, Array, Formula, RuleViolation, registered
from .rounding import ROUNDING


class Context:
    """What a formula sees: parameters and other formulas. Records what it used when tracing."""

    def __init__(self, params: ParameterNode, *, trace: bool = False) -> None:
        self.params = params
        self.trace = trace
        self.used: list[ResolvedValue] = []
        self.steps: list[Explanation] = []

    def _record(self, path: str, on: Any) -> None:
        if self.trace:
            resolved = self.params.leaf(path).resolve(on)
            if resolved not in self.used:
                self.used.append(resolved)

    def at(self, path: str, dates: Array) -> npt.NDArray[np.float64]:
        """A leaf's value on each date (NaN where it has none)."""
        dates = np.asarray(dates, dtype="datetime64[D]")
        values = self.params.leaf(path).at(dates)
        if self.trace and dates.size and not np.isnan(values[0]):
            self._record(path, dates[0])
        return values

    def by_key(self, path: str, keys: Array, dates: Array, *, default: float = np.nan) -> npt.NDArray[np.float64]:
        """Child ``keys[i]`` of node ``path`` on ``dates[i]`` (``default`` where there is none)."""
        values = self.params.vector(path, keys, dates, default=default)
        if self.trace and np.size(keys):
            key = str(np.asarray(keys).reshape(-1)[0])
            node = self.params.node(path)
            if key in node.children:
                day = np.asarray(dates, dtype="datetime64[D]").reshape(-1)[0]
                with contextlib.suppress(LookupError):  # no value on that date: the default was used
                    self._record(node.children[key].path, day)
        return values

    def formula(self, name: str, on: Array, **inputs: Array) -> Array:
        f = registered(name)
        if not self.trace:
            return run(f, self, on, inputs)
        child = Context(self.params, trace=True)
        result = run(f, child, on, inputs)
        self.steps.append(explained(f, on, inputs, result, child.used, child.steps))
        return result


def run(f: Formula, ctx: Context, on: Array, inputs: Mapping[str, Array]) -> Array:
    """Run a formula over arrays (one row per case) in a context: its inputs checked, a value in whole units
    made whole (a missing parameter refused), one in cents rounded by its rule."""
    f.check_inputs(inputs)
    result = f.function(ctx, on=np.asarray(on, dtype="datetime64[D]"), **inputs)
    values = np.asarray(result)
    if f.unit == "cents_exact":
        values = values.astype(np.float64)
    if (f.unit in INTEGER_UNITS or f.unit == "cents_exact") and values.dtype.kind == "f":
        absent = ~np.isfinite(values)
        if absent.any():
            row = int(np.flatnonzero(absent)[0])
            day = np.asarray(on, dtype="datetime64[D]").reshape(-1)
            raise RuleViolation(
                f"{f.name}: no value on {day[min(row, day.size - 1)]} for row {row + 1} - a parameter it needs "
                "has no value for that date or region"
            )
        if f.unit == "cents_exact":  # rounded by compute_totals, once per total
            exact: Array = np.round(values.astype(np.float64), 6)
            return exact
        if f.rounding:
            return ROUNDING[f.rounding][1](values.astype(np.float64))
        return values.astype(np.int64)
    if f.rounding:
        return ROUNDING[f.rounding][1](values.astype(np.float64))
    return np.asarray(result)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def explained(
    f: Formula,
    on: Array,
    inputs: Mapping[str, Array],
    result: Array,
    parameters: Sequence[ResolvedValue],
    steps: Sequence[Explanation],
) -> Explanation:
    """The explanation of the first row of ``on``, ``inputs`` and ``result``."""
    value = _plain(np.asarray(result).reshape(-1)[0])
    shown_inputs = {"on": _plain(np.asarray(on, dtype="datetime64[D]").reshape(-1)[0].astype(dt.date))}
    for k, v in inputs.items():
        item = np.asarray(v).reshape(-1)[0]
        if isinstance(item, np.datetime64):
            item = item.astype("datetime64[D]").astype(dt.date)
        shown_inputs[k] = _plain(item)
    return f.explanation(value, shown_inputs, parameters, steps)
