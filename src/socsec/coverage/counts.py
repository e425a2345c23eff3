"""Everyone's coverage per scheme on a date, counted set-based: the database groups the persons by what the
formulas read of them (birth date, sex, the city of their medical insurance, whether they work in a labour
relation and otherwise) and the formulas run once per group, the groups streamed in chunks, so memory
stays bounded whatever the register's size. OIP is decided per engagement: the database lists the distinct
kinds of platform engagement in force (region, sector, category, platform, and whether the person also
works in a labour relation), the formula ranks each kind once, and the database takes each person's best.
The results are exactly those of ``coverage_for`` person by person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction

from socsec.core.errors import ValidationFailed
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.rules.coverage import REASONS, STATUS_PRECEDENCE, Category, Scheme, Status
from socsec.rules.engine import RuleViolation, compute

from .formulas import PERSON_SCHEMES, inputs_of, oip_activated, oip_activation_keys

CHUNK = 50_000  # groups of persons read and decided at a time
RANK_BATCH = 500  # rows of the OIP rank table inserted per statement (SQLite bounds a statement's variables)
RANK_TABLE = "coverage_oip_rank"


@dataclass(frozen=True)
class CoverageCounts:
    on: dt.date
    persons: int
    engagements: int
    by_scheme: dict[Scheme, dict[Status, int]]


def coverage_counts(on: dt.date) -> CoverageCounts:
    """Everyone's status per scheme on a date. A date before the rules were in force is refused as
    ``coverage_for`` refuses it."""
    try:
        with transaction.atomic():  # one snapshot of the register; the rank table lives and dies in it
            return _coverage_counts(on)
    except RuleViolation as exc:
        raise _not_in_force(on, exc) from exc


def coverage_date_check(on: dt.date) -> None:
    """Refuse, as ``coverage_counts`` would, a date on which the formulas cannot decide (a rule they need
    was not in force yet), without reading the register: the formulas run on one made-up person."""
    case: dict[str, Any] = {
        "birth_date": np.array([on - dt.timedelta(days=365 * 60)], dtype="datetime64[D]"),
        "sex": np.array([Person.Sex.MALE.value]),
        "labour_relation": np.array([True]),
        "other_work": np.array([True]),
        "city": np.array([""], dtype="U6"),
    }
    try:
        for name in PERSON_SCHEMES.values():
            compute(name, on=np.full(1, np.datetime64(on, "D")), **inputs_of(name, case))
    except RuleViolation as exc:
        raise _not_in_force(on, exc) from exc


def _not_in_force(on: dt.date, exc: RuleViolation) -> ValidationFailed:
    return ValidationFailed(
        "on: coverage cannot be decided on %(on)s: a rule it needs was not in force yet.",
        field="on",
        details={"rule": str(exc)},
        params={"on": on.isoformat()},
    )


def _tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "person": quote(Person._meta.db_table),
        "engagement": quote(Engagement._meta.db_table),
        "region": quote(Region._meta.db_table),
        "organisation": quote(Organisation._meta.db_table),
        "rank": quote(RANK_TABLE),
    }


# The engagements in force on the day (bound twice: the start and the end), and per person whether one
# of them is in a labour relation and whether one is not.
ACTIVE = """
act AS (
  SELECT e.id, e.person_id, e.category, e.sector, e.start_date, e.work_region_id, e.organisation_id
  FROM {engagement} e WHERE e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)
), agg AS (
  SELECT person_id,
         MAX(CASE WHEN category = %s THEN 1 ELSE 0 END) AS labour,
         MAX(CASE WHEN category <> %s THEN 1 ELSE 0 END) AS other
  FROM act GROUP BY person_id
)"""

# Persons grouped by what the person-level formulas read. The medical city is the work region of the
# first labour-relation engagement in force (by start date, then id), else the residence.
PERSON_GROUPS = (
    "WITH"
    + ACTIVE
    + """, lab AS (
  SELECT person_id, work_region_id, ROW_NUMBER() OVER (PARTITION BY person_id ORDER BY start_date, id) AS n
  FROM act WHERE category = %s
)
SELECT p.birth_date, p.sex, r.code, COALESCE(agg.labour, 0), COALESCE(agg.other, 0), COUNT(*)
FROM {person} p
LEFT JOIN agg ON agg.person_id = p.id
LEFT JOIN lab ON lab.person_id = p.id AND lab.n = 1
JOIN {region} r ON r.id = COALESCE(lab.work_region_id, p.residence_region_id)
GROUP BY p.birth_date, p.sex, r.code, COALESCE(agg.labour, 0), COALESCE(agg.other, 0)"""
)

# Platform engagements in force, with the person's labour flag.
PLATFORM = (
    "WITH"
    + ACTIVE
    + """, plat AS (
  SELECT a.person_id, a.work_region_id, a.sector, a.category, a.organisation_id, agg.labour
  FROM act a JOIN agg ON agg.person_id = a.person_id JOIN {organisation} o ON o.id = a.organisation_id
  WHERE o.kind = %s
)
"""
)
OIP_KINDS = PLATFORM + "SELECT DISTINCT work_region_id, sector, category, organisation_id, labour FROM plat"
OIP_BEST = (
    PLATFORM
    + """SELECT best, COUNT(*) FROM (
  SELECT plat.person_id, MAX(k.rank) AS best FROM plat JOIN {rank} k
    ON k.work_region_id = plat.work_region_id AND k.sector = plat.sector AND k.category = plat.category
   AND k.organisation_id = plat.organisation_id AND k.labour = plat.labour
  GROUP BY plat.person_id
) best_of_person GROUP BY best"""
)


ACTIVE_COUNT = (
    "SELECT COUNT(*) FROM {engagement} e WHERE e.start_date <= %s AND (e.end_date IS NULL OR e.end_date >= %s)"
)


def _active_params(on: dt.date) -> list[Any]:
    day = connection.ops.adapt_datefield_value(on)
    labour = Category.LABOUR_RELATION.value
    return [day, day, labour, labour]


def _coverage_counts(on: dt.date) -> CoverageCounts:
    tables = _tables()
    totals: dict[Scheme, dict[int, int]] = {scheme: {} for scheme in PERSON_SCHEMES}
    persons = 0
    for chunk in _person_groups(on, tables):
        persons += _decide_persons(chunk, on, totals)
    by_scheme = {scheme: _by_status(codes) for scheme, codes in totals.items()}
    by_scheme[Scheme.OIP] = _oip_counts(on, tables, persons)
    with connection.cursor() as cursor:
        cursor.execute(ACTIVE_COUNT.format(**tables), _active_params(on)[:2])
        engagements = int(cursor.fetchone()[0])
    return CoverageCounts(on, persons, engagements, by_scheme)


def _person_groups(on: dt.date, tables: dict[str, str]) -> Iterator[Sequence[tuple[Any, ...]]]:
    cursor = connection.chunked_cursor()  # server-side on PostgreSQL: the groups stream
    try:
        cursor.execute(PERSON_GROUPS.format(**tables), [*_active_params(on), Category.LABOUR_RELATION.value])
        while rows := cursor.fetchmany(CHUNK):
            yield rows
    finally:
        cursor.close()


def _decide_persons(rows: Sequence[tuple[Any, ...]], on: dt.date, totals: dict[Scheme, dict[int, int]]) -> int:
    """Run each person-level formula over one chunk of groups and add each reason's persons to ``totals``."""
    weight = np.array([row[5] for row in rows], dtype=np.int64)
    arrays = {
        "birth_date": np.array([_day(row[0]) for row in rows], dtype="datetime64[D]"),
        "sex": np.array([row[1] for row in rows], dtype="U1"),
        "city": np.array([row[2] for row in rows], dtype="U6"),
        "labour_relation": np.array([bool(row[3]) for row in rows], dtype=bool),
        "other_work": np.array([bool(row[4]) for row in rows], dtype=bool),
    }
    dates = np.full(len(rows), np.datetime64(on, "D"))
    for scheme, name in PERSON_SCHEMES.items():
        codes = np.asarray(compute(name, on=dates, **inputs_of(name, arrays)), dtype=np.int64)
        _add_weighted(totals[scheme], codes, weight)
    return int(weight.sum())


