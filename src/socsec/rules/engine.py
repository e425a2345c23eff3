"""The rules engine: runs the project's formulas, registered by name with their legal basis.

A formula is a plain typed function over numpy arrays, registered with the ``@formula`` decorator of
:mod:`.registry`; it receives a :class:`~socsec.rules.context.Context` (parameter look-ups, calls to other
formulas; :mod:`.context`) and its inputs as arrays of equal length, one row per case, and returns one array.
The engine loads the formula packages (:mod:`socsec.rules.formulas`, :mod:`socsec.rules.benefits`) the first
time a formula is asked for. ``compute`` runs a formula over many rows without tracing; ``calc`` runs it for
one case (with the formula's scalar twin where it has one, :mod:`.scalar`) and returns the value with its
:class:`Explanation`: the inputs, every parameter leaf it read (value, effective date, reference), the
formulas it called, and the rounding rule applied. :func:`explain_row` gives the same explanation for one row
of a ``compute`` run without running the formula again. The explanation itself and :func:`step_value` (a
step's value read back from a stored explanation) live in :mod:`.explanation`, the rounding rules in
:mod:`.rounding`, the formula's description and the errors in :mod:`.registry`; they are re-exported here.

Money: inputs in cents come in as integers and are turned into float64 yuan-cents inside; a formula
whose unit is ``cents`` is rounded once, at the boundary, by its declared :data:`ROUNDING` rule and
returned as int64. A formula whose unit is ``cents_exact`` gives amounts that are added up before they
are rounded (e.g. a surcharge accrued over several stretches of days of one invoice): ``compute`` returns
them unrounded (to a millionth of a cent) and :func:`compute_totals` adds them up by group and rounds
each group's total once, by the formula's declared rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .context import Context, explained, run
from .explanation import Explanation as Explanation
from .explanation import step_value as step_value
from .parameters import ParameterNode, ResolvedValue, load_parameters, to_day
from .registry import REGISTRY as REGISTRY
from .registry import Array, InputKind, registered
from .registry import Formula as Formula
from .registry import InputError as InputError
from .registry import RuleViolation as RuleViolation
from .registry import UnknownFormula as UnknownFormula
from .rounding import ROUNDING as ROUNDING
from .rounding import Rounding as Rounding
from .rounding import round_down_cents as round_down_cents
from .rounding import round_half_up_cents as round_half_up_cents
from .scalar import calc_one


def _register_project_formulas() -> None:
    from . import benefits, formulas  # noqa: F401  (importing them registers the project's formulas)


def get_formula(name: str) -> Formula:
    _register_project_formulas()
    return registered(name)


def all_formulas() -> list[Formula]:
    _register_project_formulas()
    return sorted(REGISTRY.values(), key=lambda f: f.name)


def explain_row(
    name: str, on: dt.date | str, value: Any, *, inputs: Mapping[str, Any], parameters: Sequence[ResolvedValue] = ()
) -> Explanation:
    """The explanation of one row of a :func:`compute` run, without running the formula again: the row's
    value and its inputs (plain values, every input of the formula), the parameter values the caller resolved
    for it, and the formula's label, legal basis, unit, rounding rule and the meaning of a code - as
    :func:`calc` would give them, less the steps of the formulas it calls."""
    f = get_formula(name)
    f.check_inputs(inputs)
    arrays = {k: np.asarray(v) for k, v in inputs.items()}
    return explained(f, np.array([to_day(on)]), arrays, np.asarray(value), parameters, ())


def compute(name: str, on: Array | dt.date | str, *, params: ParameterNode | None = None, **inputs: Array) -> Array:
    """Run a formula over arrays (one row per case), without tracing. ``params`` replaces the project's
    parameter tree (a projection scenario's amended copy); by default the project's own."""
    return _compute(name, on, inputs, params)


def _compute(name: str, on: Array | dt.date | str, inputs: Mapping[str, Array], params: ParameterNode | None) -> Array:
    f = get_formula(name)
    arrays = {k: np.asarray(v) for k, v in inputs.items()}
    n = max((a.size for a in arrays.values()), default=1)
    dates = np.broadcast_to(np.asarray(on, dtype="datetime64[D]") if not isinstance(on, str) else to_day(on), (n,))
    return run(f, Context(params if params is not None else load_parameters()), dates, arrays)


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
    """One case: the value and its explanation. Inputs are plain Python values. A formula with a scalar twin
    (:mod:`.scalar`) runs it, over plain values; any other runs its vectorised function on one-row arrays
    (:func:`calc_vector`, which gives the same)."""
    f = get_formula(name)
    if f.scalar is not None:
        return calc_one(f, load_parameters(), on, inputs)
    return calc_vector(name, on, **inputs)


def calc_vector(name: str, on: dt.date | str, **inputs: Any) -> Explanation:
    """One case through the vectorised function, on one-row arrays (what :func:`calc` gives)."""
    f = get_formula(name)
    arrays = {k: _as_array(f, k, v) for k, v in inputs.items()}
    dates = np.array([to_day(on)])
    ctx = Context(load_parameters(), trace=True)
    result = run(f, ctx, dates, arrays)
    return explained(f, dates, arrays, result, ctx.used, ctx.steps)


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
