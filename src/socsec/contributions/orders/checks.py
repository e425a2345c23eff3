"""The row checks of an order batch: each row's fields, its worker's engagement with the platform on
the order's day, the pilot sector and the reporting window; a correction (VOID, AMEND) against the
order stored before. Repeated order ids are found in the engine (one pass over the batch's columns),
so a file of identical rows costs one row's checks. The rows that pass are grouped by month, ready to be
written; the others go to a bounded error report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.utils.translation import gettext_noop as noop

from socsec.batch.store import StoredOrder, stored_orders
from socsec.batch.uploads import Upload
from socsec.contributions.errors import OrderRowErrorCode as Code
from socsec.contributions.errors import StoredFilesDamaged
from socsec.core.months import month_first_day, month_index, month_name, month_of
from socsec.registry.models import Engagement, Organisation, Person, Region
from socsec.rules.parameters import Parameter, load_parameters

from .report import RowErrors
from .selectors import accepted_files, damaged_files

ACTIONS = ("NEW", "VOID", "AMEND")
# the reasons of refused rows, as templates a page translates (filled with the row's values)
NOT_ENGAGED = noop("no engagement of this platform for this worker on %(day)s.")
NOT_PLATFORM_SECTOR = noop(
    "the platform is not registered for the sector '%(sector)s': its engagement of this worker on %(day)s is "
    "in %(sectors)s."
)
REPEATS_ROW = noop("repeats row %(row)s.")
CORRECTED_TWICE = noop("is corrected twice in this batch (row %(row)s).")
REQUIRED = noop("is required (at most 64 characters).")
BAD_ACTION = noop("%(action)s is not one of NEW, VOID, AMEND.")
OUTSIDE_WINDOW = noop("%(day)s is outside the reporting window (%(earliest)s to %(today)s).")
ALREADY_REPORTED = noop("was already reported in an earlier batch.")
NOT_REPORTED_BEFORE = noop("no order with this id was reported before (report it as NEW first).")
ALREADY_VOID = noop("the order is already void.")
MONTH_MOVED = noop("the order belongs to %(month)s; a correction cannot move it.")
UNKNOWN_REGION = noop("unknown region code %(region)s.")
NOT_PILOT_SECTOR = noop("'%(sector)s' is not an OIP pilot sector on %(day)s.")
BAD_DATE = noop("%(value)s is not a date (YYYY-MM-DD).")
BAD_FARE = noop("%(value)s is not a whole number of cents.")
FARE_RANGE = noop("%(value)s is outside 0 to %(maximum)s cents.")
UNREADABLE = (
    noop("the line is not UTF-8 text."),
    noop("has %(fields)s fields; the header has %(header)s."),
    noop("is not valid JSON (%(reason)s)."),
    noop("is not a JSON object."),
    noop("unknown field(s) %(fields)s."),
)


@dataclass
class CheckedRows:
    """A batch's rows after the checks: the orders and corrections that passed, by month, the errors
    (bounded; counted per code), and how many orders each action brought."""

    errors: RowErrors
    orders: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # month -> rows
    corrections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"NEW": 0, "VOID": 0, "AMEND": 0})


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
        self.engagements: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
        person_ids = sorted(p.pk for p in self.persons.values())
        for chunk in range(0, len(person_ids), 10_000):  # SQLite bounds the parameters of one statement
            for person_id, start, end, sector in Engagement.objects.filter(
                organisation=platform, person_id__in=person_ids[chunk : chunk + 10_000]
            ).values_list("person_id", "start_date", "end_date", "sector"):
                self.engagements.setdefault(person_id, []).append((start, end, sector))
        months = [month_name(m) for m in range(first, month_index(today) + 1)]
        orders, corrections = accepted_files(platform=platform, months=months)
        order_ids = {str(r.get("order_id") or "").strip() for r in rows}
        base = settings.DATA_DIR
        try:
            self.stored: dict[str, StoredOrder] = stored_orders(
                [str(base / p) for p in orders], [str(base / p) for p in corrections], order_ids
            )
        except (duckdb.Error, OSError, pa.ArrowException) as exc:
            # an earlier batch's file is missing or damaged: name it, so that it can be withdrawn and re-sent
            raise StoredFilesDamaged(damaged_files(platform=platform, months=months), str(exc)) from None

    def pilot_sector(self, sector: str, day: dt.date) -> bool:
        child = self.amounts.children.get(sector)
        return isinstance(child, Parameter) and not np.isnan(child.at(np.array([day], dtype="datetime64[D]"))[0])


def check_rows(platform: Organisation, upload: Upload, today: dt.date, *, keep_errors: int) -> CheckedRows:
    """Check a batch's rows against each other, the registry, the rules on ``today`` and the orders
    the platform's accepted batches stored before. Keeps at most ``keep_errors`` errors (all counted)."""
    out = CheckedRows(errors=RowErrors(keep_errors))
    for number, reason, params in upload.rejected:
        out.errors.add(number, "row", Code.UNREADABLE, reason, params)
    table, numbers = _without_repeats(upload.table, upload.numbers, out.errors)
    rows = table.to_pylist()
    ctx = _Context(platform, rows, today)
    for number, row in zip(numbers.tolist(), rows, strict=True):
        _check_row(ctx, int(number), row, out)
    return out


