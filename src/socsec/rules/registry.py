"""The formula registry: what a formula is (:class:`Formula`: its name, legal basis, unit, inputs, rounding
rule and the meaning of its codes), the ``@formula`` decorator that registers one, the registry itself and
the errors the rules raise on bad inputs. The formula modules import this module; it imports neither them
nor the engine, which loads the formula packages (:mod:`socsec.rules.engine`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy.typing as npt

from .explanation import Explanation
from .rounding import ROUNDING, Rounding

Array = npt.NDArray[Any]
InputKind = Literal["date", "str", "int", "bool", "float", "cents"]
# months_exact: months with a fraction (a divisor interpolated between whole-month rows), not made whole
Unit = Literal["cents", "cents_exact", "cents_per_order", "months", "months_exact", "ratio", "bool", "code", "years"]
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
    # the same formula for one case over plain Python values (``one_row``), or None: ``calc`` runs it
    # without numpy's cost per call; it gives what the vectorised function gives for a one-row array
    scalar: Callable[..., Any] | None = None

    @property
    def rounding_text(self) -> str | None:
        """The rounding rule in words, as an explanation shows it (None for a formula that does not round)."""
        return ROUNDING[self.rounding][0] if self.rounding else None

    def check_inputs(self, given: Collection[str]) -> None:
        """Refuses inputs that lack one the formula declares or name one it does not."""
        missing = set(self.inputs) - set(given)
        if missing:
            raise InputError(f"{self.name}: missing input(s) {', '.join(sorted(missing))}")
        unknown = set(given) - set(self.inputs)
        if unknown:
            raise InputError(f"{self.name}: unknown input(s) {', '.join(sorted(unknown))}")

    def explanation(
        self, value: Any, inputs: dict[str, Any], parameters: Sequence[Any], steps: Sequence[Any]
    ) -> Explanation:
        """The explanation of a value of this formula, with the inputs as shown (plain values, dates in ISO)."""
        return Explanation(
            formula=self.name,
            label=self.label,
            reference=self.reference,
            unit=self.unit,
            value=value,
            inputs=inputs,
            parameters=list(parameters),
            steps=list(steps),
            rounding=self.rounding_text,
            meaning=self.codes.get(int(value)) if self.codes and value is not None else None,
        )

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


def one_row(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the scalar twin of the formula ``name`` (registered before it): the same rule for one case,
    over plain Python values (a ``datetime.date``, ``str``, ``bool``, ``int``, ``float``) and a
    :class:`~socsec.rules.scalar.OneContext`, returning a plain value. It reads the same parameters and
    calls the same formulas in the same order as the vectorised function, so that the explanation is the
    same; tests/rules/test_scalar.py checks both paths agree on random inputs for every twin."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        f = registered(name)
        if f.scalar is not None:
            raise ValueError(f"formula {name} has a scalar twin already")
        REGISTRY[name] = replace(f, scalar=function)
        return function

    return register


def registered(name: str) -> Formula:
    """The formula registered under ``name`` (the engine's ``get_formula`` loads the project's formulas first)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownFormula(f"no formula named {name!r}; see `socsec rules list`") from None
