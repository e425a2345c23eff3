"""The insured records' sums done by the database in one query over all persons, streamed in the order of
their ids: per person who may be in the export (a pension in force, or months on record), the birth
date, sex and retirement group, the pension, the months on record (the union of the months of employee-
pension contributions, of the employers' months on record, ``taxexchange.months_sql``, and of the
months transfers brought in, ``transfers.records``, each month once), the months paid by their own
contributions and those months weighted by the chosen base over the regional average wage, and the
individual account's balance. The database reads each table once, in bulk
(on PostgreSQL it may use parallel workers), instead of a few index look-ups per person; PostgreSQL
sends the rows with COPY, read in blocks by Arrow.

The sums are those of the row-by-row reading exactly: the weighted months are added in the order the
contributions were made (a running sum over their ids: floating-point addition must not be reordered);
the base is read from the stored explanation where the rules put it (the explanation's own value, or its
first step); a contribution whose base is elsewhere or not a number is counted in ``unread``, and the
caller reads those persons' explanations the slow way."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Iterator
from typing import Any

import numpy as np
from django.db import connection

from socsec.core.db import planner_settings
from socsec.core.months import month_index
from socsec.ledger.accounts import INDIVIDUAL_ACCOUNT_PREFIX
from socsec.rules.engine import compute

BASE_FORMULA = "contribution_base"
EXPORT_SETTINGS = {"jit": "off", "enable_indexscan": "off"}
# The columns of each row, as ``record_chunks`` gives them.
COLUMNS = (
    "person",
    "birth_date",
    "sex",
    "retirement_group",
    "pension",
    "months",
    "paid_months",
    "weighted",
    "unread",
    "balance",
)


def record_chunks(*, end: dt.date, chunk: int) -> Iterator[dict[str, list[Any]]]:
    """The rows of every person who may be in the records at ``end``, in the order of their ids, as columns
    of at most ``chunk`` rows (Python lists; absent values are None; birth dates as ``datetime.date``)."""
    sql, params = _query(end)
    if connection.vendor == "postgresql":
        yield from _copied_chunks(sql, params, chunk)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            columns = dict(zip(COLUMNS, map(list, zip(*rows, strict=True)), strict=True))
            columns["birth_date"] = [
                d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in columns["birth_date"]
            ]
            yield columns


def _copied_chunks(sql: str, params: dict[str, Any], chunk: int) -> Iterator[dict[str, list[Any]]]:
    """The rows copied whole to a temporary file first (the connection is free again for the reads the
    caller makes between slices), then read back by Arrow in blocks."""
    import pyarrow as pa
    from psycopg import ClientCursor
    from pyarrow import csv

    types = dict(
        zip(
            COLUMNS,
            [pa.int64(), pa.date32(), pa.string(), pa.string(), *[pa.int64()] * 3, pa.float64(), *[pa.int64()] * 2],
            strict=True,
        )
    )
    with tempfile.TemporaryFile() as spool:
        # no JIT (compiling this query's expressions takes longer than running it), and every table read
        # whole: the persons in id order by a scan and a sort, not walked through their primary key's index
        # (at 10M persons the walk took 136 s where a scan and a sort take 18 s)
        with planner_settings(EXPORT_SETTINGS), connection.cursor() as cursor:
            statement = ClientCursor(cursor.connection).mogrify(sql, params)  # COPY takes no parameters
            with cursor.cursor.copy(f"COPY ({statement}) TO STDOUT") as copy:
                for row in copy:  # one row a message
                    spool.write(row)
        spool.seek(0)
        reader = csv.open_csv(
            spool,
            read_options=csv.ReadOptions(column_names=list(COLUMNS), block_size=1 << 22),
            parse_options=csv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False),
            convert_options=csv.ConvertOptions(column_types=types, null_values=["\\N"], strings_can_be_null=False),
        )
        pending: dict[str, list[Any]] = {name: [] for name in COLUMNS}
        for batch in reader:
            for name in COLUMNS:
                pending[name].extend(batch.column(name).to_pylist())
            while len(pending["person"]) >= chunk:
                yield {name: values[:chunk] for name, values in pending.items()}
                pending = {name: values[chunk:] for name, values in pending.items()}
        if pending["person"]:
            yield pending


def regional_wages(*, end: dt.date) -> str:
    """The regional average monthly wage (cents) of each region and period start of the employee-pension
    own contributions before ``end``, from the rules: a JSON list of ``[region_id, "YYYY-MM-DD", wage]``,
    one query parameter whatever its length."""
    from socsec.contributions.models import OwnContribution
    from socsec.registry.models import Region

    own, region = OwnContribution._meta.db_table, Region._meta.db_table
    sql = (
        f"SELECT DISTINCT c.region_id, r.code, c.period_start FROM {own} c JOIN {region} r ON r.id = c.region_id"
        " WHERE c.scheme = %s AND c.period_start < %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [OwnContribution.Scheme.EMPLOYEE_PENSION, connection.ops.adapt_datefield_value(end)])
        pairs = cursor.fetchall()
    if not pairs:
        return "[]"
    starts = [p[2] if isinstance(p[2], dt.date) else dt.date.fromisoformat(p[2]) for p in pairs]
    wages = compute(
        "regional_average_monthly_wage",
        np.array([d.isoformat() for d in starts], dtype="datetime64[D]"),
        region=np.array([p[1] for p in pairs]),
    )
    return json.dumps([[p[0], d.isoformat(), int(w)] for p, d, w in zip(pairs, starts, wages.tolist(), strict=True)])


def _query(end: dt.date) -> tuple[str, dict[str, Any]]:
    from socsec.contributions.models import OwnContribution
    from socsec.ledger.models import Account, LedgerEntry
    from socsec.registry.models import Person
    from socsec.taxexchange.months_sql import employer_spans_sql

    from .models import PAYING_STATUSES, Award, Claim

    until = end - dt.timedelta(days=1)
    postgres = connection.vendor == "postgresql"
    from socsec.transfers.records import transferred_spans_sql

    employer_spans, employer_params = employer_spans_sql(until=until, scheme="PENSION", postgres=postgres)
    transferred, transferred_params = transferred_spans_sql(until=until, scheme="PENSION", postgres=postgres)
    sql = _SQL.format(
        persons=Person._meta.db_table,
        own=OwnContribution._meta.db_table,
        employer_spans=employer_spans,
        transferred_spans=transferred,
        awards=Award._meta.db_table,
        claims=Claim._meta.db_table,
        accounts=Account._meta.db_table,
        entries=LedgerEntry._meta.db_table,
        wages=_WAGES_PG if postgres else _WAGES_SQLITE,
        base=_base_pg() if postgres else _base_sqlite(),
        lo=_month("c.period_start", postgres),
        account_person="substr(a.code, %(prefix_length)s)::bigint"
        if postgres
        else "CAST(substr(a.code, %(prefix_length)s) AS INTEGER)",
        paying=", ".join(f"%(paying_{i})s" for i in range(len(PAYING_STATUSES))),
        least="LEAST" if postgres else "MIN",
        greatest="GREATEST" if postgres else "MAX",
        real="DOUBLE PRECISION" if postgres else "REAL",
        fence=" OFFSET 0" if postgres else "",  # the base is read before the sort, which then leaves the JSON out
    )
    params: dict[str, Any] = {
        "wages": regional_wages(end=end),
        "scheme": OwnContribution.Scheme.EMPLOYEE_PENSION,
        "end": connection.ops.adapt_datefield_value(end),
        "last_month": month_index(until),
        "formula": BASE_FORMULA,
        "item": "pension_monthly",
        "active": Award.Status.ACTIVE,
        "true": True,
        "prefix": INDIVIDUAL_ACCOUNT_PREFIX.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
        "prefix_length": len(INDIVIDUAL_ACCOUNT_PREFIX) + 1,
    }
    params |= employer_params | transferred_params
    params |= {f"paying_{i}": str(status) for i, status in enumerate(PAYING_STATUSES)}
    return sql, params


def _month(day: str, postgres: bool) -> str:
    """The month index of a date column or expression, in SQL."""
    if postgres:
        return f"(date_part('year', {day})::int * 12 + date_part('month', {day})::int - 1)"
    return f"(CAST(substr({day}, 1, 4) AS INTEGER) * 12 + CAST(substr({day}, 6, 2) AS INTEGER) - 1)"


def _base_pg() -> str:
    def at(path: str) -> str:  # one walk down the stored JSON, no copy of the objects on the way
        return f"c.explanation #> '{{contribution{path}}}'"

    def text(path: str) -> str:
        return f"c.explanation #>> '{{contribution{path}}}'"

    return (
        f"CASE WHEN {text(',formula')} = %(formula)s THEN"
        f" CASE WHEN jsonb_typeof({at(',value')}) = 'number' THEN ({text(',value')})::float8 END"
        f" WHEN {text(',steps,0,formula')} = %(formula)s AND jsonb_typeof({at(',steps,0,value')}) = 'number'"
        f" THEN ({text(',steps,0,value')})::float8 END"
    )


def _base_sqlite() -> str:
    def at(path: str) -> str:
        return f"json_extract(c.explanation, '$.contribution{path}')"

    def number(path: str) -> str:
        return f"json_type(c.explanation, '$.contribution{path}') IN ('integer', 'real')"

    return (
        f"CASE WHEN {at('.formula')} = %(formula)s THEN"
        f" CASE WHEN {number('.value')} THEN CAST({at('.value')} AS REAL) END"
        f" WHEN {at('.steps[0].formula')} = %(formula)s AND {number('.steps[0].value')}"
        f" THEN CAST({at('.steps[0].value')} AS REAL) END"
    )


_WAGES_PG = (
    "SELECT (w ->> 0)::bigint AS region_id, (w ->> 1)::date AS period_start, (w ->> 2)::bigint AS wage"
    " FROM jsonb_array_elements(%(wages)s::jsonb) AS w"
)
_WAGES_SQLITE = (
    "SELECT json_extract(value, '$[0]') AS region_id, json_extract(value, '$[1]') AS period_start,"
    " json_extract(value, '$[2]') AS wage FROM json_each(%(wages)s)"
)

# The pension: the last award in force in the order of claims (their ordering: decision due, id) and awards.
# Months on record: a person's spans sorted by start, each counting the months after the latest month any
# span before it reached. Weighted months: a running sum over the contributions' ids, read at the last one.
_SQL = """
WITH wages AS ({wages})
SELECT p.id, p.birth_date, p.sex, p.retirement_group, pe.amount_cents, r.months,
    d.paid_months, d.weighted, d.unread, b.balance
