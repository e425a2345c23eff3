"""Reads of invoices and payments for lists: a platform's own, or every platform's (staff), with filters.
Both are ordered by id so that a list can be paged by the last id it showed."""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from socsec.contributions.models import Invoice, Payment
from socsec.registry.models import Organisation


def invoices_list(
    *, platform: Organisation | None, month: str | None = None, province: str | None = None
) -> QuerySet[Invoice]:
    """Invoices with ``paid_cents`` (what payments allocated to each), of one platform or all."""
    qs = Invoice.objects.select_related("platform", "province").annotate(
        paid_cents=Coalesce(Sum("allocations__amount_cents"), 0)
    )
    if platform is not None:
        qs = qs.filter(platform=platform)
    if month:
        qs = qs.filter(month=month)
    if province:
        qs = qs.filter(province__code=province)
    return qs.order_by("pk")


def payments_list(*, platform: Organisation | None) -> QuerySet[Payment]:
    """Payments with their allocations, of one platform or all."""
    qs = Payment.objects.select_related("platform").prefetch_related("allocations")
    if platform is not None:
        qs = qs.filter(platform=platform)
    return qs.order_by("pk")
