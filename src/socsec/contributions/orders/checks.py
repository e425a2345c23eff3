"""The row checks of an order batch: each row's fields, its worker's engagement with the platform on
the order's day, the pilot sector and the reporting window; a correction (VOID, AMEND) against the
order stored before. The rows that pass are grouped by month, ready to be written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings

from socsec.batch.store import StoredOrder, stored_orders
from socsec.core.months import month_first_day, month_index, month_name, month_of
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.rules.parameters import Parameter, load_parameters

from .selectors import accepted_files

ACTIONS = ("NEW", "VOID", "AMEND")


@dataclass
class CheckedRows:
    """A batch's rows after the checks: the orders and corrections that passed, by month, the errors
    (one per field of a row), and how many orders each action brought."""

    orders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # month -> rows
    corrections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"NEW": 0, "VOID": 0, "AMEND": 0})

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "field": column, "message": message})


class _Context:
    """What the row checks look up, loaded once per batch."""

    def __init__(self, platform: Organisation, rows: Sequence[Mapping[str, Any]], today: dt.date) -> None:
        params = load_parameters()
        self.today = today
        window = params.value_int("oip.reporting.window_months", today)
        first = month_index(today) - window
        self.earliest = month_first_day(first)
        self.max_fare = params.value_int("oip.reporting.max_fare_cents", today)
        self.amounts = params.node("oip.per_order_amount")
        self.regions = set(Region.objects.values_list("code", flat=True))
        ids = {str(r.get("resident_id") or "").strip().upper() for r in rows} - {""}
        self.persons = Person.objects.by_resident_id(ids)  # by blind index: resident IDs are encrypted
        self.engagements: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
        for person_id, start, end in Engagement.objects.filter(
            organisation=platform, person_id__in=[p.pk for p in self.persons.values()]
        ).values_list("person_id", "start_date", "end_date"):
            self.engagements.setdefault(person_id, []).append((start, end))
        months = [month_name(m) for m in range(first, month_index(today) + 1)]
        orders, corrections = accepted_files(platform=platform, months=months)
        order_ids = {str(r.get("order_id") or "") for r in rows}
        base = settings.DATA_DIR
        self.stored: dict[str, StoredOrder] = stored_orders(
            [str(base / p) for p in orders], [str(base / p) for p in corrections], order_ids
        )

    def pilot_sector(self, sector: str, day: dt.date) -> bool:
        child = self.amounts.children.get(sector)
        return isinstance(child, Parameter) and not np.isnan(child.at(np.array([day], dtype="datetime64[D]"))[0])


def check_rows(platform: Organisation, rows: Sequence[Mapping[str, Any]], today: dt.date) -> CheckedRows:
    """Check a batch's rows against each other, the registry, the rules on ``today`` and the orders
    the platform's accepted batches stored before."""
    ctx = _Context(platform, rows, today)
    out = CheckedRows()
    seen_new: dict[str, int] = {}
    corrected: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        errors_before = len(out.errors)
        order_id = (row.get("order_id") or "").strip()
        action = (row.get("action") or "NEW").strip().upper()
        if not order_id or len(order_id) > 64:
            out.error(number, "order_id", "is required (at most 64 characters).")
        if action not in ACTIONS:
            out.error(number, "action", f"{action!r} is not one of NEW, VOID, AMEND.")
            continue
        day = _date(row.get("order_date"), number, out)
        if day is not None and not (ctx.earliest <= day <= ctx.today):
            out.error(
                number,
                "order_date",
                f"{day.isoformat()} is outside the reporting window "
                f"({ctx.earliest.isoformat()} to {ctx.today.isoformat()}).",
            )
        fare = _fare(row.get("fare_cents"), ctx.max_fare, number, out)
        if action == "NEW":
            if order_id in seen_new:
                out.error(number, "order_id", f"repeats row {seen_new[order_id]}.")
            elif order_id in ctx.stored:
                out.error(number, "order_id", "was already reported in an earlier batch.")
            values = _worker_values(ctx, row, day, number, out)
            if len(out.errors) == errors_before and values and day:
                seen_new[order_id] = number
                out.orders.setdefault(month_of(day), []).append(
                    {"order_id": order_id, **values, "order_date": day, "fare_cents": fare}
                )
                out.counts["NEW"] += 1
            continue
        stored = ctx.stored.get(order_id)
        if order_id in corrected:
            out.error(number, "order_id", f"is corrected twice in this batch (row {corrected[order_id]}).")
        elif stored is None:
            out.error(number, "order_id", "no order with this id was reported before (report it as NEW first).")
        elif stored.voided:
            out.error(number, "order_id", "the order is already void.")
        elif day is not None and month_of(day) != stored.month:
            out.error(number, "order_date", f"the order belongs to {stored.month}; a correction cannot move it.")
        new_values = _worker_values(ctx, row, day, number, out) if action == "AMEND" else None
        if len(out.errors) == errors_before and stored is not None:
            corrected[order_id] = number
            out.corrections.setdefault(stored.month, []).append(
                {
                    "order_id": order_id,
                    "action": action,
                    "old_person_id": stored.person_id,
                    "old_region": stored.region,
                    "old_sector": stored.sector,
                    "new_person_id": new_values["person_id"] if new_values else None,
                    "new_region": new_values["region"] if new_values else None,
                    "new_sector": new_values["sector"] if new_values else None,
                    "order_date": day,
                }
            )
            out.counts[action] += 1
    return out


def _worker_values(
    ctx: _Context, row: Mapping[str, Any], day: dt.date | None, number: int, out: CheckedRows
) -> dict[str, Any] | None:
    resident_id = (row.get("resident_id") or "").strip().upper()
    region = (row.get("region") or "").strip()
    sector = (row.get("sector") or "").strip().upper()
    person = ctx.persons.get(resident_id)
    ok = True
    if person is None:
        out.error(number, "resident_id", "unknown worker: no registered person with this resident ID.")
        ok = False
    elif day is not None and not any(
        start <= day and (end is None or end >= day) for start, end in ctx.engagements.get(person.pk, [])
    ):
        out.error(
            number,
            "resident_id",
            f"unknown engagement: the worker has no engagement with this platform on {day.isoformat()}.",
        )
        ok = False
    if region not in ctx.regions:
        out.error(number, "region", f"unknown region code {region!r}.")
        ok = False
    if day is not None and not ctx.pilot_sector(sector, day):
        out.error(number, "sector", f"{sector!r} is not an OIP pilot sector on {day.isoformat()}.")
        ok = False
    if not ok or person is None:
        return None
    return {"person_id": person.pk, "region": region, "sector": sector}


def _date(raw: Any, number: int, out: CheckedRows) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        out.error(number, "order_date", f"{raw!r} is not a date (YYYY-MM-DD).")
        return None


def _fare(raw: Any, maximum: int, number: int, out: CheckedRows) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        out.error(number, "fare_cents", f"{raw!r} is not a whole number of cents.")
        return None
    if value < 0 or value > maximum:
        out.error(number, "fare_cents", f"{value} is outside 0 to {maximum} cents.")
        return None
    return value
