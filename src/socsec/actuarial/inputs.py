"""Reading and checking projection inputs: YAML scenario files (with line numbers), CSV tables by age.

Every error is an :class:`InputError` naming the file, the line (where there is one) and the field.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

AGES = 111  # single ages 0-110, 110 the open group
SEXES = ("male", "female")

Array = npt.NDArray[np.float64]


class InputError(ValueError):
    """A projection input is missing or wrong. ``file``, ``line`` and ``field`` say where."""

    def __init__(self, message: str, *, file: str | Path | None = None, line: int | None = None, field: str = ""):
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.message = message
        where = self.file or "<input>"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")


class Located(dict[str, Any]):
    """A YAML mapping that remembers, for each key, the file and line it came from."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.origin: dict[str, tuple[str, int]] = {}
        self.file = ""
        self.line = 0

    def where(self, key: str) -> tuple[str, int | None]:
        if key in self.origin:
            return self.origin[key]
        return self.file, (self.line or None)


def load_yaml(path: Path) -> Located:
    """A YAML file whose mappings are :class:`Located` (one-based line numbers)."""
    text = _read(path)

    class Loader(yaml.SafeLoader):
        pass

    def construct(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Located:
        out = Located()
        out.file, out.line = str(path), node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = str(loader.construct_object(key_node, deep=True))
            line = key_node.start_mark.line + 1
            if key in out:
                raise InputError(f"{key!r} twice (first on line {out.origin[key][1]})", file=path, line=line, field=key)
            out[key] = loader.construct_object(value_node, deep=True)
            out.origin[key] = (str(path), line)
        return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct)
    try:
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"not valid YAML ({getattr(exc, 'problem', exc)})", file=path, line=mark.line + 1 if mark else None
        ) from None
    if not isinstance(data, Located):
        raise InputError("a scenario file must be a YAML mapping", file=path)
    return data


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", file=path) from None


def merge(base: Located, override: Located) -> Located:
    """``override`` on top of ``base``: mappings merge key by key, anything else is replaced."""
    out = Located(base)
    out.origin = dict(base.origin)
    out.file, out.line = base.file, base.line
    for key, value in override.items():
        if isinstance(value, Located) and isinstance(base.get(key), Located) and not _is_series(value):
            out[key] = merge(base[key], value)
        else:
            out[key] = value
        out.origin[key] = override.where(key)  # type: ignore[assignment]
    return out


def _is_series(value: Mapping[str, Any]) -> bool:
    """A mapping keyed by years or ages (numbers) is one value, replaced whole by an override."""
    return bool(value) and all(_is_int(k) for k in value)


def _is_int(key: Any) -> bool:
    try:
        int(str(key))
    except ValueError:
        return False
    return True


