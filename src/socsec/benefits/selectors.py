"""Reads of claims: the officer's work queue with SLA clocks, a person's claims, a platform's claims and
liability, and the platform's own order data around an injury (the evidence that replaces certificates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
from django.conf import settings
from django.db.models import Case, F, Q, QuerySet, When

from socsec.core.errors import NotFound
from socsec.core.months import month_first_day, month_index, month_name, month_of
from socsec.registry.models import Organisation, Person
from socsec.rules.engine import calc
from socsec.rules.parameters import ParameterError, load_parameters

from .insured_records import insured_record_slices
from .models import Award, Claim, DeathNotice

OPEN_STATUSES = (
    Claim.Status.SUBMITTED,
    Claim.Status.GATHERING_EVIDENCE,
    Claim.Status.ACCEPTED,
    Claim.Status.ASSESSED,
    Claim.Status.UNDER_REVIEW,
)


@dataclass(frozen=True)
class Activity:
    """A worker's orders on a platform on the days around an injury, from the platform's own reports."""

    day: dt.date
    orders_by_day: dict[str, int]
    order_ids: list[str] = field(default_factory=list)  # on the day itself
    regions: list[str] = field(default_factory=list)

    @property
    def orders_on_day(self) -> int:
        return self.orders_by_day.get(self.day.isoformat(), 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "orders_by_day": self.orders_by_day,
            "orders_on_day": self.orders_on_day,
            "order_ids": self.order_ids[:50],
            "regions": self.regions,
        }


def activity_around(person: Person, platform: Organisation, day: dt.date, days: int = 3) -> Activity:
    """Orders of the worker on the platform from ``days`` before to ``days`` after the day, voided orders
    left out, from the accepted order files of those months."""
    from socsec.contributions.orders.selectors import accepted_files

    start, end = day - dt.timedelta(days=days), day + dt.timedelta(days=days)
    months = {month_of(start), month_of(day), month_of(end)}
    orders, corrections = accepted_files(months=months, platform=platform)
    by_day = {(start + dt.timedelta(days=i)).isoformat(): 0 for i in range((end - start).days + 1)}
    if not orders:
        return Activity(day, by_day)
    base = settings.DATA_DIR
    con = duckdb.connect()
    try:
        voided = ""
        params: dict[str, Any] = {
            "files": [str(base / p) for p in orders],
            "person": person.pk,
            "start": start,
            "end": end,
        }
        if corrections:
            voided = (
                " AND order_id NOT IN (SELECT order_id FROM read_parquet($fixes, hive_partitioning = true)"
                " WHERE action = 'VOID')"
            )
            params["fixes"] = [str(base / p) for p in corrections]
        rows = con.sql(
            "SELECT order_id, order_date, region FROM read_parquet($files, hive_partitioning = true)"
            f" WHERE person_id = $person AND order_date BETWEEN $start AND $end{voided} ORDER BY order_date, order_id",
            params=params,
        ).fetchall()
    finally:
        con.close()
    ids, regions = [], set()
    for order_id, order_date, region in rows:
        by_day[order_date.isoformat()] += 1
        if order_date == day:
            ids.append(order_id)
            regions.add(region)
    return Activity(day, by_day, ids, sorted(regions))


@dataclass(frozen=True)
class QueueRow:
    claim: Claim
    days_left: int  # to the decision (or assessment) due date; negative: overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def work_queue_claims(*, on: dt.date, kind: str = "", status: str = "", overdue_only: bool = False) -> QuerySet[Claim]:
    """Open claims, the most urgent first, ordered in the database so a list reads one page: each annotated
    with ``due_on``, the due date that applies now (the disability assessment's once accepted, else the
    decision's)."""
    due = Case(
        When(status=Claim.Status.ACCEPTED, assessment_due__isnull=False, then=F("assessment_due")),
        default=F("decision_due"),
    )
    claims = (
        Claim.objects.filter(status__in=OPEN_STATUSES)
        .select_related("person", "engagement__organisation")
        .annotate(due_on=due)
    )
    if kind:
        claims = claims.filter(kind=kind)
    if status:
        claims = claims.filter(status=status)
    if overdue_only:
        claims = claims.filter(due_on__lt=on)
    return claims.order_by("due_on", "id")


def queue_rows(claims: Iterable[Claim], on: dt.date) -> list[QueueRow]:
    """Claims of ``work_queue_claims`` with the days left to their due date."""
    return [QueueRow(c, (c.due_on - on).days) for c in claims]  # type: ignore[attr-defined]


def work_queue(*, on: dt.date, kind: str = "", status: str = "", overdue_only: bool = False) -> list[QueueRow]:
    """The whole work queue (``work_queue_claims``) with the days left; a page reads a slice instead."""
    return queue_rows(work_queue_claims(on=on, kind=kind, status=status, overdue_only=overdue_only), on)


def claim_get(*, claim_id: int) -> Claim:
    claim = Claim.objects.select_related("person", "engagement__organisation").filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("no claim %(claim_id)s", params={"claim_id": claim_id})
    return claim


def claims_of(*, person_id: int) -> QuerySet[Claim]:
    return Claim.objects.filter(person_id=person_id).order_by("-submitted_on", "-id")


def claims_on_platform(*, organisation: Organisation) -> QuerySet[Claim]:
    """Claims about work done through the organisation (reported by anyone)."""
    return (
        Claim.objects.filter(Q(engagement__organisation=organisation) | Q(reporter_organisation=organisation))
        .select_related("person")
        .order_by("-submitted_on", "-id")
    )


def liability_of(*, organisation: Organisation) -> list[Award]:
    """What the organisation itself owes on awarded claims (wage continuation, employer-paid allowances)."""
    return list(
        Award.objects.in_force()
        .filter(claim__engagement__organisation=organisation, payer__in=(Award.Payer.PLATFORM, Award.Payer.EMPLOYER))
        .select_related("claim__person")
    )


def pension_months_on_record(person: Person, until: dt.date, *, own_contributions: bool = True) -> int:
    """Months of employee-pension contributions the records show up to a date, in every region: the
    person's own contributions, plus the months of employers' pension contributions on record
    (``taxexchange.selectors.employer_months_on_record``: paid in full as the tax authority collected
    them, or taken over from before an employer's months were collected through it); a month in a labour
    relation whose contributions were not paid does not count. A month counts once however many payers it
    has. The months a transfer brought in from another agency count the same way
    (``transfers.records.transferred_months``). Without ``own_contributions``: the employers' and the
    transferred months only."""
    from socsec.contributions.models import OwnContribution
    from socsec.taxexchange.selectors import employer_months_on_record
    from socsec.transfers.records import transferred_months

    months: set[str] = set()
    own = OwnContribution.objects.filter(
        person=person, scheme=OwnContribution.Scheme.EMPLOYEE_PENSION, period_start__lte=until
    )
    last = month_index(until)
    for c in own if own_contributions else []:  # months paid in advance count once they have come
        first = month_index(c.period_start)
        months.update(month_name(first + i) for i in range(c.months) if first + i <= last)
    months.update(employer_months_on_record(person, scheme="PENSION", until=until))
    months.update(transferred_months(person, "PENSION", until=until))
    return len(months)


def unemployment_months_on_record(person: Person, until: dt.date) -> int:
    """Months of unemployment-insurance contributions up to a date: the months of employers' unemployment
    contributions on record (``taxexchange.selectors.employer_months_on_record``; workers outside a labour
    relation do not pay them), with the months a transfer brought in (``transfers.records``), each month once."""
    from socsec.taxexchange.selectors import employer_months_on_record
    from socsec.transfers.records import transferred_months

    months = employer_months_on_record(person, scheme="UNEMPLOYMENT", until=until)
    return len(months | transferred_months(person, "UNEMPLOYMENT", until=until))


@dataclass(frozen=True)
class PensionEstimate:
    """A worker's pension estimate before retirement, in today's money, with every assumption named."""

    retirement_date: dt.date
    retirement_age_months: int
    months_on_record: int
    months_to_come: int
    minimum_months: int
    account_now_cents: int
    account_at_retirement_cents: int
    monthly_cents: int | None  # None: the minimum contribution period would not be reached
    assumptions: dict[str, Any]
    explanation: dict[str, Any] | None


def pension_estimate(
    *, person: Person, today: dt.date, base_cents: int | None = None, months_per_year: int = 12
) -> PensionEstimate:
    """Estimate the monthly pension at the statutory retirement age: months on record plus the months to
    come at the chosen rhythm, the individual account now grown by the rules (``pension_account_projected``:
    8% of the chosen base for each month paid, the latest published credited interest rate each year), and
    the pension formula of the rules at today's parameter values (today's money: wages, bases and rates stay
    as they are now)."""
    from socsec.ledger.selectors import individual_account_balance

    params = load_parameters()
    region = person.residence_region.code
    statutory = calc(
        "statutory_retirement_age_months",
        today,
        birth_date=person.birth_date,
        sex=person.sex,
        retirement_group=person.retirement_group,
    )
    age_months = int(statutory.value or 0)
    born = month_index(person.birth_date) + age_months
    retire = month_first_day(born)
    wage = int(calc("regional_average_monthly_wage", today, region=region).value or 0)
    base = int(calc("contribution_base", today, region=region, declared_base=base_cents or 1).value or 0)
    now = month_index(today)
    ahead = max(0, born - now - 1)  # the months after this one (this one is on record) to the retirement
    to_come = ahead * months_per_year // 12  # the months paid at the chosen rhythm
    on_record = pension_months_on_record(person, today)
    interest = _latest_interest(today)
    account = individual_account_balance(person.pk)
    grown = int(
        calc(
            "pension_account_projected",
            today,
            account_balance=account,
            contribution_base=base,
            months_ahead=ahead,
            months_per_year=months_per_year,
            interest_rate=interest["value"],
        ).value
        or 0
    )
    minimum = int(calc("pension_minimum_contribution_months", retire).value or 0)
    assumptions = {
        "base_cents": base,
        "base_ratio": round(base / wage, 4) if wage else None,
        "months_per_year": months_per_year,
        "interest_rate": interest,
        "average_wage_cents": wage,
        "money": "today's: the average wage, the bases and the rates stay at today's values",
    }
    total = on_record + to_come
    if total < minimum:
        return PensionEstimate(retire, age_months, on_record, to_come, minimum, account, grown, None, assumptions, None)
    floor = params.value_float("contribution.base_floor_ratio", today)  # the ratio within the base's bounds
    ceiling = params.value_float("contribution.base_ceiling_ratio", today)
    explained = calc(
        "pension_monthly",
        today,
        region=region,
        average_indexed_wage_ratio=min(ceiling, max(floor, base / wage if wage else 1.0)),
        contribution_months=total,
        account_balance=grown,
        retirement_age_months=age_months,
    )
    return PensionEstimate(
        retire,
        age_months,
        on_record,
        to_come,
        minimum,
        account,
        grown,
        int(explained.value or 0),
        assumptions,
        explained.as_dict(),
    )


def _latest_interest(today: dt.date) -> dict[str, Any]:
    """The latest published credited rate of individual accounts (the assumption for the years to come)."""
    leaf = load_parameters().leaf("employee_pension.individual_account_interest_rate")
    for year in range(today.year, 2015, -1):
        try:
            resolved = leaf.resolve(dt.date(year, 6, 30))
        except ParameterError:
            continue
        return {"value": resolved.as_float(), "year": year, "reference": resolved.reference}
    return {"value": 0.0, "year": None, "reference": ""}


def insured_records(*, year: int) -> list[tuple[Any, ...]]:
    return [row for _, row in insured_records_by_person(year=year)]


def insured_records_by_person(*, year: int) -> list[tuple[int, tuple[Any, ...]]]:
    """One row per insured person for the actuarial projection's ``initial.history: records`` mode: from the
    registry and the contribution records, in the columns of ``socsec.actuarial.records.RECORD_COLUMNS``.
    Persons past the statutory age with no pension on record are left out (the model retires them).
    Active members: years on record; the average index is their chosen base over the regional average wage
    for their own contributions and 1.0 (the average wage, which the registry does not hold) for months in
    a labour relation; the individual account in yuan. Pensioners: the yearly pension awarded. All in
    memory: an export of many persons reads ``insured_records.insured_record_slices`` slice by slice."""
    return [record for records in insured_record_slices(year=year) for record in records]


def death_notice_of(*, person_id: int) -> DeathNotice | None:
    return DeathNotice.objects.filter(person_id=person_id).first()