def _without_repeats(table: pa.Table, numbers: np.ndarray, errors: RowErrors) -> tuple[pa.Table, np.ndarray]:
    """Refuse every row that repeats an earlier row's order id (NEW twice, or corrected twice), found by
    one grouping in the engine; return the other rows."""
    action = pc.utf8_upper(pc.utf8_trim_whitespace(pc.fill_null(table["action"], "")))
    group = pc.if_else(
        pc.is_in(action, pa.array(["", "NEW"])),
        "NEW",
        pc.if_else(pc.is_in(action, pa.array(["VOID", "AMEND"])), "FIX", pa.scalar(None, pa.string())),
    )
    order_id = pc.utf8_trim_whitespace(table["order_id"])
    counted = pc.fill_null(pc.and_(pc.is_valid(group), pc.not_equal(order_id, "")), False).to_numpy(
        zero_copy_only=False
    )  # a row without an id or action repeats nothing
    rows = np.flatnonzero(counted)
    key = pc.binary_join_element_wise(group.filter(counted), order_id.filter(counted), "\x00")
    position = pc.index_in(key, pc.unique(key)).to_numpy()  # the same number for the same (action, id)
    _, first_of_key = np.unique(position, return_index=True)  # where each one occurs first
    first = rows[first_of_key[position]]
    repeat = rows != first
    index = rows[repeat]
    if len(index) == 0:
        return table, numbers
    first_rows = numbers[first[repeat]]
    is_new = pc.equal(group, "NEW").to_numpy(zero_copy_only=False)[index]
    ids = order_id.filter(counted).to_numpy(zero_copy_only=False)[repeat]
    errors.add_rows(
        numbers[index],
        "order_id",
        Code.DUPLICATE_IN_BATCH,
        lambda k: (REPEATS_ROW if is_new[k] else CORRECTED_TWICE, {"row": int(first_rows[k])}),
        lambda k: str(ids[k]),
    )
    keep = np.ones(table.num_rows, dtype=bool)
    keep[index] = False
    return table.filter(pa.array(keep)), numbers[keep]