class Section:
    """A scenario section: typed look-ups that report the file, line and dotted field on error."""

    def __init__(self, data: Located, path: str, line: int | None = None) -> None:
        self.data = data
        self.path = path
        self.line = line  # the line of this section's own key, for errors about keys it lacks

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, message: str) -> InputError:
        file, line = self.data.where(key)
        if key not in self.data.origin and self.line is not None:
            line = self.line
        return InputError(message, file=file or None, line=line, field=self.field(key))

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str) -> Any:
        if not self.has(key):
            raise self.error(key, "missing (required)")
        return self.data[key]

    def section(self, key: str) -> Section:
        value = self.raw(key)
        if not isinstance(value, Located):
            raise self.error(key, "expected a mapping")
        return Section(value, self.field(key), self.data.where(key)[1])

    def number(self, key: str, *, low: float | None = 0.0, high: float | None = None) -> float:
        return self._check(key, self.raw(key), low, high)

    def text(self, key: str, choices: tuple[str, ...] | None = None) -> str:
        value = str(self.raw(key))
        if choices and value not in choices:
            raise self.error(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def _check(self, key: str, value: Any, low: float | None, high: float | None, what: str = "") -> float:
        if isinstance(value, str):  # YAML 1.1 reads 6.5e12 (no sign in the exponent) as text
            try:
                value = float(value)
            except ValueError:
                raise self.error(key, f"{what}expected a number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, f"{what}expected a number, got {value!r}")
        number = float(value)
        if not math.isfinite(number):
            raise self.error(key, f"{what}not a finite number")
        if low is not None and number < low:
            kind = "negative" if low == 0 else f"below {low}"
            raise self.error(key, f"{what}{number} is {kind}")
        if high is not None and number > high:
            kind = "a probability above 1" if high == 1 else f"above {high}"
            raise self.error(key, f"{what}{number} is {kind}")
        return number

    def series(
        self, key: str, years: npt.NDArray[np.int64], *, low: float | None = 0.0, high: float | None = None
    ) -> Array:
        """A value by year: a number, or ``{year: value}`` holding from that year to the next key."""
        value = self.raw(key)
        if not isinstance(value, Mapping):
            return np.full(years.shape, self._check(key, value, low, high))
        points = []
        for k, v in value.items():
            if not _is_int(k):
                raise self.error(key, f"key {k!r} is not a year")
            points.append((int(str(k)), self._check(key, v, low, high, f"year {k}: ")))
        points.sort()
        if points[0][0] > int(years[0]):
            raise self.error(key, f"no value for {int(years[0])} (first year given: {points[0][0]})")
        starts = np.array([p[0] for p in points])
        idx = np.searchsorted(starts, years, side="right") - 1
        return np.array([p[1] for p in points])[idx]

    def by_age(self, key: str, base_dir: Path, *, low: float = 0.0, high: float | None = None) -> Array:
        """A value by sex and age, shape (2, 111): a number; ``{age: value}`` (a step from each age, from
        0); ``{male: ..., female: ...}`` of those; or a CSV file ``age,male,female`` with ages 0-110."""
        value = self.raw(key)
        if isinstance(value, str):
            return read_age_table(resolve(base_dir, value), low=low, high=high)
        if isinstance(value, Mapping) and set(value) == set(SEXES):
            sub = Section(value, self.field(key))  # type: ignore[arg-type]
            return np.stack([sub._age_steps(s, sub.raw(s), low, high) for s in SEXES])
        row = self._age_steps(key, value, low, high)
        return np.stack([row, row])

    def _age_steps(self, key: str, value: Any, low: float, high: float | None) -> Array:
        if not isinstance(value, Mapping):
            return np.full(AGES, self._check(key, value, low, high))
        points = []
        for k, v in value.items():
            if not _is_int(k) or not 0 <= int(str(k)) <= AGES - 1:
                raise self.error(key, f"key {k!r} is not an age 0-110")
            points.append((int(str(k)), self._check(key, v, low, high, f"age {k}: ")))
        points.sort()
        if points[0][0] != 0:
            raise self.error(key, "an age table must start at age 0 (cover ages 0-110)")
        out = np.empty(AGES)
        for i, (age, v) in enumerate(points):
            end = points[i + 1][0] if i + 1 < len(points) else AGES
            out[age:end] = v
        return out


def resolve(base_dir: Path, name: str) -> Path:
    """A file named in a scenario: relative to the scenario's folder, else to the shipped data."""
    path = Path(name)
    if path.is_absolute():
        return path
    for root in (base_dir, Path(__file__).parent):
        if (root / path).exists():
            return root / path
    return base_dir / path


def csv_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    lines = _read(path).splitlines()
    reader = csv.reader(lines)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InputError("empty file", file=path) from None
    rows = [(i + 2, row) for i, row in enumerate(reader) if any(c.strip() for c in row)]
    return header, rows


def cell(path: Path, line: int, column: str, raw: str, low: float | None, high: float | None) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{raw!r} is not a number", file=path, line=line, field=column) from None
    if not math.isfinite(value):
        raise InputError("not a finite number", file=path, line=line, field=column)
    if low is not None and value < low:
        raise InputError(
            f"{value} is negative" if low == 0 else f"{value} is below {low}", file=path, line=line, field=column
        )
    if high is not None and value > high:
        raise InputError(
            f"{value} is a probability above 1" if high == 1 else f"{value} is above {high}",
            file=path,
            line=line,
            field=column,
        )
    return value


def _ages(path: Path, header: list[str], rows: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """Rows ordered by age; every age 0-110 exactly once."""
    if not header or header[0] != "age":
        raise InputError("the first column must be 'age'", file=path, line=1, field=header[0] if header else "")
    seen: dict[int, tuple[int, list[str]]] = {}
    for line, row in rows:
        if len(row) != len(header):
            raise InputError(f"{len(row)} columns, the header has {len(header)}", file=path, line=line)
        try:
            age = int(row[0])
        except ValueError:
            raise InputError(f"{row[0]!r} is not a whole age", file=path, line=line, field="age") from None
        if not 0 <= age < AGES:
            raise InputError(f"age {age} outside 0-110", file=path, line=line, field="age")
        if age in seen:
            raise InputError(f"age {age} twice (first on line {seen[age][0]})", file=path, line=line, field="age")
        seen[age] = (line, row)
    missing = [a for a in range(AGES) if a not in seen]
    if missing:
        shown = ", ".join(str(a) for a in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(f"the table must cover ages 0-110; missing {shown}", file=path, field="age")
    return [seen[a] for a in range(AGES)]


def read_age_table(path: Path, *, low: float = 0.0, high: float | None = None) -> Array:
    """CSV ``age,male,female`` with every age 0-110: shape (2, 111)."""
    header, rows = csv_rows(path)
    ordered = _ages(path, header, rows)
    for sex in SEXES:
        if sex not in header:
            raise InputError(f"no column {sex!r}", file=path, line=1, field=sex)
    cols = [header.index(s) for s in SEXES]
    out = np.empty((2, AGES))
    for a, (line, row) in enumerate(ordered):
        for s, c in enumerate(cols):
            out[s, a] = cell(path, line, SEXES[s], row[c], low, high)
    return out


def read_year_table(
    path: Path, years: npt.NDArray[np.int64], *, hold_after: bool, field: str, high: float | None = None
) -> Array:
    """CSV ``age,<year>,<year>...`` with every age 0-110: shape (len(years), 111). A year after the last
    column is an error unless ``hold_after`` (the last year's values are held)."""
    header, rows = csv_rows(path)
    ordered = _ages(path, header, rows)
    try:
        columns = [int(h) for h in header[1:]]
    except ValueError:
        raise InputError("every column after 'age' must be a year", file=path, line=1) from None
    if not columns:
        raise InputError("no year columns", file=path, line=1)
    table = np.empty((AGES, len(columns)))
    for a, (line, row) in enumerate(ordered):
        for j in range(len(columns)):
            table[a, j] = cell(path, line, header[j + 1], row[j + 1], 0.0, high)
    first, last = int(years[0]), int(years[-1])
    if first < columns[0] or (first not in columns and not hold_after and first > columns[-1]):
        raise InputError(
            f"no column for {first} (the table covers {columns[0]}-{columns[-1]})", file=path, line=1, field=field
        )
    if last > columns[-1] and not hold_after:
        raise InputError(
            f"the projection runs to {last} but the table stops in {columns[-1]} (horizon past the data; "
            f"set {field}_after_data: hold_last_year to hold {columns[-1]})",
            file=path,
            line=1,
            field=field,
        )
    idx = np.clip(np.searchsorted(np.array(columns), years, side="right") - 1, 0, len(columns) - 1)
    out: Array = table[:, idx].T.copy()
    return out
