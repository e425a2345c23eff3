"""Reads of collection: one declared payment (of a platform) and the declarations by status; invoices and
payments for lists, a platform's own or every platform's (staff), with filters. Lists are ordered by id
so that they can be paged by the last id they showed."""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from socsec.contributions.models import Invoice, Payment, PaymentDeclaration
from socsec.core.compiled import CompiledQuery, id_sentinel, text_sentinel
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
    return _invoices(platform_id=platform.pk if platform is not None else None, month=month, province=province)


def _invoices(*, platform_id: int | None, month: str | None, province: str | None) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("platform", "province").annotate(
        paid_cents=Coalesce(Sum("allocations__amount_cents"), 0)
    )
    if platform_id is not None:
        qs = qs.filter(platform_id=platform_id)
    if month:
        qs = qs.filter(month=month)
    if province:
        qs = qs.filter(province__code=province)
    return qs.order_by("pk")


def _invoice_page(
    *, platform_id: int | None, month: str | None, province: str | None, after: int | None, size: int
) -> QuerySet[Invoice]:
    qs = _invoices(platform_id=platform_id, month=month, province=province)
    return (qs.filter(pk__gt=after) if after is not None else qs)[:size]


_INVOICE_PAGE = CompiledQuery(
    _invoice_page,
    sentinels={
        "platform_id": id_sentinel(1),
        "month": text_sentinel("month"),
        "province": text_sentinel("province"),
        "after": id_sentinel(2),
    },
)


def invoices_page(
    *, platform: Organisation | None, month: str | None, province: str | None, after: int | None, size: int
) -> list[Invoice]:
    """Up to ``size`` invoices of ``invoices_list`` after the id ``after``, by id: the same rows, read with
    SQL built once per process (the API's hot read)."""
    return _INVOICE_PAGE.objects(
        platform_id=platform.pk if platform is not None else None,
        month=month or None,
        province=province or None,
        after=after,
        size=size,
    )


def payments_list(*, platform: Organisation | None) -> QuerySet[Payment]:
    """Payments booked (from a bank line or an officer's confirmation) with their allocations, of one
    platform or all."""
    qs = Payment.objects.select_related("platform").prefetch_related("allocations")
    if platform is not None:
        qs = qs.filter(platform=platform)
    return qs.order_by("pk")