def _check_row(ctx: _Context, number: int, row: Mapping[str, Any], out: CheckedRows) -> None:
    errors = out.errors
    errors_before = errors.total
    order_id = (row.get("order_id") or "").strip()
    action = (row.get("action") or "").strip().upper() or "NEW"
    if not order_id or len(order_id) > 64:
        errors.add(number, "order_id", Code.REQUIRED, REQUIRED, order_id=order_id[:64])
    if action not in ACTIONS:
        errors.add(number, "action", Code.INVALID_ACTION, BAD_ACTION, {"action": repr(action)}, order_id=order_id)
        return
    day = _date(row.get("order_date"), number, errors, order_id)
    if day is not None and not (ctx.earliest <= day <= ctx.today):
        errors.add(
            number,
            "order_date",
            Code.OUTSIDE_WINDOW,
            OUTSIDE_WINDOW,
            {"day": day.isoformat(), "earliest": ctx.earliest.isoformat(), "today": ctx.today.isoformat()},
            order_id=order_id,
        )
    fare = _fare(row.get("fare_cents"), ctx.max_fare, number, errors, order_id)
    if action == "NEW":
        if order_id in ctx.stored:
            errors.add(number, "order_id", Code.ALREADY_REPORTED, ALREADY_REPORTED, order_id=order_id)
        values = _worker_values(ctx, row, day, number, errors, order_id)
        if errors.total == errors_before and values and day:
            out.orders.setdefault(month_of(day), []).append(
                {"order_id": order_id, **values, "order_date": day, "fare_cents": fare}
            )
            out.counts["NEW"] += 1
        return
    stored = ctx.stored.get(order_id)
    if stored is None:
        errors.add(number, "order_id", Code.NOT_REPORTED_BEFORE, NOT_REPORTED_BEFORE, order_id=order_id)
    elif stored.voided:
        errors.add(number, "order_id", Code.ALREADY_VOID, ALREADY_VOID, order_id=order_id)
    elif day is not None and month_of(day) != stored.month:
        errors.add(number, "order_date", Code.MONTH_MOVED, MONTH_MOVED, {"month": stored.month}, order_id=order_id)
    new_values = _worker_values(ctx, row, day, number, errors, order_id) if action == "AMEND" else None
    if errors.total == errors_before and stored is not None:
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


def _worker_values(
    ctx: _Context, row: Mapping[str, Any], day: dt.date | None, number: int, errors: RowErrors, order_id: str
) -> dict[str, Any] | None:
    resident_id = (row.get("resident_id") or "").strip().upper()
    region = (row.get("region") or "").strip()
    sector = (row.get("sector") or "").strip().upper()
    person = ctx.persons.get(resident_id)
    ok = True
    # one message whether the person is registered or not: a platform must not learn who is registered
    on_day = (
        sorted(
            {s for start, end, s in ctx.engagements.get(person.pk, []) if start <= day and (end is None or end >= day)}
        )
        if day is not None and person is not None
        else []
    )
    if day is not None and not on_day:
        errors.add(number, "resident_id", Code.NOT_ENGAGED, NOT_ENGAGED, {"day": day.isoformat()}, order_id=order_id)
        ok = False
    if region not in ctx.regions:
        errors.add(number, "region", Code.UNKNOWN_REGION, UNKNOWN_REGION, {"region": repr(region)}, order_id=order_id)
        ok = False
    if day is not None and not ctx.pilot_sector(sector, day):
        errors.add(
            number,
            "sector",
            Code.NOT_PILOT_SECTOR,
            NOT_PILOT_SECTOR,
            {"sector": sector, "day": day.isoformat()},
            order_id=order_id,
        )
        ok = False
    elif day is not None and on_day and sector not in on_day:  # a ride-hailing platform's food delivery
        errors.add(
            number,
            "sector",
            Code.NOT_PLATFORM_SECTOR,
            NOT_PLATFORM_SECTOR,
            {"sector": sector, "day": day.isoformat(), "sectors": ", ".join(on_day)},
            order_id=order_id,
        )
        ok = False
    if not ok or person is None:
        return None
    return {"person_id": person.pk, "region": region, "sector": sector}


def _date(raw: Any, number: int, errors: RowErrors, order_id: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors.add(number, "order_date", Code.INVALID_DATE, BAD_DATE, {"value": repr(raw)}, order_id=order_id)
        return None


def _fare(raw: Any, maximum: int, number: int, errors: RowErrors, order_id: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw))
    except ValueError:
        errors.add(number, "fare_cents", Code.INVALID_FARE, BAD_FARE, {"value": repr(raw)}, order_id=order_id)
        return None
    if value < 0 or value > maximum:
        errors.add(
            number, "fare_cents", Code.INVALID_FARE, FARE_RANGE, {"value": value, "maximum": maximum}, order_id=order_id
        )
        return None
    return value
