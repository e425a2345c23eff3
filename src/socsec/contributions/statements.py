"""Account statements and contribution records: a worker's record month by month (OIP paid by
platforms per order, own contributions, government subsidies), a worker's yearly statement with the
individual pension account, and a platform's statement of what it owes over a period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings

from socsec.batch.lines_files import person_lines
from socsec.batch.pricing import COVERED
from socsec.core.months import month_first_day, month_index, month_of
from socsec.ledger.accounts import platform_receivable
from socsec.ledger.selectors import AccountStatement, account_statement, individual_account_statement
from socsec.registry.models import Organisation

from .collection.outstanding import InvoiceState, unpaid_invoices
from .models import AssessmentRun, Invoice, OwnContribution
from .own.payments import FREQUENCIES


@dataclass(frozen=True)
class RecordLine:
    """One line of a worker's record: a month's contribution to a scheme, who paid it, through which
    platform and in which province."""

    month: str
    scheme: str
    platform: str
    province: str
    sector: str
    order_count: int
    amount_cents: int
    covered: bool
    paid_by: str


def oip_record(*, person_id: int, months: Collection[str] | None = None) -> list[RecordLine]:
    """A worker's occupational injury protection month by month: in which province, through which
    platform, how many orders, what the platform was charged, from the latest assessment of each month
    (of ``months`` only, when given)."""
    latest: dict[str, str] = {}
    runs = AssessmentRun.objects.order_by("month", "sequence")
    if months is not None:
        runs = runs.filter(month__in=list(months))
    for month, path in runs.values_list("month", "lines_path"):
        latest[month] = path  # each run holds the month's full lines; the last one is current
    if not latest:
        return []
    base = settings.DATA_DIR
    # each run's lines have a copy sorted by worker: one worker's read skips the rest of the month
    rows = person_lines([str(base / p) for p in latest.values()], person_id)
    names = dict(Organisation.objects.filter(code__in={r[1] for r in rows}).values_list("code", "name"))
    return [
        RecordLine(
            month,
            "OIP",
            platform,
            province,
            sector,
            int(count),
            int(cents),
            reason == COVERED,
            names.get(platform, platform),
        )
        for month, platform, province, sector, count, cents, reason in rows
    ]


def contribution_record(*, person_id: int, months: Sequence[str] | None = None) -> list[RecordLine]:
    """Everything paid for a worker's cover, month by month: platforms' OIP per order, the worker's own
    contributions (with the platform that withheld them at source, if one did), and government
    subsidies, by scheme, region and payer; of ``months`` only (sorted YYYY-MM) when given."""
    own = OwnContribution.objects.filter(person_id=person_id).select_related("region", "withheld_by")
    if months is not None:
        if not months:
            return []
        first, last = month_first_day(month_index(months[0])), month_first_day(month_index(months[-1]) + 1)
        own = own.filter(period_start__gte=first, period_start__lt=last)
    lines = oip_record(person_id=person_id, months=months) + _own_lines(own.order_by("period_start"), months)
    return sorted(lines, key=lambda line: (line.month, line.scheme, line.paid_by))


def _own_lines(own: Iterable[OwnContribution], months: Collection[str] | None = None) -> list[RecordLine]:
    """The record lines of own contributions: what the worker paid and what the government added."""
    lines = []
    wanted = None if months is None else set(months)
    for c in own:
        month = month_of(c.period_start)
        if wanted is not None and month not in wanted:
            continue
        province = c.region.province_code
        through = c.withheld_by.name if c.withheld_by else ""  # withheld at source by this platform
        lines.append(RecordLine(month, c.scheme, through, province, "", 0, c.paid_cents, True, "self"))
        if c.subsidy_cents:
            lines.append(RecordLine(month, c.scheme, "", province, "", 0, c.subsidy_cents, True, "government"))
    return lines


@dataclass(frozen=True)
class PlatformStatement:
    """What a platform owes the agency over a period: the receivable account's movements (invoices
    debit it, payments and credit notes credit it) and the invoices issued in the period."""

    platform: Organisation
    account: AccountStatement
    invoices: list[InvoiceState]


def platform_statement(*, platform: Organisation, start: dt.date, end: dt.date) -> PlatformStatement:
    """A platform's statement from ``start`` to ``end`` (both included)."""
    account = account_statement(platform_receivable(platform.code), start=start, end=end)
    left = {invoice.pk: owed for invoice, owed in unpaid_invoices(platform=platform)}  # needs the whole history
    issued = Invoice.objects.filter(platform=platform, issued_on__gte=start, issued_on__lte=end)
    rows = issued.select_related("province", "run").order_by("-month", "-id")  # as invoices_of lists them
    return PlatformStatement(platform, account, [InvoiceState(i, left.get(i.pk, 0)) for i in rows])


@dataclass(frozen=True)
class SchemeYear:
    """A scheme in a worker's year: the months covered and the cents paid by the worker, the government
    and platforms."""

    scheme: str
    months_covered: int
    self_cents: int
    government_cents: int
    platform_cents: int

    @property
    def total_cents(self) -> int:
        return self.self_cents + self.government_cents + self.platform_cents


@dataclass(frozen=True)
class WorkerStatement:
    """A worker's year: per scheme the months covered and who paid how much, the months themselves,
    and the individual pension account (balance brought forward, credits, interest, carried forward)."""

    person_id: int
    year: int
    schemes: list[SchemeYear]
    lines: list[RecordLine]
    individual_account: AccountStatement


def worker_statement(*, person_id: int, year: int) -> WorkerStatement:
    """A worker's statement of a calendar year: its own contributions are read in one query of the year and
    the months before it that a payment can reach into (a payment is for at most ``max(FREQUENCIES)``
    months), whatever the worker's history."""
    prefix = f"{year:04d}-"
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    reach = month_first_day(month_index(first) - max(FREQUENCIES) + 1)
    own = list(
        OwnContribution.objects.filter(person_id=person_id, period_start__gte=reach, period_start__lte=last)
        .select_related("region", "withheld_by")
        .order_by("period_start")
    )
    lines = [line for line in oip_record(person_id=person_id) if line.month.startswith(prefix)]
    lines += _own_lines(c for c in own if c.period_start >= first)
    lines.sort(key=lambda line: (line.month, line.scheme, line.paid_by))  # as in the whole record
    covered: dict[str, set[str]] = {}
    for c in own:  # a payment for several months covers each of them
        for offset in range(c.months):
            month = month_of(c.period_start, offset)
            if month.startswith(prefix):
                covered.setdefault(c.scheme, set()).add(month)
    paid: dict[str, dict[str, int]] = {}
    for line in lines:
        if line.scheme == "OIP" and line.covered:
            covered.setdefault("OIP", set()).add(line.month)
        payer = line.paid_by if line.paid_by in ("self", "government") else "platform"
        if line.covered or payer != "platform":
            bucket = paid.setdefault(line.scheme, {"self": 0, "government": 0, "platform": 0})
            bucket[payer] += line.amount_cents
    schemes = [
        SchemeYear(scheme, len(covered.get(scheme, ())), p["self"], p["government"], p["platform"])
        for scheme, p in sorted(paid.items())
    ]
    account = individual_account_statement(person_id, start=first, end=last)
    return WorkerStatement(person_id, year, schemes, lines, account)
