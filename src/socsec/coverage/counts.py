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
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction

from socsec.core.db import reading_whole_tables
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
    # On SQLite a transaction would take the database's one write lock (transactions begin IMMEDIATE) for
    # the whole count, and every writer would wait on it: the count reads in autocommit there (WAL readers
    # block no one); its rank table is a temporary one, dropped at the end either way.
    atomic: AbstractContextManager[object] = (
        transaction.atomic() if connection.vendor == "postgresql" else nullcontext()
    )
    try:
        with atomic:
            return _coverage_counts(on)
    except RuleViolation as exc:
        raise _not_in_force(on, exc) from exc


def coverage_date_check(on: dt.date) -> None:
    """Refuse, as ``coverage_counts`` would, a date on which the formulas cannot decide (a rule they need
    was not in force yet), without reading the register: the formulas run on one made-up person."""
    case: dict[str, Any] = {
        "birth_date": np.array([on.replace(year=on.year - 40, day=1)], dtype="datetime64[D]"),  # any adult
        "sex": np.array([Person.Sex.MALE.value]),
        "retirement_group": np.array([Person.RetirementGroup.MEN_60.value]),
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


# Each statement below binds, in this order: the day (as often as it reads engagements in force, twice
# each), then the category and kind it names; ``_person_params`` and ``_platform_params`` build the lists.
# No common table expressions: PostgreSQL materialised one read twice and misjudged its size (a count of
# 1M persons took minutes instead of seconds).
IN_FORCE = "{alias}.start_date <= %s AND ({alias}.end_date IS NULL OR {alias}.end_date >= %s)"

# Persons grouped by what the person-level formulas read. The medical city is the work region of the
# first labour-relation engagement in force (by start date, then id), else the residence.
PERSON_GROUPS = """
SELECT p.birth_date, p.sex, COALESCE(rl.code, rr.code), COALESCE(a.labour, 0), COALESCE(a.other, 0), COUNT(*),
       p.retirement_group
FROM {person} p
JOIN {region} rr ON rr.id = p.residence_region_id
LEFT JOIN (
  SELECT e.person_id, MAX(CASE WHEN e.category = %s THEN 1 ELSE 0 END) AS labour,
         MAX(CASE WHEN e.category <> %s THEN 1 ELSE 0 END) AS other
  FROM {engagement} e WHERE {in_force_e} GROUP BY e.person_id
) a ON a.person_id = p.id
LEFT JOIN (
  SELECT e.person_id, e.work_region_id FROM {engagement} e
  WHERE e.category = %s AND {in_force_e} AND NOT EXISTS (
    SELECT 1 FROM {engagement} f WHERE f.person_id = e.person_id AND f.category = %s AND {in_force_f}
      AND (f.start_date < e.start_date OR (f.start_date = e.start_date AND f.id < e.id)))
) l ON l.person_id = p.id
LEFT JOIN {region} rl ON rl.id = l.work_region_id
GROUP BY p.birth_date, p.sex, COALESCE(rl.code, rr.code), COALESCE(a.labour, 0), COALESCE(a.other, 0),
         p.retirement_group"""

# Platform engagements in force, with whether the person works in a labour relation too.
PLATFORM = """FROM {engagement} e
JOIN {organisation} o ON o.id = e.organisation_id
LEFT JOIN (
  SELECT f.person_id, 1 AS labour FROM {engagement} f WHERE f.category = %s AND {in_force_f} GROUP BY f.person_id
) a ON a.person_id = e.person_id
{rank_join}WHERE o.kind = %s AND {in_force_e}"""
OIP_KINDS = (
    "SELECT DISTINCT e.work_region_id, e.sector, e.category, e.organisation_id, COALESCE(a.labour, 0) "
    + PLATFORM.replace("{rank_join}", "")
)
RANK_JOIN = """JOIN {rank} k ON k.work_region_id = e.work_region_id AND k.sector = e.sector
 AND k.category = e.category AND k.organisation_id = e.organisation_id AND k.labour = COALESCE(a.labour, 0)
"""
OIP_BEST_OF_PERSON = (
    "SELECT e.person_id, MAX(k.rank) AS best " + PLATFORM.replace("{rank_join}", RANK_JOIN) + " GROUP BY e.person_id"
)
ACTIVE_COUNT = "SELECT COUNT(*) FROM {engagement} e WHERE {in_force_e}"
RANK_CREATE = (
    "CREATE TEMPORARY TABLE {rank} (work_region_id bigint, sector varchar(30), category varchar(20), "
    "organisation_id bigint, labour integer, rank integer)"
)
LABOUR = Category.LABOUR_RELATION.value
PLATFORM_KIND = Organisation.Kind.PLATFORM.value


def _sql(statement: str) -> str:
    quote = connection.ops.quote_name
    return statement.format(
        person=quote(Person._meta.db_table),
        engagement=quote(Engagement._meta.db_table),
        region=quote(Region._meta.db_table),
        organisation=quote(Organisation._meta.db_table),
        rank=quote(RANK_TABLE),
        in_force_e=IN_FORCE.format(alias="e"),
        in_force_f=IN_FORCE.format(alias="f"),
    )


def _day(on: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(on)


def _person_params(on: dt.date) -> list[Any]:
    day = _day(on)
    return [LABOUR, LABOUR, day, day, LABOUR, day, day, LABOUR, day, day]


def _platform_params(on: dt.date) -> list[Any]:
    day = _day(on)
    return [LABOUR, day, day, PLATFORM_KIND, day, day]


def _coverage_counts(on: dt.date) -> CoverageCounts:
    totals: dict[Scheme, dict[int, int]] = {scheme: {} for scheme in PERSON_SCHEMES}
    persons = 0
    for chunk in _person_groups(on):
        persons += _decide_persons(chunk, on, totals)
    by_scheme = {scheme: _by_status(codes) for scheme, codes in totals.items()}
    by_scheme[Scheme.OIP] = _oip_counts(on, persons)
    with connection.cursor() as cursor:
        cursor.execute(_sql(ACTIVE_COUNT), [_day(on), _day(on)])
        engagements = int(cursor.fetchone()[0])
    return CoverageCounts(on, persons, engagements, by_scheme)


def _person_groups(on: dt.date) -> Iterator[Sequence[tuple[Any, ...]]]:
    cursor = connection.chunked_cursor()  # server-side on PostgreSQL: the groups stream
    try:
        cursor.execute(_sql(PERSON_GROUPS), _person_params(on))
        while rows := cursor.fetchmany(CHUNK):
            yield rows
    finally:
        cursor.close()


def _decide_persons(rows: Sequence[tuple[Any, ...]], on: dt.date, totals: dict[Scheme, dict[int, int]]) -> int:
    """Run each person-level formula over one chunk of groups and add each reason's persons to ``totals``."""
    weight = np.array([row[5] for row in rows], dtype=np.int64)
    arrays = {
        "birth_date": np.array([_iso(row[0]) for row in rows], dtype="datetime64[D]"),
        "sex": np.array([row[1] for row in rows], dtype="U1"),
        "retirement_group": np.array([row[6] for row in rows], dtype="U8"),
        "city": np.array([row[2] for row in rows], dtype="U6"),
        "labour_relation": np.array([bool(row[3]) for row in rows], dtype=bool),
        "other_work": np.array([bool(row[4]) for row in rows], dtype=bool),
    }
    dates = np.full(len(rows), np.datetime64(on, "D"))
    for scheme, name in PERSON_SCHEMES.items():
        codes = np.asarray(compute(name, on=dates, **inputs_of(name, arrays)), dtype=np.int64)
        _add_weighted(totals[scheme], codes, weight)
    return int(weight.sum())


def _iso(value: dt.date | str) -> str:
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


def _oip_counts(on: dt.date, persons: int) -> dict[Status, int]:
    """Each person's best OIP status over their platform engagements in force; none: not eligible."""
    counts = {s: 0 for s in Status}
    with oip_best_of_person(on) as best_sql:
        best: list[tuple[Any, ...]] = []
        if best_sql is not None:
            with reading_whole_tables(), connection.cursor() as cursor:
                cursor.execute("SELECT best, COUNT(*) FROM (" + best_sql[0] + ") b GROUP BY best", best_sql[1])
                best = cursor.fetchall()
    by_rank = {v: k for k, v in STATUS_PRECEDENCE.items()}
    for rank, k in best:
        counts[by_rank[int(rank)]] += int(k)
    counts[Status.NOT_ELIGIBLE] += persons - sum(int(k) for _, k in best)
    return counts


@contextmanager
def oip_best_of_person(on: dt.date) -> Iterator[tuple[str, list[Any]] | None]:
    """While open: each person's best OIP status rank (``STATUS_PRECEDENCE``) over their platform
    engagements in force on ``on``, as an SQL subquery of ``(person_id, best)`` with its parameters. The
    formula ranks each kind of engagement once into a temporary table the subquery reads, dropped on
    leaving; None when no platform engagement is in force."""
    params = _platform_params(on)
    with connection.cursor() as cursor:
        cursor.execute(_sql(OIP_KINDS), params)
        kinds = cursor.fetchall()
    if not kinds:
        yield None
        return
    ranks = _oip_ranks(kinds, on)
    with connection.cursor() as cursor:
        cursor.execute(_sql("DROP TABLE IF EXISTS {rank}"))
        cursor.execute(_sql(RANK_CREATE))
        try:
            rows = [(*kind, rank) for kind, rank in zip(kinds, ranks, strict=True)]
            insert = _sql("INSERT INTO {rank} VALUES (%s, %s, %s, %s, %s, %s)")
            for start in range(0, len(rows), RANK_BATCH):
                cursor.executemany(insert, rows[start : start + RANK_BATCH])
            if connection.vendor == "postgresql":
                # its size known: else PostgreSQL guesses hundreds of rows at one match each, and joins every
                # engagement through index bitmaps per kind (1.5M matches found in 7 s at 1M persons,
                # minutes at 10M) where one pass over the engagements with the kinds hashed does. Not on
                # SQLite: told the table is small, it reads the engagements again for each kind (40x slower
                # where its own tables have no statistics)
                cursor.execute(_sql("ANALYZE {rank}"))
            yield _sql(OIP_BEST_OF_PERSON), params
        finally:
            cursor.execute(_sql("DROP TABLE {rank}"))


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
