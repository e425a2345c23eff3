"""Reads of claims: the officer's work queue with SLA clocks, a person's claims, a platform's claims and
liability, and the platform's own order data around an injury (the evidence that replaces certificates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import duckdb
from django.conf import settings
from django.db.models import Q, QuerySet

from socsec.core.errors import NotFound
from socsec.registry.models import Organisation, Person

from .models import Award, Claim

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
    first_order: str = ""
    last_order: str = ""

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
    from socsec.contributions.selectors import accepted_files

    start, end = day - dt.timedelta(days=days), day + dt.timedelta(days=days)
    months = {f"{start:%Y-%m}", f"{day:%Y-%m}", f"{end:%Y-%m}"}
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
    return Activity(
        day,
        by_day,
        ids,
        sorted(regions),
        rows[0][0] if rows else "",
        rows[-1][0] if rows else "",
    )


@dataclass(frozen=True)
class QueueRow:
    claim: Claim
    days_left: int  # to the decision (or assessment) due date; negative: overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def work_queue(*, on: dt.date, kind: str = "", status: str = "", overdue_only: bool = False) -> list[QueueRow]:
    """Open claims, the most urgent first: days left to the due date that applies now (the decision, or
    the disability assessment once accepted)."""
    claims = Claim.objects.filter(status__in=OPEN_STATUSES).select_related("person", "engagement__organisation")
    if kind:
        claims = claims.filter(kind=kind)
    if status:
        claims = claims.filter(status=status)
    rows = []
    for c in claims:
        due = c.assessment_due if c.status == Claim.Status.ACCEPTED and c.assessment_due else c.decision_due
        rows.append(QueueRow(c, (due - on).days))
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    return sorted(rows, key=lambda r: (r.days_left, r.claim.pk))


def claim_get(*, claim_id: int) -> Claim:
    claim = Claim.objects.select_related("person", "engagement__organisation").filter(pk=claim_id).first()
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
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
        Award.objects.filter(
            claim__engagement__organisation=organisation,
            payer__in=(Award.Payer.PLATFORM, Award.Payer.EMPLOYER),
            claim__status__in=(Claim.Status.AWARDED, Claim.Status.PAID),
        ).select_related("claim__person")
    )
