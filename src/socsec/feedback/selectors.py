"""Reads: the services a person may rate now, and the supervisors' figures per service and province —
completed, within the limit, average and longest time, ratings — in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Max, Sum

from socsec.registry.models import Region

from .catalogue import CatalogueEntry, catalogue, rating_window_days
from .completions import completions
from .models import Service, ServiceRating

SHOWN = 20  # completed services listed to a person at a time, newest first


@dataclass(frozen=True)
class Completed:
    service: Service
    subject_id: int
    done_on: dt.date
    days: int


def services_to_rate(*, person_id: int, today: dt.date) -> list[Completed]:
    """The person's services completed within the rating window and not rated yet, newest first."""
    since = today - dt.timedelta(days=rating_window_days(today))
    rated = set(
        ServiceRating.objects.filter(person_id=person_id, completed_on__gte=since).values_list("service", "subject_id")
    )
    found: list[Completed] = []
    for service in Service:
        rows = (
            completions(service, today)
            .filter(person_id=person_id, done_on__gte=since, done_on__lte=today)
            .order_by("-done_on", "-subject")
            .values_list("subject", "done_on", "days")[: SHOWN + len(rated)]
        )
        found += [Completed(service, s, d, days.days) for s, d, days in rows if (service.value, s) not in rated]
    found.sort(key=lambda c: (c.done_on, c.subject_id), reverse=True)
    return found[:SHOWN]


def ratings_of(*, person_id: int) -> list[ServiceRating]:
    return list(ServiceRating.objects.filter(person_id=person_id)[:SHOWN])


@dataclass
class Performance:
    """One service in one province (``province`` empty: all provinces) over the period."""

    service: Service
    province: str
    province_name: str
    limit_days: int
    completed: int = 0
    on_time: int = 0
    mean_days: Decimal | None = None
    longest_days: int | None = None
    rated: int = 0
    mean_rating: Decimal | None = None
    stars: dict[int, int] = field(default_factory=dict)  # rating: how many (the whole service only)

    @property
    def on_time_percent(self) -> Decimal | None:
        if not self.completed:
            return None
        return (Decimal(100 * self.on_time) / self.completed).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _mean_days(total: dt.timedelta | None) -> Decimal | None:
    if total is None:
        return None
    return (Decimal(total.total_seconds()) / 86400).quantize(Decimal("0.1"), ROUND_HALF_UP)


def service_performance(*, start: dt.date, end: dt.date) -> tuple[list[CatalogueEntry], list[Performance]]:
    """The catalogue in force at ``end`` and, per service, its figures for services completed from
    ``start`` to ``end``: a row for all provinces, then one per province. Five queries, whatever the size."""
    entries = catalogue(end)
    names = dict(Region.objects.filter(level=Region.Level.PROVINCE).values_list("code", "name_zh" if _zh() else "name"))
    rows: dict[tuple[str, str], Performance] = {}
    for entry in entries:
        whole = rows[(entry.service, "")] = Performance(entry.service, "", "", entry.limit_days)
        spans = (
            completions(entry.service, end)
            .filter(done_on__gte=start, done_on__lte=end)
            .values("province")
            .annotate(n=Count("subject"), within=Sum("on_time"), mean=Avg("days"), most=Max("days"))
            .order_by("province")
        )
        weighted = dt.timedelta(0)
        for span in spans:
            row = Performance(
                entry.service, span["province"], names.get(span["province"], span["province"]), entry.limit_days
            )
            row.completed, row.on_time = span["n"], span["within"] or 0
            row.mean_days, row.longest_days = _mean_days(span["mean"]), span["most"].days
            rows[(entry.service, span["province"])] = row
            whole.completed += row.completed
            whole.on_time += row.on_time
            weighted += span["mean"] * row.completed
            whole.longest_days = max(whole.longest_days or 0, row.longest_days)
        whole.mean_days = _mean_days(weighted / whole.completed) if whole.completed else None
    rated = (
        ServiceRating.objects.filter(completed_on__gte=start, completed_on__lte=end)
        .values("service", "province_code", "rating")
        .annotate(n=Count("id"))
        .order_by()
    )
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rated:
        service = Service(r["service"])
        for key in ((service, ""), (service, r["province_code"])):
            sums[key][0] += r["n"]
            sums[key][1] += r["n"] * r["rating"]
        whole_row = rows[(service, "")]
        whole_row.stars[r["rating"]] = whole_row.stars.get(r["rating"], 0) + r["n"]
        if (service, r["province_code"]) not in rows:  # rated, but not completed in the period's reading
            code = r["province_code"]
            rows[(service, code)] = Performance(service, code, names.get(code, code), whole_row.limit_days)
    for cell, (n, total) in sums.items():
        rows[cell].rated = n
        rows[cell].mean_rating = (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
    order = {e.service: i for i, e in enumerate(entries)}
    return entries, sorted(rows.values(), key=lambda r: (order[r.service], r.province != "", r.province))


def _zh() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "").startswith("zh")
