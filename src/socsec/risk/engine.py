"""The screening itself (pure: no Django): the risk rules' queries run on DuckDB over six tables, each
given as an Arrow table (read set-based from the database, the order store's Parquet files, a YAML case or
the synthetic set). A run is one query per rule over everyone; never a loop over persons.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from .definitions import Case, RiskRule

# the screening tables: what each rule may read (DuckDB types)
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "claims": (
        ("claim_id", "BIGINT"),
        ("person_id", "BIGINT"),
        ("kind", "VARCHAR"),
        ("status", "VARCHAR"),
        ("event_date", "DATE"),
        ("submitted_on", "DATE"),
        ("organisation_id", "BIGINT"),  # the engagement's platform or employer (or the reporter's)
        ("region", "VARCHAR"),  # the engagement's work region (6 digits)
    ),
    "engagements": (
        ("engagement_id", "BIGINT"),
        ("person_id", "BIGINT"),
        ("organisation_id", "BIGINT"),
        ("sector", "VARCHAR"),
        ("region", "VARCHAR"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
    ),
    "payments": (
        ("payment_id", "BIGINT"),
        ("person_id", "BIGINT"),
        ("award_id", "BIGINT"),
        ("claim_id", "BIGINT"),
        ("claim_kind", "VARCHAR"),
        ("month", "DATE"),  # the first day of the month paid for
        ("amount_cents", "BIGINT"),
    ),
    "deaths": (
        ("person_id", "BIGINT"),
        ("died_on", "DATE"),
        ("source", "VARCHAR"),
    ),
    "orders": (
        ("order_id", "VARCHAR"),
        ("person_id", "BIGINT"),
        ("organisation_id", "BIGINT"),
        ("region", "VARCHAR"),
        ("sector", "VARCHAR"),
        ("order_date", "DATE"),
    ),
}
RESERVED = ("case_key", "person_id", "organisation_id", "score")
ARROW = {"BIGINT": pa.int64(), "VARCHAR": pa.string(), "DATE": pa.date32()}


def table_schema(name: str) -> pa.Schema:
    return pa.schema([(col, ARROW[kind]) for col, kind in TABLES[name]])


def table_from_rows(name: str, rows: Iterable[Mapping[str, Any]]) -> pa.Table:
    """A screening table from plain rows (a YAML case, a test): unknown columns refused, missing ones null."""
    columns = [c for c, _ in TABLES[name]]
    expanded = [r for row in rows for r in _repeated(row)]
    for i, row in enumerate(expanded):
        unknown = set(row) - set(columns)
        if unknown:
            raise ValueError(
                f"{name} row {i + 1}: no column {', '.join(sorted(unknown))} (columns: {', '.join(columns)})"
            )
    data: dict[str, list[Any]] = {c: [] for c in columns}
    for row in expanded:
        for c, kind in TABLES[name]:
            value = row.get(c)
            if kind == "DATE" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            elif kind == "VARCHAR" and value is not None:
                value = str(value)
            data[c].append(value)
    return pa.table(data, schema=table_schema(name))


def _repeated(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``repeat: n`` stands for n copies of the row (a case's 40 orders on one line), ids suffixed ``-i``."""
    times = row.get("repeat", 1)
    if not isinstance(times, int) or isinstance(times, bool) or times < 1:
        raise ValueError(f"repeat {times!r}: expected a whole number from 1")
    plain = {k: v for k, v in row.items() if k != "repeat"}
    if times == 1:
        return [plain]
    key = next(iter(plain), None)
    return [{**plain, **({key: f"{plain[key]}-{i + 1}"} if key else {})} for i in range(times)]


@dataclass(frozen=True)
class Hit:
    rule: str
    case_key: str
    person_id: int | None
    organisation_id: int | None
    score: int
    evidence: dict[str, Any]


@dataclass
class Screening:
    hits: list[Hit] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per rule
    rows: int = 0  # rows in the tables screened


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def connect(tables: Mapping[str, pa.Table | str]) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the six tables: an Arrow table each, or a SQL ``SELECT`` (the order store's
    Parquet files are read where they lie). A table not given is empty."""
    con = duckdb.connect()
    for name in TABLES:
        source = tables.get(name)
        if isinstance(source, str):
            con.execute(f"CREATE VIEW {name} AS {source}")
        else:
            con.register(f"_{name}", source if source is not None else table_from_rows(name, []))
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM _{name}")
    return con


def table_rows(con: duckdb.DuckDBPyConnection) -> int:
    total = 0
    for name in TABLES:
        row = con.execute(f"SELECT count(*) FROM {name}").fetchone()
        total += int(row[0]) if row else 0
    return total


def rule_run(con: duckdb.DuckDBPyConnection, rule: RiskRule, on: dt.date) -> list[Hit]:
    cursor = con.execute(rule.sql, rule.values_on(on))
    names = [d[0] for d in cursor.description]
    missing = {"case_key", "person_id", "organisation_id"} - set(names)
    if missing:
        raise ValueError(f"rule {rule.name}: the query does not return {', '.join(sorted(missing))}")
    hits = []
    for row in cursor.fetchall():
        values = dict(zip(names, row, strict=True))
        evidence = {k: _plain(v) for k, v in values.items() if k not in RESERVED}
        score = values.get("score")
        hits.append(
            Hit(
                rule=rule.name,
                case_key=str(values["case_key"]),
                person_id=int(values["person_id"]) if values["person_id"] is not None else None,
                organisation_id=int(values["organisation_id"]) if values["organisation_id"] is not None else None,
                score=max(1, min(100, int(score))) if score is not None else rule.score,
                evidence=json.loads(json.dumps(evidence, default=str)),
            )
        )
    hits.sort(key=lambda h: h.case_key)
    return hits


def screen(
    con: duckdb.DuckDBPyConnection, rules: Iterable[RiskRule], on: dt.date, *, count_rows: bool = True
) -> Screening:
    """Every rule in force on ``on``, over the connection's tables."""
    result = Screening(rows=table_rows(con) if count_rows else 0)
    for rule in rules:
        if not rule.in_force(on):
            continue
        started = time.perf_counter()
        result.hits.extend(rule_run(con, rule, on))
        result.seconds[rule.name] = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class CaseOutcome:
    rule: str
    case: Case
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


def case_run(rule: RiskRule, case: Case) -> CaseOutcome:
    """A YAML case: its tables, the rule on its day, the case keys it must hit (exactly those)."""
    try:
        unknown = set(case.inputs) - set(TABLES)
        if unknown:
            raise ValueError(f"no table {', '.join(sorted(unknown))}")
        con = connect({name: table_from_rows(name, rows) for name, rows in case.inputs.items()})
        got = sorted(h.case_key for h in rule_run(con, rule, case.period))
    except Exception as exc:  # a case reports, it does not crash the run
        return CaseOutcome(rule.name, case, [f"{type(exc).__name__}: {exc}"])
    want = sorted(case.hits)
    failures = [] if got == want else [f"expected hits {want}, got {got}"]
    return CaseOutcome(rule.name, case, failures)


def cases_run(rules: Iterable[RiskRule]) -> list[CaseOutcome]:
    return [case_run(rule, case) for rule in rules for case in rule.cases]
