"""Risk rules as data (pure: no Django), written like the rules layer's parameters and scenarios: one YAML
file per rule under ``rules/`` with its name, labels in both languages, the dates it is in force, its
reference (the legal basis or the agency's practice), its parameters (values by date, each with a
reference), one set-based SQL query over the screening tables (``tables.py``) and its YAML test cases::

    name: paid_after_death
    label: Benefit paid for months after the death date
    label_zh: 死亡后仍发放待遇
    reference: Social Insurance Law art. 88 (benefits obtained by fraud are recovered)
    reference_zh: 《社会保险法》第八十八条
    valid_from: 2021-01-01
    valid_until: null
    score: 90
    scope: person            # person: also run for the persons an event concerns; population: whole runs only
    parameters:
      grace_months:
        description: months after the month of death still paid without a hit
        reference: agency practice
        values: {2021-01-01: 0}
    sql: |
      SELECT ... $grace_months ...
    cases:
      - name: a pension paid two months after the death
        period: 2026-04-01
        input: {deaths: [...], payments: [...]}
        output: {hits: ["award:7"]}

The query names its parameters as ``$name`` (and ``$on``, the screening day); it returns one row per hit
with ``case_key`` (stable across runs: the case is kept once), ``person_id``, ``organisation_id`` and
optionally ``score``; every other column is the hit's evidence. A rule that names a parameter it does not
declare, a parameter without a value, or a malformed case is refused at load with its file and line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

RULE_DIR = Path(__file__).parent / "rules"
PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")
NAME = re.compile(r"^[a-z][a-z0-9_]{2,63}$")
SCOPES = ("person", "population")
REQUIRED = ("name", "label", "label_zh", "reference", "reference_zh", "valid_from", "score", "scope", "sql", "cases")
CASE_REQUIRED = ("name", "period", "input", "output")


class RuleFileError(ValueError):
    """A rule file refused at load: ``file:line: why``."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.file, self.line, self.reason = path.name, line, message
        super().__init__(f"{path.name}:{line}: {message}")


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    reference: str
    values: tuple[tuple[dt.date, Any], ...]  # by date, ascending

    def on(self, day: dt.date) -> Any:
        value = None
        for start, v in self.values:
            if start <= day:
                value = v
        if value is None:
            raise ValueError(f"parameter {self.name} has no value on {day.isoformat()}")
        return value


@dataclass(frozen=True)
class Case:
    name: str
    line: int
    period: dt.date
    inputs: dict[str, list[dict[str, Any]]]
    hits: tuple[str, ...]


@dataclass(frozen=True)
class RiskRule:
    name: str
    file: str
    label: str
    label_zh: str
    reference: str
    reference_zh: str
    valid_from: dt.date
    valid_until: dt.date | None
    score: int
    scope: str
    sql: str
    parameters: dict[str, Parameter] = field(default_factory=dict)
    cases: tuple[Case, ...] = ()

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def values_on(self, day: dt.date) -> dict[str, Any]:
        """The query's parameters on ``day`` (only those it names, as DuckDB wants)."""
        used = set(PARAM.findall(self.sql))
        values: dict[str, Any] = {name: p.on(day) for name, p in self.parameters.items() if name in used}
        if "on" in used:
            values["on"] = day
        return values

    def describe(self, day: dt.date) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "label_zh": self.label_zh,
            "reference": self.reference,
            "reference_zh": self.reference_zh,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "score": self.score,
            "scope": self.scope,
            "parameters": {
                n: {"value": p.on(day), "description": p.description, "reference": p.reference}
                for n, p in self.parameters.items()
            },
        }


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _map(path: Path, node: Node, what: str) -> dict[str, Node]:
    if not isinstance(node, MappingNode):
        raise RuleFileError(path, _line(node), f"{what}: expected a mapping")
    out: dict[str, Node] = {}
    for key, value in node.value:
        if not isinstance(key, ScalarNode):
            raise RuleFileError(path, _line(key), f"{what}: a key must be a plain name")
        out[str(key.value)] = value
    return out


