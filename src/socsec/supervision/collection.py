"""Platforms' contributions to the OIP funds on a day, by province and month assessed: what was due (the
invoices the ledger's ``invoice:<id>`` transactions posted to ``fund:OIP:<province>``), what was collected
and what is in arrears, aged by the days since the due date. One query whatever the number of invoices.

The amount left on an invoice is the one the platform's account shows (``contributions.collection.
outstanding``): the payments allocated to it by the day, then the platform's credit (credit notes and what
its payments brought beyond their allocations), dated and applied to its oldest invoices first. In SQL a
running sum of what each invoice still owes after its allocations, per platform and oldest due first, says
how much of the credit received by the day reaches it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from socsec.contributions.models import Invoice, Payment, PaymentAllocation
from socsec.registry.models import Region

AGEING = ((1, 30), (31, 90), (91, 180), (181, 365), (366, None))  # days past the due date
BUCKETS = tuple(f"{low}-{high}" if high else f"{low}+" for low, high in AGEING)

OUTSTANDING = """
SELECT r.code, i.month, i.due_on, i.amount_cents,
       i.amount_cents - i.alloc_by - CASE
         WHEN COALESCE(c.credit, 0) - (i.cum - i.owed) <= 0 THEN 0
         WHEN COALESCE(c.credit, 0) - (i.cum - i.owed) >= i.owed THEN i.owed
         ELSE COALESCE(c.credit, 0) - (i.cum - i.owed) END AS outstanding
FROM (
  SELECT v.*, SUM(v.owed) OVER (PARTITION BY v.platform_id ORDER BY v.due_on, v.id ROWS UNBOUNDED PRECEDING) AS cum
  FROM (
    SELECT i.id, i.platform_id, i.province_id, i.month, i.due_on, i.amount_cents,
           COALESCE(a.alloc_by, 0) AS alloc_by,
           CASE WHEN i.amount_cents - COALESCE(a.alloc_all, 0) > 0 THEN i.amount_cents - COALESCE(a.alloc_all, 0)
                ELSE 0 END AS owed
    FROM {invoice} i
    LEFT JOIN (
      SELECT pa.invoice_id, SUM(pa.amount_cents) AS alloc_all,
             SUM(CASE WHEN p.received_on <= %(on)s THEN pa.amount_cents ELSE 0 END) AS alloc_by
      FROM {allocation} pa JOIN {payment} p ON p.id = pa.payment_id GROUP BY pa.invoice_id
    ) a ON a.invoice_id = i.id
    WHERE i.amount_cents > 0
  ) v
) i
LEFT JOIN (
  SELECT platform_id, SUM(cents) AS credit FROM (
    SELECT n.platform_id, -n.amount_cents AS cents FROM {invoice} n WHERE n.amount_cents < 0 AND n.issued_on <= %(on)s
    UNION ALL
    SELECT p.platform_id, p.amount_cents - COALESCE(u.used, 0) AS cents FROM {payment} p
    LEFT JOIN (SELECT payment_id, SUM(amount_cents) AS used FROM {allocation} GROUP BY payment_id) u
      ON u.payment_id = p.id
    WHERE p.received_on <= %(on)s AND p.amount_cents > COALESCE(u.used, 0)
  ) credits GROUP BY platform_id
) c ON c.platform_id = i.platform_id
JOIN {region} r ON r.id = i.province_id
"""

BY_AGE = """
SELECT o.code, o.month, {bucket} AS bucket, SUM(o.amount_cents), SUM(o.outstanding)
FROM ({outstanding}) o {where}
GROUP BY o.code, o.month, {bucket}
"""


@dataclass
class Collection:
    """OIP contributions of a province for a month assessed, in cents, on a day: due, collected, left to
    pay before the due date, and in arrears by age (``BUCKETS``)."""

    province: str
    month: str
    due_cents: int = 0
    collected_cents: int = 0
    not_yet_due_cents: int = 0
    arrears: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))

    @property
    def arrears_cents(self) -> int:
        return sum(self.arrears.values())


def _sql(statement: str, **parts: str) -> str:
    quote = connection.ops.quote_name
    tables = {
        "invoice": quote(Invoice._meta.db_table),
        "payment": quote(Payment._meta.db_table),
        "allocation": quote(PaymentAllocation._meta.db_table),
        "region": quote(Region._meta.db_table),
    }
    return statement.format(**parts, **tables) if parts else statement.format(**tables)


def _bucket(on: dt.date) -> tuple[str, dict[str, Any]]:
    """A CASE naming each invoice's age bucket on ``on`` (``current`` until it is past due), with its
    dates as parameters."""
    day = connection.ops.adapt_datefield_value
    params: dict[str, Any] = {"on": day(on)}
    cases = ["WHEN o.due_on >= %(on)s THEN 'current'"]
    for n, (low, _high) in enumerate(reversed(AGEING)):
        name = f"age{n}"
        params[name] = day(on - dt.timedelta(days=low))
        cases.append(f"WHEN o.due_on <= %({name})s THEN '{BUCKETS[len(AGEING) - 1 - n]}'")
    return "CASE " + " ".join(cases) + " END", params


def collection_on(on: dt.date, *, province: str | None = None) -> list[Collection]:
    """Every province's OIP contributions by month assessed, as they stand on ``on``: one query."""
    bucket, params = _bucket(on)
    where = ""
    if province:
        where = "WHERE o.code = %(province)s"
        params["province"] = province
    statement = _sql(BY_AGE, bucket=bucket, outstanding=_sql(OUTSTANDING), where=where)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    found: dict[tuple[str, str], Collection] = {}
    for code, month, age, amount, outstanding in rows:
        row = found.setdefault((code, month), Collection(code, month))
        amount, left = int(amount), max(int(outstanding), 0)
        row.due_cents += amount
        row.collected_cents += amount - left
        if age == "current":
            row.not_yet_due_cents += left
        else:
            row.arrears[age] += left
    return [found[key] for key in sorted(found)]


def arrears_by_province(on: dt.date) -> dict[str, int]:
    """Each province's OIP arrears on ``on``, in cents."""
    totals: dict[str, int] = {}
    for row in collection_on(on):
        totals[row.province] = totals.get(row.province, 0) + row.arrears_cents
    return totals
