"""The explanation of a computed value: the formula, its legal basis, the inputs, every parameter it read
(value, effective date, reference), the formulas it called, the rounding applied and, for a code, its
meaning - as an object (:class:`Explanation`) and as stored (``as_dict()``), with :func:`step_value` to read
a step's value back from the stored form."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .parameters import ResolvedValue


@dataclass
class Explanation:
    formula: str
    label: str
    reference: str
    unit: str
    value: Any
    inputs: dict[str, Any]
    parameters: list[ResolvedValue] = field(default_factory=list)
    steps: list[Explanation] = field(default_factory=list)
    rounding: str | None = None
    meaning: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "formula": self.formula,
            "label": self.label,
            "reference": self.reference,
            "unit": self.unit,
            "value": self.value,
            "meaning": self.meaning,
            "rounding": self.rounding,
            "inputs": self.inputs,
            "parameters": [p.as_dict() for p in self.parameters],
            "steps": [s.as_dict() for s in self.steps],
        }

    def lines(self, indent: str = "") -> list[str]:
        shown = f"{self.value}" + (f" ({self.meaning})" if self.meaning else "")
        out = [f"{indent}{self.formula} = {shown} [{self.unit}]", f"{indent}  {self.label}"]
        out.append(f"{indent}  legal basis: {self.reference}")
        if self.inputs:
            out.append(f"{indent}  inputs: " + ", ".join(f"{k}={v}" for k, v in self.inputs.items()))
        for p in self.parameters:
            out.append(
                f"{indent}  parameter {p.path} = {p.value} {p.unit} "
                f"(from {p.effective_from.isoformat()}; {p.reference})"
            )
        if self.rounding:
            out.append(f"{indent}  rounding: {self.rounding}")
        for step in self.steps:
            out.extend(step.lines(indent + "  "))
        return out


def step_value(explanation: Mapping[str, Any], formula: str) -> Any:
    """The value of the formula named ``formula`` in an explanation as stored (:meth:`Explanation.as_dict`):
    the explanation's own value when it is that formula's, else the first step of that formula, steps searched
    in order and each before the steps it calls. ``KeyError`` when the explanation has no such step."""
    if explanation.get("formula") == formula:
        return explanation["value"]
    for step in explanation.get("steps", ()):
        with contextlib.suppress(KeyError):
            return step_value(step, formula)
    raise KeyError(f"no step of {formula!r} in the explanation of {explanation.get('formula')!r}")
