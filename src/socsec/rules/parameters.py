"""Dated rule parameters in OpenFisca's YAML format.

A parameter file holds either one leaf::

    description: Lower bound of the contribution base, as a share of the regional average wage
    metadata:
      reference: Social Insurance Law Art. 12; Guo Ban Fa [2019] No. 13
      unit: /1
    values:
      2019-05-01:
        value: 0.6

or a node whose other keys are children (leaves or nodes), e.g. one child per region code or sector.
Directories are nodes too. A ``value: null`` ends a parameter from that date on. A yearly figure
(``metadata.yearly: true``, e.g. a statistic published once a year) holds for the calendar year of its
date only: a year not entered has no value (it never carries over from the year before), and
``metadata.needed_by`` names the formulas that read it (see :mod:`.yearly_figures`).

The tree is loaded once (``load_parameters()`` is cached). Look-ups:

* ``params.value("contribution.base_floor_ratio", date)`` for one value, and ``value_int``, ``value_float``,
  ``value_decimal`` for one number as that type (a ``ParameterError`` if the value is not such a number);
* ``params.vector("regions.average_monthly_wage", keys, dates)`` for arrays of child keys (region or
  sector codes) and dates, without a Python loop over rows.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

PARAMETERS_DIR = Path(__file__).parent / "parameters"

Scalar = float | int | bool | str | None


class ParameterError(LookupError):
    """A parameter is missing, malformed, or has no value on the date asked."""


def number(path: str, value: Scalar) -> int | float:
    """A parameter's value as a number; ``ParameterError`` when it is not one (a string, a boolean, none)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterError(f"{path} is not a number: {value!r}")
    return value


def whole_number(path: str, value: Scalar) -> int:
    """A parameter's value as a whole number; ``ParameterError`` when it is not one (a fraction, a string)."""
    found = number(path, value)
    if isinstance(found, float):
        if not found.is_integer():
            raise ParameterError(f"{path} is not a whole number: {value!r}")
        return int(found)
    return found


def to_day(value: dt.date | str | np.datetime64) -> np.datetime64:
    """A date, an ISO string or a datetime64 as a day (datetime64[D])."""
    if isinstance(value, np.datetime64):
        day: np.datetime64 = value.astype("datetime64[D]")
        return day
    if isinstance(value, str):
        return np.datetime64(dt.date.fromisoformat(value), "D")
    return np.datetime64(value, "D")


@dataclass(frozen=True)
class ResolvedValue:
    """One leaf resolved on one date: what an explanation shows."""

    path: str
    value: Scalar
    effective_from: dt.date
    description: str
    reference: str
    unit: str

    def as_int(self) -> int:
        return whole_number(self.path, self.value)

    def as_float(self) -> float:
        return float(number(self.path, self.value))

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "value": self.value,
            "effective_from": self.effective_from.isoformat(),
            "description": self.description,
            "reference": self.reference,
            "unit": self.unit,
        }


@dataclass
class Parameter:
    path: str
    description: str
    reference: str
    unit: str
    starts: npt.NDArray[np.datetime64]
    values: list[Scalar]
    yearly: bool = False
    needed_by: tuple[str, ...] = ()
    _numeric: npt.NDArray[np.float64] | None = field(default=None, repr=False)
    _one: tuple[list[dt.date], list[float]] | None = field(default=None, repr=False)

    def index_on(self, on: np.datetime64) -> int:
        i = int(np.searchsorted(self.starts, on, side="right")) - 1
        if i < 0 or self.values[i] is None:
            raise ParameterError(f"{self.path} has no value on {on}")
        return i

    def on(self, on: dt.date | str | np.datetime64) -> Scalar:
        return self.values[self.index_on(to_day(on))]

    def resolve(self, on: dt.date | str | np.datetime64) -> ResolvedValue:
        i = self.index_on(to_day(on))
        start = self.starts[i].astype(dt.date)
        return ResolvedValue(self.path, self.values[i], start, self.description, self.reference, self.unit)

    def numeric(self) -> npt.NDArray[np.float64]:
        """Values as float64 (booleans as 0/1); a null (ended) value is NaN."""
        if self._numeric is None:
            self._numeric = np.array(
                [np.nan if v is None else float(v) for v in self.values],
                dtype=np.float64,
            )
        return self._numeric

    def _index_one(self, on: dt.date) -> int:
        """The index of the value in force on one date (-1 before the first), over plain Python values."""
        if self._one is None:
            self._one = ([d.astype(dt.date) for d in self.starts], [float(v) for v in self.numeric()])
        return bisect.bisect_right(self._one[0], on) - 1

    def at_one(self, on: dt.date) -> float:
        """The value on one date as :meth:`at` gives it for that date (NaN before the first value or after an
        end)."""
        i = self._index_one(on)
        return self._one[1][i] if i >= 0 and self._one is not None else float("nan")

    def resolve_one(self, on: dt.date) -> ResolvedValue:
        """:meth:`resolve` for one ``datetime.date``."""
        i = self._index_one(on)
        if i < 0 or self.values[i] is None:
            raise ParameterError(f"{self.path} has no value on {on.isoformat()}")
        assert self._one is not None
        start = self._one[0][i]
        return ResolvedValue(self.path, self.values[i], start, self.description, self.reference, self.unit)

    def at(self, dates: npt.NDArray[np.datetime64]) -> npt.NDArray[np.float64]:
        """Vectorised value on each date; NaN before the first value or after an end."""
        idx = np.searchsorted(self.starts, dates, side="right") - 1
        out = np.full(dates.shape, np.nan)
        known = idx >= 0
        out[known] = self.numeric()[idx[known]]
        return out


