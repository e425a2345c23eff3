"""Arrears: invoices past due and not fully paid on a day, with the late-payment surcharge reckoned day
by day over the stretches at each unpaid amount, and its explanation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from django.db.models import Exists, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from socsec.contributions.models import Invoice, PaymentAllocation
from socsec.core.errors import ValidationFailed
from socsec.registry.models import Organisation
from socsec.rules.engine import compute_totals, get_formula
from socsec.rules.parameters import load_parameters

from .outstanding import InvoiceHistory, invoice_histories


@dataclass(frozen=True)
class SurchargeInterval:
    """One stretch of days at one unpaid amount: from ``start`` (counted) to ``end`` (not counted)."""

    start: dt.date
    end: dt.date
    days: int
    outstanding_cents: int
    daily_rate: float
    amount_cents: float  # exact, before the invoice's total is rounded


@dataclass(frozen=True)
class Arrear:
    """An invoice past due on a day: what is unpaid, the days late and the surcharge to that day."""

    invoice: Invoice
    outstanding_cents: int
    days_late: int
    surcharge_cents: int
    intervals: tuple[SurchargeInterval, ...] = ()
    exact_cents: float = 0.0

    def explanation(self) -> dict[str, Any]:
        """The surcharge as an officer reads it (``surcharge_explanation``)."""
        return surcharge_explanation(self.intervals, self.exact_cents, self.surcharge_cents)


def surcharge_explanation(intervals: Sequence[SurchargeInterval], exact_cents: float, value: int) -> dict[str, Any]:
    """A surcharge as an officer reads it: the rule, its legal basis, every stretch of days with the amount
    unpaid, and the rounding of the total."""
    f = get_formula(SURCHARGE_RULE)
    return {
        "formula": f.name,
        "label": f.label,
        "reference": f.reference,
        "parameter": RATE_PARAMETER,
        "intervals": [
            {
                "from": i.start.isoformat(),
                "to": i.end.isoformat(),
                "days": i.days,
                "outstanding_cents": i.outstanding_cents,
                "daily_rate": i.daily_rate,
                "amount_cents": i.amount_cents,
            }
            for i in intervals
        ],
        "exact_cents": exact_cents,
        "rounding": f.rounding_text,
        "value": value,
    }


SURCHARGE_RULE = "late_payment_surcharge_accrued"
RATE_PARAMETER = "contribution.late_payment_daily_rate"


def late_payment_daily_rate(on: dt.date) -> float:
    """The late-payment surcharge a day on ``on``, as a ratio (0.0005 is 0.05%)."""
    return float(load_parameters().leaf(RATE_PARAMETER).at(np.array([on], dtype="datetime64[D]"))[0])


def arrears(*, on: dt.date, platform: Organisation | None = None) -> list[Arrear]:
    """Invoices past due on ``on`` and not fully paid by then (net of credit notes), with the late-payment
    surcharge to that date, reckoned day by day: from the due date to ``on``, the time is cut at every day
    a payment or credit reduced the invoice, and each stretch is charged on what was unpaid during it.
    Money received before the due date lowers the amount from the start; a payment counts from the day
    it was received (that day is not charged on it). The stretches of all invoices go through one
    vectorised call of the ``late_payment_surcharge_accrued`` rule, and each invoice's total is rounded
    once (half up, to the cent), not each stretch."""
    platforms = (
        [platform]
        if platform is not None
        else list(
            Organisation.objects.filter(invoices__amount_cents__gt=0, invoices__due_on__lt=on).distinct().order_by("id")
        )
    )
    late = [h for p in platforms for h in invoice_histories(p) if h.invoice.due_on < on and h.outstanding_on(on) > 0]
    late.sort(key=lambda h: (h.invoice.due_on, h.invoice.pk))
    return _surcharged(late, on)


def arrears_page(
    *, on: dt.date, limit: int, platform: Organisation | None = None, after: int | None = None
) -> tuple[list[Arrear], bool]:
    """A page of ``arrears``: at most ``limit`` of them in the order of platforms (by id), then each
    platform's oldest due first, starting after the invoice ``after``; and whether more follow. Only the
    platforms the page reaches are read, each whole (credit is applied across a platform's invoices), and
    only the page's surcharges are reckoned. Platforms whose past-due invoices are all covered by payments
    allocated to them by that day are not read at all."""
    start: tuple[int, dt.date, int] | None = None  # (platform, due, invoice) of the last invoice shown
    if after is not None:
        last = Invoice.objects.filter(pk=after).values_list("platform_id", "due_on", "pk").first()
        if last is None or (platform is not None and last[0] != platform.pk):
            raise ValidationFailed("cursor: is not a cursor this API gave; start without one.", field="cursor")
        start = (last[0], last[1], last[2])
    candidates = _platforms_possibly_late(on) if platform is None else Organisation.objects.filter(pk=platform.pk)
    if start is not None:
        candidates = candidates.filter(pk__gte=start[0])
    late: list[InvoiceHistory] = []
    for organisation in candidates.order_by("id").iterator(chunk_size=100):
        mine = [h for h in invoice_histories(organisation) if h.invoice.due_on < on and h.outstanding_on(on) > 0]
        mine.sort(key=lambda h: (h.invoice.due_on, h.invoice.pk))
        if start is not None and organisation.pk == start[0]:
            mine = [h for h in mine if (h.invoice.due_on, h.invoice.pk) > (start[1], start[2])]
        late.extend(mine)
        if len(late) > limit:
            break
    return _surcharged(late[:limit], on), len(late) > limit


def _platforms_possibly_late(on: dt.date) -> QuerySet[Organisation]:
    """Platforms with an invoice past due on ``on`` that the payments allocated to it by then do not cover
    (credit may still cover it: ``invoice_histories`` decides)."""
    allocated = (
        PaymentAllocation.objects.filter(invoice=OuterRef("pk"), payment__received_on__lte=on)
        .values("invoice")
        .annotate(total=Sum("amount_cents"))
        .values("total")
    )
    uncovered = Invoice.objects.filter(platform=OuterRef("pk"), amount_cents__gt=0, due_on__lt=on).filter(
        amount_cents__gt=Coalesce(Subquery(allocated), 0)
    )
    return Organisation.objects.filter(Exists(uncovered))


def _surcharged(late: list[InvoiceHistory], on: dt.date) -> list[Arrear]:
    """The surcharges of these late invoices to ``on``, in one vectorised call of the rule."""
    return [
        Arrear(h.invoice, h.outstanding_on(on), (on - h.invoice.due_on).days, total, stretches, exact)
        for h, (stretches, total, exact) in zip(late, surcharges(late, on=on), strict=True)
    ]


class Debt(Protocol):
    """An amount due on a day and what reduced it, by date (an invoice's history, an employer's unpaid
    contributions of a month)."""

    @property
    def due_on(self) -> dt.date: ...

    @property
    def reductions(self) -> Sequence[tuple[dt.date, int]]: ...

    def outstanding_on(self, day: dt.date) -> int: ...


def surcharges(debts: Sequence[Debt], *, on: dt.date) -> list[tuple[tuple[SurchargeInterval, ...], int, float]]:
    """Per debt past due on ``on``: its stretches of days at each unpaid amount, its surcharge (rounded once,
    half up to the cent) and the exact figure before rounding. From the due date to ``on`` the time is cut at
    every day a reduction came, and each stretch is charged on what was unpaid during it; what came by the
    due date lowers the amount from the start, and the day a payment arrives is not charged on it. All
    stretches go through one vectorised call of the ``late_payment_surcharge_accrued`` rule."""
    if any(h.due_on >= on for h in debts):
        raise ValueError("surcharges are reckoned on debts past due only")
    if not debts:
        return []
    rows: list[tuple[int, dt.date, dt.date, int]] = []  # (debt's position, first day, end, unpaid)
    for n, h in enumerate(debts):
        start = h.due_on
        unpaid = h.outstanding_on(start)  # what was received by the due date lowers the base from the start
        for day in sorted({d for d, _c in h.reductions if start < d <= on}):
            rows.append((n, start, day, unpaid))
            start, unpaid = day, h.outstanding_on(day)
        if start < on:
            rows.append((n, start, on, unpaid))
    group, starts, ends, owed = (list(column) for column in zip(*rows, strict=True))
    first_days = np.array(starts, dtype="datetime64[D]")
    days = np.array([(e - s).days for s, e in zip(starts, ends, strict=True)], dtype=np.int64)
    outstanding = np.array(owed, dtype=np.int64)
    result = compute_totals(SURCHARGE_RULE, first_days, np.array(group), outstanding_cents=outstanding, days=days)
    rates = load_parameters().leaf(RATE_PARAMETER).at(first_days)
    stretches: list[list[SurchargeInterval]] = [[] for _h in debts]
    for n, s, e, d, o, r, a in zip(group, starts, ends, days, owed, rates, result.rows, strict=True):
        stretches[n].append(SurchargeInterval(s, e, int(d), int(o), float(r), float(a)))
    return [(tuple(stretches[n]), int(result.totals[n]), float(result.exact[n])) for n in range(len(debts))]
