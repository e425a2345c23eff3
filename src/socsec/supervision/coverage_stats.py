"""Effective coverage of workers in new forms of employment, in the spirit of the ILO's SDG 1.3.1: for a
month, how many are legally covered against work injury, how many contributed and how many received a
benefit, by worker category, platform, sector, province, sex and age band. Counted by the database in one
query per month over everyone (the persons are never read one by one); the cells it returns are bounded by
the dimensions' values, not by the persons.

Who is counted (the denominator): every person with an engagement in force on the month's last day that is
not a labour relation, or is with a platform. Each is counted once, under the engagement in force that
started first (then the lowest id): its category, platform, sector and the province of its work region.

- legally covered: the person's best occupational-injury status over their platform engagements in force
  (``coverage.counts``) is mandatory cover, or cover by the employee work-injury insurance;
- contributing: an own contribution covers the month, or a platform reported an order of theirs on or
  after the month's first day (the last order kept per person and platform: exact for the month in
  course, an upper bound for earlier months);
- receiving: a benefit payment for the month was made to them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from socsec.benefits.models import Award, BenefitPayment, Claim
from socsec.contributions.models import LastOrder, OwnContribution
from socsec.core.db import reading_whole_tables
from socsec.core.months import month_first_day, month_index, month_last_day
from socsec.coverage.counts import oip_best_of_person
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.rules.coverage import STATUS_PRECEDENCE, Category, Status

DIMENSIONS = ("category", "platform", "sector", "province", "sex", "age_band")
AGE_BANDS = ((15, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, None))
LEGAL_RANK = min(STATUS_PRECEDENCE[Status.MANDATORY], STATUS_PRECEDENCE[Status.COVERED_ELSEWHERE])

NO_PLATFORM_WORK = "SELECT CAST(NULL AS bigint) AS person_id, 0 AS best WHERE 1 = 0"
IN_FORCE = "{a}.start_date <= %s AND ({a}.end_date IS NULL OR {a}.end_date >= %s)"
NFE = "({a}.category <> %s OR {o}.kind = %s)"

CELLS = """
SELECT e.category, CASE WHEN e.okind = %s THEN e.ocode ELSE '' END,
       e.sector, CASE WHEN r.level = %s THEN pr.code ELSE r.code END, p.sex, {age},
       COUNT(*),
       SUM(CASE WHEN COALESCE(b.best, 0) >= %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN own.person_id IS NOT NULL OR ord.person_id IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN paid.person_id IS NOT NULL THEN 1 ELSE 0 END)
FROM (
  SELECT e.person_id, e.category, e.sector, e.work_region_id, o.kind AS okind, o.code AS ocode,
         ROW_NUMBER() OVER (PARTITION BY e.person_id ORDER BY e.start_date, e.id) AS n
  FROM {engagement} e JOIN {organisation} o ON o.id = e.organisation_id
  WHERE {in_force_e} AND {nfe_e}
) e
JOIN {person} p ON p.id = e.person_id
JOIN {region} r ON r.id = e.work_region_id
LEFT JOIN {region} pr ON pr.id = r.parent_id
LEFT JOIN ({best}) b ON b.person_id = e.person_id
LEFT JOIN (
  SELECT DISTINCT c.person_id FROM {own} c WHERE {start_index} <= %s AND {start_index} + c.months > %s
) own ON own.person_id = e.person_id
LEFT JOIN (
  SELECT DISTINCT l.person_id FROM {last_order} l WHERE l.last_order_on >= %s
) ord ON ord.person_id = e.person_id
LEFT JOIN (
  SELECT DISTINCT cl.person_id FROM {payment} bp JOIN {award} aw ON aw.id = bp.award_id
  JOIN {claim} cl ON cl.id = aw.claim_id WHERE bp.month = %s AND bp.amount_cents > 0
) paid ON paid.person_id = e.person_id
WHERE e.n = 1
GROUP BY 1, 2, 3, 4, 5, 6
"""


@dataclass(frozen=True)
class Cell:
    """One combination of the dimensions' values and its counts of persons."""

    key: tuple[str, ...]  # in the order of ``DIMENSIONS``
    persons: int
    legal: int
    contributing: int
    receiving: int


def _age_case(on: dt.date) -> tuple[str, list[Any]]:
    """A CASE naming a person's age band on ``on`` from their birth date, with its dates as parameters."""
    day = connection.ops.adapt_datefield_value
    cases, params = [], []
    for low, high in reversed(AGE_BANDS):
        born_by = _years_before(on, low)
        cases.append("WHEN p.birth_date <= %s THEN %s")
        params += [day(born_by), f"{low}+" if high is None else f"{low}-{high}"]
    return "CASE " + " ".join(cases) + " ELSE 'under' END", params


def _years_before(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _month_index_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {column})::int * 12 + EXTRACT(MONTH FROM {column})::int - 1)"
    return f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 12 + CAST(strftime('%%m', {column}) AS INTEGER) - 1)"


def coverage_cells(month: str) -> list[Cell]:
    """Everyone's counts for ``month`` (YYYY-MM), one cell per combination found: one query (and the
    occupational-injury rank table ``coverage.counts`` builds from the kinds of engagement)."""
    index = month_index(month)
    first, last = month_first_day(index), month_last_day(index)
    day = connection.ops.adapt_datefield_value
    quote = connection.ops.quote_name
    age, age_params = _age_case(last)
    with oip_best_of_person(last) as best:
        best_sql, best_params = (
            best if best is not None else ("SELECT CAST(NULL AS bigint) AS person_id, 0 AS best WHERE 1 = 0", [])
        )
        statement = CELLS.format(
            age=age,
            start_index=_month_index_sql("c.period_start"),
            best=best_sql,
            own=quote(OwnContribution._meta.db_table),
            last_order=quote(LastOrder._meta.db_table),
            payment=quote(BenefitPayment._meta.db_table),
            award=quote(Award._meta.db_table),
            claim=quote(Claim._meta.db_table),
            engagement=quote(Engagement._meta.db_table),
            organisation=quote(Organisation._meta.db_table),
            person=quote(Person._meta.db_table),
            region=quote(Region._meta.db_table),
            in_force_e=IN_FORCE.format(a="e"),
            nfe_e=NFE.format(a="e", o="o"),
        )
        nfe = [Category.LABOUR_RELATION.value, Organisation.Kind.PLATFORM.value]
        params: list[Any] = [
            Organisation.Kind.PLATFORM.value,
            Region.Level.CITY.value,
            *age_params,
            LEGAL_RANK,
            day(last),
            day(last),
            *nfe,
            *best_params,
            index,
            index,
            day(first),
            month,
        ]
        with reading_whole_tables(few_groups=True), connection.cursor() as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall()
    return [Cell(tuple(str(v) for v in row[:6]), *(int(v) for v in row[6:])) for row in rows]


def cells_total(cells: Sequence[Cell]) -> Cell:
    return Cell(
        (),
        sum(c.persons for c in cells),
        sum(c.legal for c in cells),
        sum(c.contributing for c in cells),
        sum(c.receiving for c in cells),
    )