FROM {persons} p
LEFT JOIN (
    SELECT person_id, amount_cents FROM (
        SELECT c.person_id, a.amount_cents, ROW_NUMBER() OVER (
            PARTITION BY c.person_id ORDER BY c.decision_due DESC, c.id DESC, a.id DESC
        ) AS latest
        FROM {awards} a JOIN {claims} c ON c.id = a.claim_id
        WHERE a.status = %(active)s AND c.status IN ({paying}) AND a.item = %(item)s AND a.periodic = %(true)s
    ) l WHERE latest = 1
) pe ON pe.person_id = p.id
LEFT JOIN (
    SELECT person_id, SUM({greatest}(0, hi - {greatest}(lo, COALESCE(before + 1, lo)) + 1)) AS months
    FROM (
        SELECT person_id, lo, hi, MAX(hi) OVER (
            PARTITION BY person_id ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS before
        FROM (
            SELECT c.person_id, {lo} AS lo, {least}({lo} + c.months - 1, %(last_month)s) AS hi FROM {own} c
            WHERE c.scheme = %(scheme)s AND c.period_start < %(end)s
            UNION ALL
            {employer_spans}
            UNION ALL
            {transferred_spans}
        ) spans
    ) reached
    GROUP BY person_id
) r ON r.person_id = p.id
LEFT JOIN (
    SELECT person_id, paid_months, weighted, unread FROM (
        SELECT person_id,
            SUM(months) OVER made AS paid_months,
            SUM(months * (CAST(base AS {real}) / CAST(wage AS {real}))) OVER made AS weighted,
            SUM(CASE WHEN base IS NULL OR wage IS NULL THEN 1 ELSE 0 END) OVER made AS unread,
            ROW_NUMBER() OVER made AS made_nth,
            COUNT(*) OVER (PARTITION BY person_id) AS made_count
        FROM (
            SELECT c.id, c.person_id, c.months, {base} AS base, w.wage
            FROM {own} c LEFT JOIN wages w ON w.region_id = c.region_id AND w.period_start = c.period_start
            WHERE c.scheme = %(scheme)s AND c.period_start < %(end)s{fence}
        ) own
        WINDOW made AS (PARTITION BY person_id ORDER BY id ROWS UNBOUNDED PRECEDING)
    ) running WHERE made_nth = made_count
) d ON d.person_id = p.id
LEFT JOIN (
    SELECT {account_person} AS person_id, SUM(e.amount_cents) AS balance
    FROM {entries} e JOIN {accounts} a ON a.id = e.account_id
    WHERE a.code LIKE %(prefix)s ESCAPE '\\'
    GROUP BY a.code
) b ON b.person_id = p.id
WHERE pe.person_id IS NOT NULL OR r.months > 0
ORDER BY p.id
"""