@dataclass
class ParameterNode:
    path: str
    description: str = ""
    reference: str = ""
    children: dict[str, ParameterNode | Parameter] = field(default_factory=dict)

    def __getitem__(self, key: str) -> ParameterNode | Parameter:
        try:
            return self.children[key]
        except KeyError:
            raise ParameterError(f"{self.path or '<root>'} has no child {key!r}") from None

    def get(self, path: str) -> ParameterNode | Parameter:
        node: ParameterNode | Parameter = self
        for part in path.split("."):
            if not isinstance(node, ParameterNode):
                raise ParameterError(f"{node.path} is a leaf; cannot look up {part!r}")
            node = node[part]
        return node

    def leaf(self, path: str) -> Parameter:
        node = self.get(path)
        if not isinstance(node, Parameter):
            raise ParameterError(f"{path} is a node, not a parameter")
        return node

    def node(self, path: str) -> ParameterNode:
        node = self.get(path)
        if not isinstance(node, ParameterNode):
            raise ParameterError(f"{path} is a parameter, not a node")
        return node

    def value(self, path: str, on: dt.date | str | np.datetime64) -> Scalar:
        return self.leaf(path).on(on)

    def value_int(self, path: str, on: dt.date | str | np.datetime64) -> int:
        """A whole number (months, days, cents): ``ParameterError`` when it is absent or not one."""
        return whole_number(path, self.value(path, on))

    def value_float(self, path: str, on: dt.date | str | np.datetime64) -> float:
        """A number (a ratio, a rate) as a float: ``ParameterError`` when it is absent or not one."""
        return float(number(path, self.value(path, on)))

    def value_decimal(self, path: str, on: dt.date | str | np.datetime64) -> Decimal:
        """A number as a ``Decimal`` of its decimal text (0.6, not its binary float): ``ParameterError`` when it
        is absent or not one."""
        return Decimal(str(number(path, self.value(path, on))))

    def leaves(self) -> Iterator[Parameter]:
        for child in self.children.values():
            if isinstance(child, Parameter):
                yield child
            else:
                yield from child.leaves()

    def vector(
        self,
        path: str,
        keys: npt.NDArray[Any],
        dates: npt.NDArray[np.datetime64],
        *,
        default: float = np.nan,
    ) -> npt.NDArray[np.float64]:
        """Value of child ``keys[i]`` of node ``path`` on ``dates[i]``, for every i.

        Keys without a child get ``default`` (NaN unless given). Cost: one pass per distinct key.
        """
        node = self.node(path)
        keys = np.asarray(keys).astype(str)
        dates = np.broadcast_to(np.asarray(dates, dtype="datetime64[D]"), keys.shape)
        out = np.full(keys.shape, default, dtype=np.float64)
        for key, mask in _rows_by_child(node, keys):
            child = node.children[key]
            if not isinstance(child, Parameter):
                raise ParameterError(f"{path}.{key} is a node, not a parameter")
            values = child.at(dates[mask])
            out[mask] = np.where(np.isnan(values), default, values)
        return out


