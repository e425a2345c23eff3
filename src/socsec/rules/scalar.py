"""One case over plain Python values: what :func:`socsec.rules.engine.calc` runs for a formula that has a
scalar twin (registered with :func:`socsec.rules.registry.one_row`), without numpy's cost per call on
one-row arrays (a coverage decision runs some twenty formulas and parameter look-ups per request).

:class:`OneContext` is :class:`~socsec.rules.context.Context` for one date: ``at`` and ``by_key`` give a
float (NaN where there is no value), ``formula`` runs another formula's twin (or, for a formula with none,
its vectorised function on one-row arrays) and records the same parameters and steps as the vectorised
path. :func:`run_one` makes the value whole or rounds it by the formula's rule and refuses a missing
parameter with the same message as :func:`~socsec.rules.context.run`; :func:`explained_one` gives the same
explanation as :func:`~socsec.rules.context.explained`. tests/rules/test_scalar.py checks that both paths
give the same values, explanations and refusals on random inputs for every twin."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .context import Context, explained, run
from .explanation import Explanation
from .parameters import Parameter, ParameterError, ParameterNode, ResolvedValue, to_day
from .registry import INTEGER_UNITS, Formula, InputError, InputKind, RuleViolation, registered
from .rounding import ROUNDING

NAN = float("nan")


def day_of(value: Any) -> dt.date:
    """A date, an ISO string or a datetime64 as a ``datetime.date`` (a moment as its day), as
    :func:`~socsec.rules.parameters.to_day` reads it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    day: dt.date = to_day(value).astype(dt.date)
    return day


def plain_input(kind: InputKind, value: Any) -> Any:
    """An input as its declared kind, as the vectorised path reads it into a one-row array."""
    if kind == "date":
        return day_of(value)
    if kind == "bool":
        return bool(value)
    if kind in ("int", "cents"):
        return int(value)
    if kind == "float":
        return float(value)
    return str(value)


def _as_arrays(f: Formula, on: dt.date, inputs: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    arrays: dict[str, Any] = {}
    for k, v in inputs.items():
        kind = f.inputs[k].kind
        if kind == "date":
            arrays[k] = np.array([to_day(v)])
        elif kind in ("int", "cents"):
            arrays[k] = np.array([v], dtype=np.int64)
        else:
            arrays[k] = np.array([v])
    return np.array([to_day(on)]), arrays


class OneContext:
    """What a scalar twin sees: parameters on one date and other formulas. Records what it used when
    tracing, as :class:`~socsec.rules.context.Context` does."""

    def __init__(self, params: ParameterNode, *, trace: bool = False) -> None:
        self.params = params
        self.trace = trace
        self.used: list[ResolvedValue] = []
        self.steps: list[Explanation] = []

    def _record(self, leaf: Parameter, on: dt.date) -> None:
        resolved = leaf.resolve_one(on)
        if resolved not in self.used:
            self.used.append(resolved)

    def at(self, path: str, on: dt.date) -> float:
        """A leaf's value on the date (NaN where it has none)."""
        leaf = self.params.leaf(path)
        value = leaf.at_one(on)
        if self.trace and not math.isnan(value):
            self._record(leaf, on)
        return value

    def by_key(self, path: str, key: str, on: dt.date, *, default: float = NAN) -> float:
        """Child ``key`` of node ``path`` on the date (``default`` where there is none)."""
        node = self.params.node(path)
        child = node.children.get(key)
        if child is None:
            return default
        if not isinstance(child, Parameter):
            raise ParameterError(f"{path}.{key} is a node, not a parameter")
        value = child.at_one(on)
        if self.trace:
            with contextlib.suppress(LookupError):  # no value on that date: the default was used
                self._record(child, on)
        return default if math.isnan(value) else value

    def formula(self, name: str, on: dt.date, **inputs: Any) -> Any:
        f = registered(name)
        if f.scalar is None:  # no twin: the vectorised function on one-row arrays
            dates, arrays = _as_arrays(f, on, inputs)
            vector = Context(self.params, trace=self.trace)
            result = run(f, vector, dates, arrays)
            if self.trace:
                self.steps.append(explained(f, dates, arrays, result, vector.used, vector.steps))
            return np.asarray(result).reshape(-1)[0].item()
        if not self.trace:
            return run_one(f, self, on, inputs)
        child = OneContext(self.params, trace=True)
        value = run_one(f, child, on, inputs)
        self.steps.append(explained_one(f, on, inputs, value, child.used, child.steps))
        return value


def run_one(f: Formula, ctx: OneContext, on: dt.date, inputs: Mapping[str, Any]) -> Any:
    """Run a formula's scalar twin for one case: its inputs checked, a value in whole units made whole (a
    missing parameter refused), one in cents rounded by its rule - as :func:`~socsec.rules.context.run`
    does for one row."""
    f.check_inputs(inputs)
    assert f.scalar is not None
    value = f.scalar(ctx, on, **inputs)
    exact = f.unit == "cents_exact"
    if exact and not isinstance(value, float):
        value = float(value)
    if (f.unit in INTEGER_UNITS or exact) and isinstance(value, float):
        if not math.isfinite(value):
            raise RuleViolation(
                f"{f.name}: no value on {on.isoformat()} for row 1 - a parameter it needs "
                "has no value for that date or region"
            )
        if exact:  # rounded by compute_totals, once per total
            return np.round(np.array([value]), 6)[0].item()
        if f.rounding:
            return _rounded(f, value)
        return int(value)
    if f.rounding:
        return _rounded(f, value)
    return value


def _rounded(f: Formula, value: Any) -> Any:
    assert f.rounding is not None
    return ROUNDING[f.rounding][1](np.array([value], dtype=np.float64))[0].item()


def explained_one(
    f: Formula,
    on: dt.date,
    inputs: Mapping[str, Any],
    value: Any,
    parameters: Sequence[ResolvedValue],
    steps: Sequence[Explanation],
) -> Explanation:
    """The explanation of one case, as :func:`~socsec.rules.context.explained` gives it for one row."""
    shown_inputs: dict[str, Any] = {"on": on.isoformat()}
    for k, v in inputs.items():
        shown_inputs[k] = v.isoformat() if isinstance(v, dt.date) else v
    return f.explanation(value, shown_inputs, parameters, steps)


def calc_one(f: Formula, params: ParameterNode, on: Any, inputs: Mapping[str, Any]) -> Explanation:
    """One case of a formula with a scalar twin: the value and its explanation."""
    plain: dict[str, Any] = {}
    for k, v in inputs.items():
        spec = f.inputs.get(k)
        if spec is None:
            raise InputError(f"{f.name}: unknown input {k!r} (inputs: {', '.join(f.inputs) or 'none'})")
        plain[k] = plain_input(spec.kind, v)
    day = day_of(on)
    ctx = OneContext(params, trace=True)
    value = run_one(f, ctx, day, plain)
    return explained_one(f, day, plain, value, ctx.used, ctx.steps)
