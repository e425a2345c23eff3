"""Formulas: plain typed functions over numpy arrays, registered by name with their legal basis.

A formula receives a :class:`Context` (parameter look-ups, calls to other formulas) and its inputs as
arrays of equal length, one row per case, and returns one array. ``compute`` runs a formula over many
rows without tracing; ``calc`` runs it for one case and returns the value with its
:class:`Explanation`: the inputs, every parameter leaf it read (value, effective date, reference), the
formulas it called, and the rounding rule applied. :func:`explain_row` gives the same explanation for one
row of a ``compute`` run without running the formula again. The explanation itself and :func:`step_value`
(a step's value read back from a stored explanation) live in :mod:`.explanation`, the rounding rules in
:mod:`.rounding`; both are re-exported here.

Money: inputs in cents come in as integers and are turned into float64 yuan-cents inside; a formula
whose unit is ``cents`` is rounded once, at the boundary, by its declared :data:`ROUNDING` rule and
returned as int64. A formula whose unit is ``cents_exact`` gives amounts that are added up before they
are rounded (e.g. a surcharge accrued over several stretches of days of one invoice): ``compute`` returns
them unrounded (to a millionth of a cent) and :func:`compute_totals` adds them up by group and rounds
each group's total once, by the formula's declared rule.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from .explanation import Explanation as Explanation
from .explanation import step_value as step_value
from .parameters import ParameterNode, ResolvedValue, load_parameters, to_day
from .rounding import ROUNDING as ROUNDING
from .rounding import Rounding as Rounding
from .rounding import round_down_cents as round_down_cents
from .rounding import round_half_up_cents as round_half_up_cents

Array = npt.NDArray[Any]
InputKind = Literal["date", "str", "int", "bool", "float", "cents"]
Unit = Literal["cents", "cents_exact", "cents_per_order", "months", "ratio", "bool", "code", "years"]
INTEGER_UNITS = ("cents", "months", "code", "years")


@dataclass(frozen=True)
class InputSpec:
    kind: InputKind
    label: str


@dataclass(frozen=True)
class Formula:
    name: str
    label: str
    reference: str
    unit: Unit
    inputs: Mapping[str, InputSpec]
    function: Callable[..., Array]
    rounding: Rounding | None = None
    codes: Mapping[int, str] | None = None

    @property
    def rounding_text(self) -> str | None:
        """The rounding rule in words, as an explanation shows it (None for a formula that does not round)."""
        return ROUNDING[self.rounding][0] if self.rounding else None

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "reference": self.reference,
            "unit": self.unit,
            "rounding": self.rounding_text,
            "inputs": {k: {"kind": v.kind, "label": v.label} for k, v in self.inputs.items()},
        }


class UnknownFormula(KeyError):
    pass


class InputError(ValueError):
    """A formula input is missing, unknown, or cannot be read as its declared kind."""


class RuleViolation(ValueError):
    """An input the rules refuse: outside the bounds the law or a parameter sets."""


REGISTRY: dict[str, Formula] = {}


def formula(
    *,
    name: str,
    label: str,
    reference: str,
    unit: Unit,
    inputs: Mapping[str, tuple[InputKind, str]],
    rounding: Rounding | None = None,
    codes: Mapping[int, str] | None = None,
) -> Callable[[Callable[..., Array]], Callable[..., Array]]:
    """Register a formula. ``inputs`` excludes ``on`` (the date), which every formula receives."""
    if unit in ("cents", "cents_exact") and rounding not in ROUNDING:
        raise ValueError(f"{name}: a formula in cents must name its rounding rule")

    def register(function: Callable[..., Array]) -> Callable[..., Array]:
        if name in REGISTRY:
            raise ValueError(f"formula {name} registered twice")
        REGISTRY[name] = Formula(
            name=name,
            label=label,
            reference=reference,
            unit=unit,
            inputs={k: InputSpec(kind, text) for k, (kind, text) in inputs.items()},
            function=function,
            rounding=rounding,
            codes=codes,
        )
        return function

    return register


def _register_project_formulas() -> None:
    from . import benefits, formulas  # noqa: F401  (importing them registers the project's formulas)


def get_formula(name: str) -> Formula:
    _register_project_formulas()
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownFormula(f"no formula named {name!r}; see `socsec rules list`") from None


def all_formulas() -> list[Formula]:
    _register_project_formulas()

    return sorted(REGISTRY.values(), key=lambda f: f.name)


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
        f = get_formula(name)
        if not self.trace:
            return _run(f, self, on, inputs)
        child = Context(self.params, trace=True)
        result = _run(f, child, on, inputs)
        self.steps.append(_explanation(f, child, on, inputs, result))
        return result


def _run(f: Formula, ctx: Context, on: Array, inputs: Mapping[str, Array]) -> Array:
    missing = set(f.inputs) - set(inputs)
    if missing:
        raise InputError(f"{f.name}: missing input(s) {', '.join(sorted(missing))}")
    unknown = set(inputs) - set(f.inputs)
    if unknown:
        raise InputError(f"{f.name}: unknown input(s) {', '.join(sorted(unknown))}")
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


def _explanation(f: Formula, ctx: Context, on: Array, inputs: Mapping[str, Array], result: Array) -> Explanation:
    return _explained(f, on, inputs, result, ctx.used, ctx.steps)


def _explained(
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
    return Explanation(
        formula=f.name,
        label=f.label,
        reference=f.reference,
        unit=f.unit,
        value=value,
        inputs=shown_inputs,
        parameters=list(parameters),
        steps=list(steps),
        rounding=f.rounding_text,
        meaning=f.codes.get(int(value)) if f.codes and value is not None else None,
    )


def explain_row(
    name: str, on: dt.date | str, value: Any, *, inputs: Mapping[str, Any], parameters: Sequence[ResolvedValue] = ()
) -> Explanation:
    """The explanation of one row of a :func:`compute` run, without running the formula again: the row's
    value and its inputs (plain values, every input of the formula), the parameter values the caller resolved
    for it, and the formula's label, legal basis, unit, rounding rule and the meaning of a code - as
    :func:`calc` would give them, less the steps of the formulas it calls."""
    f = get_formula(name)
    missing = set(f.inputs) - set(inputs)
    if missing:
        raise InputError(f"{f.name}: missing input(s) {', '.join(sorted(missing))}")
    unknown = set(inputs) - set(f.inputs)
    if unknown:
        raise InputError(f"{f.name}: unknown input(s) {', '.join(sorted(unknown))}")
    arrays = {k: np.asarray(v) for k, v in inputs.items()}
    return _explained(f, np.array([to_day(on)]), arrays, np.asarray(value), parameters, ())


def compute(name: str, on: Array | dt.date | str, *, params: ParameterNode | None = None, **inputs: Array) -> Array:
    """Run a formula over arrays (one row per case), without tracing. ``params`` replaces the project's
    parameter tree (a projection scenario's amended copy); by default the project's own."""
    return _compute(name, on, inputs, params)


def _compute(name: str, on: Array | dt.date | str, inputs: Mapping[str, Array], params: ParameterNode | None) -> Array:
    f = get_formula(name)
    arrays = {k: np.asarray(v) for k, v in inputs.items()}
    n = max((a.size for a in arrays.values()), default=1)
    dates = np.broadcast_to(np.asarray(on, dtype="datetime64[D]") if not isinstance(on, str) else to_day(on), (n,))
    return _run(f, Context(params if params is not None else load_parameters()), dates, arrays)


@dataclass(frozen=True)
class Totals:
    """What :func:`compute_totals` gives: each row's exact amount, and per group its key, the exact sum
    and the total rounded once by the formula's rule."""

    rows: npt.NDArray[np.float64]
    keys: Array
    exact: npt.NDArray[np.float64]
    totals: npt.NDArray[np.int64]


def compute_totals(name: str, on: Array | dt.date | str, groups: Array, **inputs: Array) -> Totals:
    """Run a ``cents_exact`` formula over arrays (one row per case, e.g. one stretch of days of an
    invoice), add the rows up by ``groups`` (e.g. the invoice) and round each group's total once, by the
    formula's declared rounding rule."""
    f = get_formula(name)
    if f.unit != "cents_exact" or f.rounding is None:
        raise InputError(f"{name}: totals are made of a formula in exact cents (its unit is {f.unit})")
    rows = np.asarray(_compute(name, on, inputs, None), dtype=np.float64)
    keys, inverse = np.unique(np.asarray(groups), return_inverse=True)
    sums = np.bincount(inverse.reshape(-1), weights=rows, minlength=keys.size).astype(np.float64)
    exact: npt.NDArray[np.float64] = np.round(sums, 6)
    return Totals(rows=rows, keys=keys, exact=exact, totals=ROUNDING[f.rounding][1](exact))


def calc(name: str, on: dt.date | str, **inputs: Any) -> Explanation:
    """One case: the value and its explanation. Inputs are plain Python values."""
    f = get_formula(name)
    arrays = {k: _as_array(f, k, v) for k, v in inputs.items()}
    dates = np.array([to_day(on)])
    ctx = Context(load_parameters(), trace=True)
    result = _run(f, ctx, dates, arrays)
    return _explanation(f, ctx, dates, arrays, result)


def parse_input(kind: InputKind, raw: str) -> Any:
    """Read a command-line ``key=value`` string as the input's declared kind."""
    try:
        if kind == "date":
            return dt.date.fromisoformat(raw)
        if kind in ("int", "cents"):
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "bool":
            lowered = raw.strip().lower()
            if lowered in ("1", "true", "yes", "y"):
                return True
            if lowered in ("0", "false", "no", "n"):
                return False
            raise ValueError(raw)
        return raw
    except ValueError:
        raise InputError(f"cannot read {raw!r} as {kind}") from None


def _as_array(f: Formula, key: str, value: Any) -> Array:
    spec = f.inputs.get(key)
    if spec is None:
        raise InputError(f"{f.name}: unknown input {key!r} (inputs: {', '.join(f.inputs) or 'none'})")
    if spec.kind == "date":
        return np.array([to_day(value)])
    if spec.kind == "bool":
        return np.array([bool(value)])
    if spec.kind in ("int", "cents"):
        return np.array([int(value)], dtype=np.int64)
    if spec.kind == "float":
        return np.array([float(value)])
    return np.array([str(value)])
