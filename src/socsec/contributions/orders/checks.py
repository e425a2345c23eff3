"""The row checks of an order batch, set-based over each chunk of the streamed file: each row's fields,
its worker's engagement with the platform on the order's day (a join with the registry's snapshot), the
pilot sector (asked once per sector and day) and the reporting window; a correction (VOID, AMEND) against
the order stored before, and a NEW order against the orders stored before (both looked up in the index of
stored ids). Repeated order ids are found in the engine. The rows that pass are handed to the writer by
month; the others go to a bounded error report, with the same errors, in the same order, a row-by-row
check gave."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext_noop as noop

from socsec.batch.order_index import StoredOrders
from socsec.batch.order_stream import UploadChunk
from socsec.batch.orders import CORRECTION_SCHEMA, ORDER_SCHEMA
from socsec.contributions.errors import OrderRowErrorCode as Code
from socsec.contributions.errors import StoredFilesDamaged
from socsec.core.months import month_first_day, month_index, month_name
from socsec.registry.models import Organisation, Region
from socsec.rules.parameters import load_parameters

from .files import BatchWriter
from .registry_snapshot import RegistrySnapshot
from .repeats import CORRECTED_TWICE, REPEATS_ROW, Repeats, refuse, repeats_of
from .report import RowCheck, RowErrors, add_checks
from .stored_index import stored_index_files
from .values import EPOCH, NO_DAY, parse_days, parse_fares, pilot_sectors, trimmed, trimmed_upper

__all__ = ["CORRECTED_TWICE", "REPEATS_ROW", "BatchChecker"]

ACTIONS = ("NEW", "VOID", "AMEND")
# the reasons of refused rows, as templates a page translates (filled with the row's values)
NOT_ENGAGED = noop("no engagement of this platform for this worker on %(day)s.")
NOT_PLATFORM_SECTOR = noop(
    "the platform is not registered for the sector '%(sector)s': its engagement of this worker on %(day)s is "
    "in %(sectors)s."
)
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


def _month_numbers(texts: pa.ChunkedArray) -> np.ndarray:
    """Months since 1970 of each text (YYYY-MM), by the engine; one 0 when there are none."""
    if not len(texts):
        return np.zeros(1, dtype=np.int64)
    year = pc.cast(pc.utf8_slice_codeunits(texts, 0, 4), pa.int64()).to_numpy(zero_copy_only=False)
    month = pc.cast(pc.utf8_slice_codeunits(texts, 5, 7), pa.int64()).to_numpy(zero_copy_only=False)
    numbers: np.ndarray = year * 12 + month - 1 - 1970 * 12
    return numbers


def _month_text(number: int) -> str:
    return f"{1970 + number // 12:04d}-{number % 12 + 1:02d}"


class BatchChecker:
    """Checks a batch chunk by chunk and hands the rows that pass to ``writer``; what it looks up (the
    rules on ``today``, the registry's snapshot, the index of stored orders) is read once per batch."""

    def __init__(self, platform: Organisation, today: dt.date, *, keep_errors: int, writer: BatchWriter) -> None:
        params = load_parameters()
        self.today = today
        window = params.value_int("oip.reporting.window_months", today)
        first = month_index(today) - window
        self.earliest = month_first_day(first)
        self.max_fare = params.value_int("oip.reporting.max_fare_cents", today)
        self.amounts = params.node("oip.per_order_amount")
        self.regions = pa.array(sorted(Region.objects.values_list("code", flat=True)), pa.string())
        self.errors = RowErrors(keep_errors)
        self.counts = {"NEW": 0, "VOID": 0, "AMEND": 0}
        self.rows_total = 0
        self.writer = writer
        self.registry = RegistrySnapshot(platform.pk)
        months = [month_name(m) for m in range(first, month_index(today) + 1)]
        self.stored = StoredOrders(stored_index_files(platform=platform, months=months))
        # the workers and days of the orders the last chunk brought (new ones, and AMENDs' new workers)
        self.accepted_days = (np.array([], dtype=np.int64), np.array([], dtype=np.int64))

    def close(self) -> None:
        self.registry.close()
        self.stored.close()

    def check(self, chunk: UploadChunk, repeats: Repeats | None) -> None:
        """Check the next chunk, whose repeated order ids ``repeats_of`` found (ahead, with the batch's
        ``EarlierKeys``)."""
        self.rows_total += chunk.table.num_rows + len(chunk.rejected)
        self.accepted_days = (np.array([], dtype=np.int64), np.array([], dtype=np.int64))
        for number, reason, params in chunk.rejected:
            self.errors.add(number, "row", Code.UNREADABLE, reason, params)
        table, numbers = chunk.table, chunk.numbers
        if table.num_rows == 0:
            return
        table, numbers = refuse(table, numbers, self.errors, repeats)
        if table.num_rows:
            self._check(table, numbers)

    def _check(self, table: pa.Table, numbers: np.ndarray) -> None:
        def raw(column: str, i: int) -> Any:
            return table.column(column)[i].as_py()

        def order_id(i: int) -> str:
            return str(raw("order_id", i) or "").strip()

        def iso(i: int) -> str:
            return (EPOCH + dt.timedelta(days=int(days[i]))).isoformat()

        oid = trimmed(table["order_id"])
        length = pc.utf8_length(oid).to_numpy(zero_copy_only=False)
        action = trimmed_upper(table["action"])
        action = pc.if_else(pc.equal(action, ""), "NEW", action)
        is_new, is_void, is_amend = (
            pc.equal(action, a).to_numpy(zero_copy_only=False) for a in ("NEW", "VOID", "AMEND")
        )
        known = is_new | is_void | is_amend
        fix = is_void | is_amend
        days, day_place, text_days = parse_days(table["order_date"])
        has_day = days != NO_DAY
        earliest, today = (self.earliest - EPOCH).days, (self.today - EPOCH).days
        fares, absent, bad_fare, big_fare = parse_fares(table["fare_cents"], self.max_fare)

        try:
            state = self.stored.lookup(oid.filter(pa.array(known & (length > 0))))
        except (duckdb.Error, OSError, pa.ArrowException) as exc:
            # an index file changed after it was checked: say so, never answer from it
            raise StoredFilesDamaged([], str(exc)) from None
        where = pc.fill_null(pc.index_in(oid, value_set=state["order_id"]), -1).to_numpy(zero_copy_only=False)
        exists = where >= 0
        at = np.maximum(where, 0)
        voided = state["voided"].to_numpy(zero_copy_only=False)[at] if state.num_rows else np.zeros(len(at), bool)
        state_months = _month_numbers(state["month"])[at]
        # each row's month since 1970 (1970-01 without a day), from the month of each distinct date text
        text_months = np.where(text_days != NO_DAY, text_days, 0).astype("datetime64[D]").astype("datetime64[M]")
        day_months = text_months.astype(np.int64)[day_place]

        needs = is_new | is_amend
        places = self.registry.places_of(trimmed_upper(table["resident_id"]))
        people = self.registry.person_at(places)
        bits = np.where(has_day & (places >= 0), self.registry.sectors_at(places, days), 0)
        region = trimmed(table["region"])
        region_ok = pc.is_in(region, value_set=self.regions).to_numpy(zero_copy_only=False)
        sector = trimmed_upper(table["sector"])
        pilot = pilot_sectors(self.amounts, sector, day_place, text_days)
        sector_bit = self.registry.bits_of(sector)
        window = {"earliest": self.earliest.isoformat(), "today": self.today.isoformat()}
        checks = [
            RowCheck(Code.REQUIRED, "order_id", 0, (length == 0) | (length > 64), lambda i: (REQUIRED, {}),
                     lambda i: order_id(i)[:64]),
            RowCheck(Code.INVALID_ACTION, "action", 1, ~known,
                     lambda i: (BAD_ACTION, {"action": repr(str(raw("action", i) or "").strip().upper() or "NEW")}),
                     order_id),
            RowCheck(Code.INVALID_DATE, "order_date", 2, known & ~has_day,
                     lambda i: (BAD_DATE, {"value": repr(raw("order_date", i))}), order_id),
            RowCheck(Code.OUTSIDE_WINDOW, "order_date", 3, known & has_day & ((days < earliest) | (days > today)),
                     lambda i: (OUTSIDE_WINDOW, {"day": iso(i), **window}), order_id),
            RowCheck(Code.INVALID_FARE, "fare_cents", 4, known & (bad_fare | big_fare),
                     lambda i: (BAD_FARE, {"value": repr(raw("fare_cents", i))}) if bad_fare[i]
                     else (FARE_RANGE, {"value": int(str(raw("fare_cents", i))), "maximum": self.max_fare}), order_id),
            RowCheck(Code.ALREADY_REPORTED, "order_id", 5, is_new & exists, lambda i: (ALREADY_REPORTED, {}), order_id),
            RowCheck(Code.NOT_REPORTED_BEFORE, "order_id", 5, fix & ~exists, lambda i: (NOT_REPORTED_BEFORE, {}),
                     order_id),
            RowCheck(Code.ALREADY_VOID, "order_id", 5, fix & exists & voided, lambda i: (ALREADY_VOID, {}), order_id),
            RowCheck(Code.MONTH_MOVED, "order_date", 5, fix & exists & ~voided & has_day & (day_months != state_months),
                     lambda i: (MONTH_MOVED, {"month": _month_text(int(state_months[i]))}), order_id),
            RowCheck(Code.NOT_ENGAGED, "resident_id", 6, needs & has_day & (bits == 0),
                     lambda i: (NOT_ENGAGED, {"day": iso(i)}), order_id),
            RowCheck(Code.UNKNOWN_REGION, "region", 7, needs & ~region_ok,
                     lambda i: (UNKNOWN_REGION, {"region": repr(str(raw("region", i) or "").strip())}), order_id),
            RowCheck(Code.NOT_PILOT_SECTOR, "sector", 8, needs & has_day & ~pilot,
                     lambda i: (NOT_PILOT_SECTOR, {"sector": sector[i].as_py(), "day": iso(i)}), order_id),
            RowCheck(Code.NOT_PLATFORM_SECTOR, "sector", 8,
                     needs & has_day & pilot & (bits != 0) & ((bits & sector_bit) == 0),
                     lambda i: (NOT_PLATFORM_SECTOR, {"sector": sector[i].as_py(), "day": iso(i),
                                                      "sectors": ", ".join(self.registry.names_of(int(bits[i])))}),
                     order_id),
        ]  # fmt: skip
        refused = add_checks(self.errors, numbers, checks)
        order_dates = pa.array(np.where(has_day, days, 0).astype(np.int32), pa.int32()).cast(pa.date32())

        new = is_new & ~refused
        fixed = fix & ~refused
        if new.any():
            keep = pa.array(new)
            every = bool(new.all())  # the usual chunk: nothing to filter out
            columns = [oid, pa.array(people), region, sector, order_dates, pa.array(fares, pa.int64(), mask=absent)]
            orders = pa.table([c if every else c.filter(keep) for c in columns], schema=ORDER_SCHEMA)
            self._write("orders", orders, day_months[new])
            self.counts["NEW"] += int(new.sum())
        if fixed.any():
            keep = pa.array(fixed)
            amend = is_amend[fixed]
            taken = pa.array(at[fixed])
            corrections = pa.table(
                [
                    oid.filter(keep),
                    action.filter(keep),
                    state["person_id"].take(taken),
                    state["region"].take(taken),
                    state["sector"].take(taken),
                    pa.array(people[fixed], pa.int64(), mask=~amend),
                    pc.if_else(pa.array(amend), region.filter(keep), pa.scalar(None, pa.string())),
                    pc.if_else(pa.array(amend), sector.filter(keep), pa.scalar(None, pa.string())),
                    order_dates.filter(keep),
                ],
                schema=CORRECTION_SCHEMA,
            )
            self._write("corrections", corrections, state_months[fixed])
            self.counts["VOID"] += int((fixed & is_void).sum())
            self.counts["AMEND"] += int((fixed & is_amend).sum())

        moved = fixed & is_amend
        self.accepted_days = (np.concatenate([people[new], people[moved]]), np.concatenate([days[new], days[moved]]))

    def _write(self, kind: str, table: pa.Table, months: np.ndarray) -> None:
        if months.min() == months.max():  # one month (most chunks): the rows as they are
            self.writer.add(kind, _month_text(int(months[0])), table)
            return
        for month in np.unique(months).tolist():
            self.writer.add(kind, _month_text(int(month)), table.filter(pa.array(months == month)))


def _without_repeats(table: pa.Table, numbers: np.ndarray, errors: RowErrors) -> tuple[pa.Table, np.ndarray]:
    """Refuse every row of one chunk that repeats an earlier row's order id; return the other rows."""
    return refuse(table, numbers, errors, repeats_of(table, numbers))