def _rows_by_child(node: ParameterNode, keys: npt.NDArray[np.str_]) -> Iterator[tuple[str, npt.NDArray[np.bool_]]]:
    """The rows of each child key present. A node with few children (sectors, pilot provinces) is
    matched child by child, with no sort; many children are grouped by one sort of the keys."""
    if len(node.children) <= 64:
        for key in node.children:
            mask = keys == key
            if mask.any():
                yield key, mask
        return
    uniq, inverse = np.unique(keys, return_inverse=True)
    inverse = inverse.reshape(keys.shape)
    for k, key in enumerate(uniq):
        if str(key) in node.children:
            yield str(key), inverse == k


def _reference_text(metadata: Mapping[str, Any] | None) -> str:
    if not metadata:
        return ""
    ref = metadata.get("reference", "")
    if isinstance(ref, list):
        return "; ".join(str(r) for r in ref)
    return str(ref)


def _build(path: str, data: Mapping[str, Any], inherited_ref: str, inherited_unit: str) -> ParameterNode | Parameter:
    metadata = data.get("metadata") or {}
    reference = _reference_text(metadata) or inherited_ref
    unit = str(metadata.get("unit", "")) or inherited_unit
    description = str(data.get("description", ""))
    if "values" in data:
        raw = data["values"]
        if not isinstance(raw, Mapping) or not raw:
            raise ParameterError(f"{path}: 'values' must map dates to values")
        items = sorted((to_day(k if isinstance(k, str) else k), v) for k, v in raw.items())
        values: list[Scalar] = []
        for start, v in items:
            value = v.get("value") if isinstance(v, Mapping) else v
            if isinstance(value, list | dict):
                raise ParameterError(f"{path} on {start}: a value must be a scalar")
            values.append(value)
        starts = [s for s, _ in items]
        yearly = bool(metadata.get("yearly", False))
        if yearly:
            starts, values = _one_year_each(path, starts, values)
        return Parameter(
            path=path,
            description=description,
            reference=reference,
            unit=unit,
            starts=np.array(starts, dtype="datetime64[D]"),
            values=values,
            yearly=yearly,
            needed_by=tuple(str(n) for n in metadata.get("needed_by") or ()),
        )
    node = ParameterNode(path=path, description=description, reference=reference)
    for key, child in data.items():
        if key in ("description", "metadata", "documentation"):
            continue
        if not isinstance(child, Mapping):
            raise ParameterError(f"{path}.{key}: expected a parameter or a node")
        child_path = f"{path}.{key}" if path else str(key)
        node.children[str(key)] = _build(child_path, child, reference, unit)
    return node


def _one_year_each(
    path: str, starts: list[np.datetime64], values: list[Scalar]
) -> tuple[list[np.datetime64], list[Scalar]]:
    """A yearly figure's values, each ended at the start of the next year unless that year has its own."""
    out_starts: list[np.datetime64] = []
    out_values: list[Scalar] = []
    for i, (start, value) in enumerate(zip(starts, values, strict=True)):
        day = start.astype(dt.date)
        if (day.month, day.day) != (1, 1):
            raise ParameterError(f"{path}: a yearly figure starts on 1 January, not {day.isoformat()}")
        out_starts.append(start)
        out_values.append(value)
        following = np.datetime64(dt.date(day.year + 1, 1, 1), "D")
        if value is not None and (i + 1 == len(starts) or starts[i + 1] != following):
            out_starts.append(following)
            out_values.append(None)
    return out_starts, out_values


def _load_dir(directory: Path, path: str) -> ParameterNode:
    index = directory / "index.yaml"
    meta = yaml.safe_load(index.read_text(encoding="utf-8")) if index.exists() else {}
    node = ParameterNode(path=path, description=str((meta or {}).get("description", "")))
    for entry in sorted(directory.iterdir()):
        if entry.name == "index.yaml" or entry.name.startswith((".", "_")):
            continue
        key = entry.stem if entry.is_file() else entry.name
        child_path = f"{path}.{key}" if path else key
        if entry.is_dir():
            node.children[key] = _load_dir(entry, child_path)
        elif entry.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
            if not isinstance(data, Mapping):
                raise ParameterError(f"{entry}: not a YAML mapping")
            node.children[key] = _build(child_path, data, "", "")
    return node


def load_parameters_from(directory: Path) -> ParameterNode:
    return _load_dir(directory, "")


@functools.cache
def load_parameters() -> ParameterNode:
    """The project's parameter tree, parsed once per process."""
    return load_parameters_from(PARAMETERS_DIR)