def _value(path: Path, node: Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # a date such as 2024-13-01
        raise RuleFileError(path, _line(node), f"{node.value!r} is not a date (YYYY-MM-DD): {exc}") from None
    finally:
        loader.dispose()


def _date(path: Path, node: Node, what: str, *, optional: bool = False) -> dt.date | None:
    value = _value(path, node)
    if value is None and optional:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleFileError(path, _line(node), f"{what}: {value!r} is not a date (YYYY-MM-DD)") from None


def _text(path: Path, node: Node, what: str) -> str:
    value = _value(path, node)
    if not isinstance(value, str) or not value.strip():
        raise RuleFileError(path, _line(node), f"{what}: expected a text")
    return value


def _parameter(path: Path, name: str, node: Node) -> Parameter:
    fields = _map(path, node, f"parameter {name}")
    for key in ("description", "reference", "values"):
        if key not in fields:
            raise RuleFileError(path, _line(node), f"parameter {name}: missing {key}")
    values_node = fields["values"]
    values = _map(path, values_node, f"parameter {name} values")
    if not values:
        raise RuleFileError(path, _line(values_node), f"parameter {name}: no value")
    dated: list[tuple[dt.date, Any]] = []
    for start, value_node in values.items():
        try:
            day = dt.date.fromisoformat(start)
        except ValueError:
            raise RuleFileError(path, _line(value_node), f"parameter {name}: {start!r} is not a date") from None
        value = _value(path, value_node)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise RuleFileError(path, _line(value_node), f"parameter {name}: the value on {start} is not a number")
        dated.append((day, value))
    return Parameter(
        name=name,
        description=_text(path, fields["description"], f"parameter {name} description"),
        reference=_text(path, fields["reference"], f"parameter {name} reference"),
        values=tuple(sorted(dated)),
    )


def _case(path: Path, node: Node, index: int) -> Case:
    if not isinstance(node, MappingNode):
        raise RuleFileError(path, _line(node), f"case {index}: expected a mapping")
    fields = _map(path, node, f"case {index}")
    missing = [k for k in CASE_REQUIRED if k not in fields]
    if missing:
        raise RuleFileError(path, _line(node), f"case {index}: missing {', '.join(missing)}")
    inputs = _value(path, fields["input"]) or {}
    if not isinstance(inputs, dict) or not all(isinstance(v, list) for v in inputs.values()):
        raise RuleFileError(path, _line(fields["input"]), f"case {index}: input must map table names to lists of rows")
    for table, rows in inputs.items():
        if not all(isinstance(r, dict) for r in rows):
            raise RuleFileError(path, _line(fields["input"]), f"case {index}: the rows of {table} must be mappings")
    output = _value(path, fields["output"])
    if not isinstance(output, dict) or not isinstance(output.get("hits"), list):
        raise RuleFileError(path, _line(fields["output"]), f"case {index}: output must give hits: [case keys]")
    period = _date(path, fields["period"], f"case {index} period")
    assert period is not None
    return Case(
        name=_text(path, fields["name"], f"case {index} name"),
        line=_line(node),
        period=period,
        inputs={str(k): list(v) for k, v in inputs.items()},
        hits=tuple(str(h) for h in output["hits"]),
    )


def rule_load(path: Path) -> RiskRule:
    """One rule file, checked; refused with its file and line."""
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleFileError(path, int(mark.line) + 1 if mark else 1, f"not YAML: {exc}") from None
    if root is None:
        raise RuleFileError(path, 1, "empty file")
    fields = _map(path, root, "rule")
    missing = [k for k in REQUIRED if k not in fields]
    if missing:
        raise RuleFileError(path, _line(root), f"missing {', '.join(missing)}")
    name = _text(path, fields["name"], "name")
    if not NAME.match(name) or name != path.stem:
        raise RuleFileError(path, _line(fields["name"]), f"name {name!r} must be the file's name in snake_case")
    score = _value(path, fields["score"])
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 100:
        raise RuleFileError(path, _line(fields["score"]), f"score {score!r}: expected a whole number from 1 to 100")
    scope = _value(path, fields["scope"])
    if scope not in SCOPES:
        raise RuleFileError(path, _line(fields["scope"]), f"scope {scope!r}: expected one of {', '.join(SCOPES)}")
    parameters: dict[str, Parameter] = {}
    if "parameters" in fields:
        for pname, pnode in _map(path, fields["parameters"], "parameters").items():
            parameters[pname] = _parameter(path, pname, pnode)
    sql = _text(path, fields["sql"], "sql")
    for used in sorted(set(PARAM.findall(sql)) - set(parameters) - {"on"}):
        raise RuleFileError(path, _line(fields["sql"]), f"the query names ${used}, which is not among the parameters")
    cases_node = fields["cases"]
    if not isinstance(cases_node, SequenceNode) or not cases_node.value:
        raise RuleFileError(path, _line(cases_node), "cases: expected a list of at least one case")
    cases = tuple(_case(path, node, i + 1) for i, node in enumerate(cases_node.value))
    valid_from = _date(path, fields["valid_from"], "valid_from")
    assert valid_from is not None
    valid_until = _date(path, fields["valid_until"], "valid_until", optional=True) if "valid_until" in fields else None
    if valid_until is not None and valid_until < valid_from:
        raise RuleFileError(path, _line(fields["valid_until"]), "valid_until is before valid_from")
    for p in parameters.values():
        if p.values[0][0] > valid_from:
            raise RuleFileError(path, _line(fields["parameters"]), f"parameter {p.name} has no value on valid_from")
    return RiskRule(
        name=name,
        file=path.name,
        label=_text(path, fields["label"], "label"),
        label_zh=_text(path, fields["label_zh"], "label_zh"),
        reference=_text(path, fields["reference"], "reference"),
        reference_zh=_text(path, fields["reference_zh"], "reference_zh"),
        valid_from=valid_from,
        valid_until=valid_until,
        score=score,
        scope=str(scope),
        sql=sql,
        parameters=parameters,
        cases=cases,
    )


def rules_load(directory: Path = RULE_DIR) -> list[RiskRule]:
    return [rule_load(p) for p in sorted(directory.glob("*.yaml"))]


_cache: list[RiskRule] | None = None


def all_rules() -> list[RiskRule]:
    """The shipped rules, loaded once."""
    global _cache
    if _cache is None:
        _cache = rules_load()
    return _cache


def rule_named(name: str) -> RiskRule | None:
    return next((r for r in all_rules() if r.name == name), None)
