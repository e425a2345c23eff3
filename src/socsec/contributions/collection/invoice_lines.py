"""What an invoice charges for, line by line: per sector of its province, the covered orders, the per-order
amount and the amount, read from its run's lines file. An adjustment invoice or a credit note charges the
difference between its run and the month's run before it, so its lines are those differences. Own
contributions withheld at source are the invoice's ``withheld_cents``, shown beside the lines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import duckdb
from django.conf import settings

from socsec.batch.pricing import COVERED
from socsec.contributions.models import AssessmentRun, Invoice
from socsec.core.errors import DomainError
from socsec.core.stored import stored_file_check


@dataclass(frozen=True)
class InvoiceLine:
    """One sector of an invoice: the covered orders, the per-order amount in yuan and the amount charged."""

    sector: str
    order_count: int
    per_order_yuan: Decimal | None
    amount_cents: int


Sums = dict[str, tuple[int, Decimal | None, int]]  # sector -> (orders, per-order yuan, cents)
# the lines file holds the per-order amount in cents (to a millionth), the page shows yuan


def _run_sums(run: AssessmentRun, platform: str, province: str) -> Sums:
    """The run's covered lines of one platform and province, summed per sector. ``DomainError`` when the
    file is missing or not as the run recorded it."""
    path = settings.DATA_DIR / run.lines_path
    if run.lines_sha256:
        stored_file_check(path, run.lines_sha256, f"assessment run {run.month} {run.sequence}")
    elif not path.is_file():
        raise DomainError("the lines of assessment run %(run)s are not stored", params={"run": str(run.pk)})
    con = duckdb.connect()
    try:
        rows = con.sql(
            "SELECT sector, SUM(order_count), MAX(per_order_amount), SUM(amount_cents)"
            " FROM read_parquet($file, hive_partitioning = false)"
            " WHERE platform = $platform AND province = $province AND coverage_reason = $covered"
            " GROUP BY sector ORDER BY sector",
            params={"file": str(path), "platform": platform, "province": province, "covered": COVERED},
        ).fetchall()
    finally:
        con.close()
    return {
        str(sector): (int(count), Decimal(str(rate)) / 100 if rate is not None else None, int(cents))
        for sector, count, rate, cents in rows
    }


def invoice_lines(invoice: Invoice) -> list[InvoiceLine] | None:
    """The invoice's lines by sector (those that charge or credit something), or None when its run's lines
    file cannot be read (the invoice's totals still stand)."""
    platform, province = invoice.platform.code, invoice.province.code
    run = invoice.run
    try:
        now = _run_sums(run, platform, province)
        before: Sums = {}
        earlier = AssessmentRun.objects.filter(month=run.month, sequence__lt=run.sequence).order_by("-sequence").first()
        if earlier is not None:
            before = _run_sums(earlier, platform, province)
    except DomainError:
        return None
    lines = []
    for sector in sorted(set(now) | set(before)):
        count, rate, cents = now.get(sector, (0, None, 0))
        old_count, old_rate, old_cents = before.get(sector, (0, None, 0))
        if (count - old_count, cents - old_cents) == (0, 0):
            continue
        lines.append(InvoiceLine(sector, count - old_count, rate if rate is not None else old_rate, cents - old_cents))
    return lines
