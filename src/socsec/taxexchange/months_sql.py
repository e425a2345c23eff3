"""The employers' months on record of every person, as SQL: the same months as
``selectors.employer_months_on_record_many`` (the months paid in full by the tax authority's results, and the
months of a labour relation before its employer's cut-over: its first handover, or the deployment's
``collected_from`` month if earlier), as ``(person_id, lo, hi)`` month-index spans that a caller unions
with its own spans in one query. Spans may overlap; the caller counts each month once. Parameters are
named and start with ``employer_`` so that they mix with the caller's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from socsec.core.months import month_index, month_of
from socsec.registry.models import Engagement
from socsec.rules.coverage import Category

from .models import CollectionResult, Handover

NO_CUTOVER = 10**7  # a month index later than any date's: the employer's months are all records taken over


def text_month(column: str) -> str:
    """The month index of a YYYY-MM text column, in SQL that PostgreSQL and SQLite both read."""
    return f"(CAST(substr({column}, 1, 4) AS INTEGER) * 12 + CAST(substr({column}, 6, 2) AS INTEGER) - 1)"


def employer_spans_sql(
    *, until: dt.date, scheme: str = "PENSION", postgres: bool, collected_from: str | None = None
) -> tuple[str, dict[str, Any]]:
    """A SELECT of ``(person_id, lo, hi)``: the employers' ``scheme`` months on record up to ``until``
    (``lo <= hi`` always), and its parameters. ``collected_from`` defaults to the deployment's setting."""
    from .selectors import _collected_from

    cut = collected_from if collected_from is not None else _collected_from()
    start = _date_month("e.start_date", postgres)
    until_sql = "CAST(%(employer_until)s AS DATE)" if postgres else "%(employer_until)s"
    job_end = f"CASE WHEN e.end_date IS NULL OR e.end_date > {until_sql} THEN {until_sql} ELSE e.end_date END"
    least = "LEAST" if postgres else "MIN"
    sql = (
        f"SELECT person_id, lo, hi FROM ("
        f" SELECT e.person_id, {start} AS lo,"
        f" {least}({_date_month(job_end, postgres)}, COALESCE(h.first_month, %(employer_never)s) - 1,"
        " %(employer_cut)s - 1) AS hi"
        f" FROM {Engagement._meta.db_table} e LEFT JOIN ("
        f"  SELECT employer_id, MIN({text_month('month')}) AS first_month FROM {Handover._meta.db_table}"
        "   GROUP BY employer_id"
        " ) h ON h.employer_id = e.organisation_id"
        " WHERE e.category = %(employer_category)s"
        " ) jobs WHERE lo <= hi"
        " UNION ALL"
        f" SELECT r.person_id, {text_month('r.month')}, {text_month('r.month')}"
        f" FROM {CollectionResult._meta.db_table} r"
        " WHERE r.scheme = %(employer_scheme)s AND r.status = %(employer_paid)s AND r.month <= %(employer_until_month)s"
    )
    params: dict[str, Any] = {
        "employer_until": until.isoformat(),
        "employer_until_month": month_of(until),
        "employer_never": NO_CUTOVER,
        "employer_cut": month_index(cut) if cut else NO_CUTOVER,
        "employer_category": Category.LABOUR_RELATION,
        "employer_scheme": scheme,
        "employer_paid": CollectionResult.Status.PAID,
    }
    return sql, params


def _date_month(day: str, postgres: bool) -> str:
    """The month index of a date column or expression, in SQL."""
    if postgres:
        return f"(date_part('year', {day})::int * 12 + date_part('month', {day})::int - 1)"
    return f"(CAST(substr({day}, 1, 4) AS INTEGER) * 12 + CAST(substr({day}, 6, 2) AS INTEGER) - 1)"
