"""Reads of the payments platforms declared: one declaration (of a platform), and the list by status."""

from __future__ import annotations

from django.db.models import QuerySet

from socsec.contributions.models import PaymentDeclaration
from socsec.core.errors import NotFound
from socsec.registry.models import Organisation


def declaration_get(*, declaration_id: int, platform: Organisation | None = None) -> PaymentDeclaration:
    """The declaration; one of another platform fails as an absent one."""
    qs = PaymentDeclaration.objects.select_related("platform").filter(pk=declaration_id)
    if platform is not None:
        qs = qs.filter(platform=platform)
    declaration = qs.first()
    if declaration is None:
        raise NotFound(f"no declared payment {declaration_id}", field="declaration_id")
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
