"""What a payment run reads of the payments made before on a batch of awards, and what it records of each
award so that the next run reads less (``pay_due.bound``): one query a batch each way, whatever the
batch's size or the awards' age, with the batch's awards given as one JSON array (one parameter, within
SQLite's limit on variables at any size).

The read takes each award's payments from the first month the run must read (an empty month: all of
them), one index range an award (``benefit_paid_once``: award, month, kind), and the award's few rows of
other kinds before it (``benefit_not_payment_award``), in the order they were made. The record writes
``paid_through`` and ``paid_amounts`` of the awards whose record changed in one ``UPDATE ... FROM``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection

from .models import BenefitPayment
from .pay_due import PaidRow

# the batch's (award id, first month read), as rows of a table
_BOUNDS = {
    "postgresql": "SELECT (e->>0)::bigint AS award_id, e->>1 AS from_month FROM jsonb_array_elements(%s::jsonb) AS e",
    "sqlite": "SELECT json_extract(value, '$[0]') AS award_id, json_extract(value, '$[1]') AS from_month"
    " FROM json_each(%s)",
}
_READ = """
WITH bound AS ({bounds})
SELECT p.award_id, p.month, p.kind, p.amount_cents FROM (
    SELECT p.award_id, p.month, p.kind, p.amount_cents, p.run_id, p.id
    FROM bound b JOIN benefits_benefitpayment p ON p.award_id = b.award_id AND p.month >= b.from_month
    UNION ALL
    SELECT p.award_id, p.month, p.kind, p.amount_cents, p.run_id, p.id
    FROM bound b JOIN benefits_benefitpayment p {not_payments} ON p.award_id = b.award_id AND p.month < b.from_month
    WHERE NOT (p.kind = '{payment}')
) p
ORDER BY p.award_id, p.run_id, p.id
"""
# the index of the rows other than payments, named to SQLite (whose planner took the unique one, reading the
# payments of every earlier month to skip them); PostgreSQL's takes it unasked
_NOT_PAYMENTS = {"postgresql": "", "sqlite": "INDEXED BY benefit_not_payment_award"}
# (award id, paid through, paid amounts) of each award whose record changed (JSON null: SQL NULL)
_RECORD = {
    "postgresql": "UPDATE benefits_award AS a SET paid_through = v.e->>1, paid_amounts = NULLIF(v.e->2, 'null'::jsonb)"
    " FROM jsonb_array_elements(%s::jsonb) AS v(e) WHERE a.id = (v.e->>0)::bigint",
    "sqlite": "UPDATE benefits_award SET paid_through = json_extract(v.value, '$[1]'),"
    " paid_amounts = json_extract(v.value, '$[2]') FROM json_each(%s) AS v"
    " WHERE benefits_award.id = json_extract(v.value, '$[0]')",
}


def paid_rows(bounds: Sequence[tuple[int, str]]) -> tuple[dict[int, list[PaidRow]], int]:
    """What was paid on each award of ``bounds`` (award id, first month read: "" for all), by award in the
    order made, and the number of rows read."""
    out: dict[int, list[PaidRow]] = {}
    if not bounds:
        return out, 0
    # the PAYMENT kind written into the statement: a partial index serves a query whose condition names it
    vendor = connection.vendor
    sql = _READ.format(bounds=_BOUNDS[vendor], not_payments=_NOT_PAYMENTS[vendor], payment=BenefitPayment.Kind.PAYMENT)
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps([[pk, month] for pk, month in bounds])])
        while chunk := cursor.fetchmany(10000):
            count += len(chunk)
            for award_id, month, kind, cents in chunk:
                out.setdefault(award_id, []).append((month, kind, int(cents)))
    return out, count


def paid_through_record(records: Sequence[tuple[int, str, dict[str, int] | None]]) -> None:
    """Write each award's (id, paid through, paid amounts), in one statement."""
    if not records:
        return
    with connection.cursor() as cursor:
        cursor.execute(_RECORD[connection.vendor], [json.dumps([list(record) for record in records])])
