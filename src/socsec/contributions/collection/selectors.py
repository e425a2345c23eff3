"""Reads of collection: one declared payment (of a platform) and the declarations by status; invoices and
payments for lists, a platform's own or every platform's (staff), with filters. Lists are ordered by id
so that they can be paged by the last id they showed."""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from socsec.contributions.models import Invoice, Payment, PaymentDeclaration
from socsec.core.errors import NotFound
from socsec.registry.models import Organisation


def declaration_get(*, declaration_id: int, platform: Organisation | None = None) -> PaymentDeclaration:
    """The declaration; one of another platform fails as an absent one."""
    qs = PaymentDeclaration.objects.select_related("platform").filter(pk=declaration_id)
    if platform is not None:
        qs = qs.filter(platform=platform)
    declaration = qs.first()
    if declaration is None:
        raise NotFound(
            "no declared payment %(declaration_id)s", field="declaration_id", params={"declaration_id": declaration_id}
        )
    return declaration


def declarations_list(
    *, statuses: list[str] | None = None, platform: Organisation | None = None
) -> QuerySet[PaymentDeclaration]:
    """Declarations oldest first, of the statuses (all when none), of one platform when given."""
    qs = PaymentDeclaration.objects.select_related("platform", "payment").order_by("created_at", "id")
    if statuses:
        qs = qs.filter(status__in=statuses)
    if platform is not None:
        qs = qs.filter(platform=platform)
    return qs


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
    """Payments booked (from a bank line or an officer's confirmation) with their allocations, of one
    platform or all."""
    qs = Payment.objects.select_related("platform").prefetch_related("allocations")
    if platform is not None:
        qs = qs.filter(platform=platform)
    return qs.order_by("pk")