def _day(value: dt.date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


def _add_weighted(into: dict[int, int], codes: np.ndarray, weight: np.ndarray) -> None:
    values, inverse = np.unique(codes, return_inverse=True)
    sums = np.zeros(len(values), dtype=np.int64)
    np.add.at(sums, inverse.reshape(-1), weight)
    for code, k in zip(values, sums, strict=True):
        into[int(code)] = into.get(int(code), 0) + int(k)


def _by_status(codes: dict[int, int]) -> dict[Status, int]:
    counts = {s: 0 for s in Status}
    for code, k in codes.items():
        counts[REASONS[code].status] += k
    return counts


def _oip_counts(on: dt.date, tables: dict[str, str], persons: int) -> dict[Status, int]:
    """Each person's best OIP status over their platform engagements in force; none: not eligible."""
    params = [*_active_params(on), Organisation.Kind.PLATFORM.value]
    with connection.cursor() as cursor:
        cursor.execute(OIP_KINDS.format(**tables), params)
        kinds = cursor.fetchall()
    counts = {s: 0 for s in Status}
    if not kinds:
        counts[Status.NOT_ELIGIBLE] = persons
        return counts
    ranks = _oip_ranks(kinds, on)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS {rank}".format(**tables))
        cursor.execute(
            "CREATE TEMPORARY TABLE {rank} (work_region_id bigint, sector varchar(30), category varchar(20), "
            "organisation_id bigint, labour integer, rank integer)".format(**tables)
        )
        try:
            rows = [(*kind, rank) for kind, rank in zip(kinds, ranks, strict=True)]
            insert = "INSERT INTO {rank} VALUES (%s, %s, %s, %s, %s, %s)".format(**tables)
            for start in range(0, len(rows), RANK_BATCH):
                cursor.executemany(insert, rows[start : start + RANK_BATCH])
            cursor.execute(OIP_BEST.format(**tables), params)
            best = cursor.fetchall()
        finally:
            cursor.execute("DROP TABLE {rank}".format(**tables))
    by_rank = {v: k for k, v in STATUS_PRECEDENCE.items()}
    for rank, k in best:
        counts[by_rank[int(rank)]] += int(k)
    counts[Status.NOT_ELIGIBLE] += persons - sum(int(k) for _, k in best)
    return counts


def _oip_ranks(kinds: Sequence[tuple[Any, ...]], on: dt.date) -> list[int]:
    """The OIP status rank of each kind of platform engagement (region, sector, category, platform, the
    person's labour flag), decided by the formula over all kinds at once."""
    keys = oip_activation_keys(on)
    regions = Region.objects.in_bulk()  # reference data: a few hundred rows
    n = len(kinds)
    codes = compute(
        "coverage_oip",
        on=np.full(n, np.datetime64(on, "D")),
        region=np.array([regions[k[0]].code for k in kinds], dtype="U6"),
        sector=np.array([k[1] for k in kinds]),
        category=np.array([k[2] for k in kinds]),
        platform=np.ones(n, dtype=bool),
        activated=np.array([oip_activated(keys, k[0], regions[k[0]].parent_id, k[3], k[1]) for k in kinds]),
        labour_relation=np.array([bool(k[4]) for k in kinds], dtype=bool),
    )
    return [STATUS_PRECEDENCE[REASONS[int(c)].status] for c in codes]
