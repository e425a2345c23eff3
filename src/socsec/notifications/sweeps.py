"""Notices of what falls due with time rather than with a write: invoices past their due date with
something unpaid, and own contributions of the month not paid yet. Each is told once (its dedupe key: the
invoice; the scheme and month), so a sweep run again, or every day, tells nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import override

from socsec.contributions.collection.outstanding import unpaid_invoices
from socsec.contributions.models import Invoice, OwnContribution, VoluntaryEnrolment, WithholdingMandate
from socsec.core.money import format_yuan
from socsec.core.months import month_first_day, month_index, month_last_day, month_of
from socsec.registry.models import Organisation

from . import recipients
from .services import Row, notify_many

BATCH = 1000


def invoices_overdue_notify(*, on: dt.date | None = None) -> int:
    """Tell each platform of its invoices due before ``on`` with something left to pay. Returns the
    invoices told of (again or not: a notice already written is left as it is)."""
    on = on or timezone.localdate()
    told = 0
    platforms = Organisation.objects.filter(pk__in=Invoice.objects.filter(due_on__lt=on).values("platform_id"))
    for platform in platforms.order_by("id"):  # a platform's credit applies across its invoices
        rows: list[Row] = [
            (
                recipients.organisation(platform.pk),
                {
                    "invoice": invoice.pk,
                    "month": invoice.month,
                    "due": invoice.due_on.isoformat(),
                    "outstanding": format_yuan(outstanding),
                },
                str(invoice.pk),
            )
            for invoice, outstanding in unpaid_invoices(platform=platform)
            if invoice.due_on < on
        ]
        with transaction.atomic():
            told += notify_many(event="invoice.overdue", rows=rows)
    return told


def contributions_due_notify(*, on: dt.date | None = None) -> int:
    """Tell each worker enrolled in a scheme they pay themself whose contribution for the month of ``on``
    is neither paid nor withheld by a platform. Set-based: a batch of enrolments costs three queries."""
    on = on or timezone.localdate()
    month = month_of(on)
    index = month_index(month)
    first, last = month_first_day(index), month_last_day(index)
    enrolments = (
        VoluntaryEnrolment.objects.filter(joined_on__lte=last).order_by("id").values_list("id", "person_id", "scheme")
    )
    told, after = 0, 0
    while batch := list(enrolments.filter(id__gt=after)[:BATCH]):
        after = batch[-1][0]
        persons = {person_id for _id, person_id, _scheme in batch}
        covered = _covered(persons, first, last, index)
        rows = list(_due_rows(batch, covered, month))
        with transaction.atomic():
            told += notify_many(event="contribution.due", rows=rows)
    return told


def _covered(persons: set[int], first: dt.date, last: dt.date, index: int) -> set[tuple[int, str]]:
    """(person, scheme) paid for the month, or withheld for it by a platform."""
    paid = OwnContribution.objects.filter(person_id__in=persons, period_start__lte=first).values_list(
        "person_id", "scheme", "period_start", "months"
    )
    covered = {(p, s) for p, s, start, months in paid if month_index(start) + months > index}
    withheld = WithholdingMandate.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=last), person_id__in=persons, valid_from__lte=first
    ).values_list("person_id", "scheme")
    covered.update(withheld)
    return covered


def _due_rows(batch: list[tuple[int, int, str]], covered: set[tuple[int, str]], month: str) -> Iterator[Row]:
    for _id, person_id, scheme in batch:
        if (person_id, scheme) not in covered:
            with override(None):  # the scheme's words as the catalogue's msgid, shown translated
                label = str(OwnContribution.Scheme(scheme).label)
            yield recipients.person(person_id), {"scheme": label, "month": month}, f"{scheme}:{month}"
