"""What is left to pay on a platform's invoices: each positive invoice with what reduced it, by date
(payments allocated to it, credit notes and payments' surplus applied oldest first), the unpaid ones
oldest due first, and all of them newest first with their outstanding amount."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socsec.contributions.models import Invoice, Payment, PaymentAllocation
from socsec.registry.models import Organisation


@dataclass
class InvoiceHistory:
    """A positive invoice and what reduced it, by date: payments allocated to it (on the day they were
    received) and credit applied to it (a credit note from its issue date, a payment's surplus from the
    day it was received)."""

    invoice: Invoice
    reductions: list[tuple[dt.date, int]]

    @property
    def due_on(self) -> dt.date:
        return self.invoice.due_on

    @property
    def outstanding_cents(self) -> int:
        return self.invoice.amount_cents - sum(cents for _day, cents in self.reductions)

    def outstanding_on(self, day: dt.date) -> int:
        return self.invoice.amount_cents - sum(cents for on, cents in self.reductions if on <= day)


def invoice_histories(platform: Organisation) -> list[InvoiceHistory]:
    """The platform's positive invoices, oldest due first, each with its reductions by date. Credit (the
    platform's credit notes, and what its payments brought beyond their allocations) is applied to the
    oldest invoices first, the earliest credit first."""
    invoices = list(
        Invoice.objects.filter(platform=platform).select_related("platform", "province").order_by("due_on", "id")
    )
    allocated: dict[int, list[tuple[dt.date, int]]] = {}
    for invoice_id, day, cents in (
        PaymentAllocation.objects.filter(invoice__platform=platform)
        .order_by("payment__received_on", "id")
        .values_list("invoice_id", "payment__received_on", "amount_cents")
    ):
        allocated.setdefault(invoice_id, []).append((day, int(cents)))
    credits = [(i.issued_on, i.pk, -i.amount_cents) for i in invoices if i.amount_cents < 0]
    payments = (
        Payment.objects.filter(platform=platform)
        .annotate(allocated=Coalesce(Sum("allocations__amount_cents"), 0))
        .values_list("received_on", "id", "amount_cents", "allocated")
    )
    credits += [(day, -pk, int(cents) - int(used)) for day, pk, cents, used in payments if cents > used]
    credits.sort()
    queue: list[tuple[dt.date, int]] = [
        (day, cents) for day, _key, cents in credits
    ]  # (date, credit left), earliest first
    histories = []
    for invoice in invoices:
        if invoice.amount_cents <= 0:
            continue
        reductions = list(allocated.get(invoice.pk, []))
        owed = invoice.amount_cents - sum(cents for _day, cents in reductions)
        while owed > 0 and queue:
            day, left = queue[0]
            applied = min(left, owed)
            reductions.append((day, applied))
            owed -= applied
            if left == applied:
                queue.pop(0)
            else:
                queue[0] = (day, left - applied)
        reductions.sort(key=lambda r: r[0])
        histories.append(InvoiceHistory(invoice, reductions))
    return histories


def unpaid_invoices(*, platform: Organisation) -> list[tuple[Invoice, int]]:
    """The platform's invoices with something left to pay, oldest due first: (invoice, outstanding).
    What is left is the amount less the payments allocated to it and less the platform's credit notes
    (negative invoices) and unallocated payments, which are applied to the oldest invoices first."""
    return [(h.invoice, h.outstanding_cents) for h in invoice_histories(platform) if h.outstanding_cents > 0]


class InvoiceStatus(models.TextChoices):
    """Where an invoice stands, worked out from what is left to pay on it and its due date (never
    stored); the labels are the words the pages show."""

    UNPAID = "UNPAID", _("Unpaid")
    UNPAID_OVERDUE = "UNPAID_OVERDUE", _("Unpaid, overdue")
    PART_PAID = "PART_PAID", _("Partly paid")
    PART_PAID_OVERDUE = "PART_PAID_OVERDUE", _("Partly paid, overdue")
    PAID = "PAID", _("Paid")
    CREDIT_NOTE = "CREDIT_NOTE", _("Credit note: taken off your oldest unpaid invoices")
    NOTHING_DUE = "NOTHING_DUE", _("Nothing to pay")


@dataclass(frozen=True)
class InvoiceState:
    invoice: Invoice
    outstanding_cents: int
    today: dt.date | None = None

    @property
    def status(self) -> InvoiceStatus:
        amount, owed = self.invoice.amount_cents, self.outstanding_cents
        if amount < 0:
            return InvoiceStatus.CREDIT_NOTE
        if amount == 0:
            return InvoiceStatus.NOTHING_DUE
        if owed <= 0:
            return InvoiceStatus.PAID
        overdue = self.invoice.due_on < (self.today or timezone.localdate())
        if owed < amount:
            return InvoiceStatus.PART_PAID_OVERDUE if overdue else InvoiceStatus.PART_PAID
        return InvoiceStatus.UNPAID_OVERDUE if overdue else InvoiceStatus.UNPAID


def invoices_of(*, platform: Organisation) -> list[InvoiceState]:
    """The platform's invoices, newest first, with what is left to pay on each (after payments and
    credit, as the allocation of payments sees it)."""
    open_amounts = {invoice.pk: owed for invoice, owed in unpaid_invoices(platform=platform)}
    rows = Invoice.objects.filter(platform=platform).select_related("province", "run").order_by("-month", "-id")
    return [InvoiceState(i, open_amounts.get(i.pk, 0)) for i in rows]
