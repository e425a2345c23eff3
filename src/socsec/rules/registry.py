"""The formula registry: what a formula is (:class:`Formula`: its name, legal basis, unit, inputs, rounding
rule and the meaning of its codes), the ``@formula`` decorator that registers one, the registry itself and
the errors the rules raise on bad inputs. The formula modules import this module; it imports neither them
nor the engine, which loads the formula packages (:mod:`socsec.rules.engine`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy.typing as npt

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


def registered(name: str) -> Formula:
    """The formula registered under ``name`` (the engine's ``get_formula`` loads the project's formulas first)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownFormula(f"no formula named {name!r}; see `socsec rules list`") from None
