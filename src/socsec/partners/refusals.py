"""Every refused attempt of a partner is kept, with its reason: written on its own (never inside the
refused work's transaction, which rolls back), so that the refusal stays when nothing else is written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from socsec.core.errors import DomainError

from .models import Agreement, Partner, PartnerRefusal


def refusal_record(
    *,
    action: str,
    code: str,
    message: str,
    agreement: Agreement | None = None,
    partner: Partner | None = None,
    client_id: str = "",
) -> PartnerRefusal:
    if agreement is not None and partner is None:
        partner = agreement.partner
    return PartnerRefusal.objects.create(
        at=timezone.now(),
        partner=partner,
        agreement=agreement,
        client_id=client_id[:100],
        action=action[:60],
        code=code[:40],
        message=message[:500],
    )


@contextmanager
def refusals_logged(*, action: str, agreement: Agreement | None) -> Iterator[None]:
    """Keeps a refusal (a ``DomainError``) of the work inside, then lets it go on to the caller."""
    try:
        yield
    except DomainError as exc:
        if getattr(exc, "refusal_kept", False):
            raise
        refusal_record(action=action, code=str(exc.code), message=exc.message, agreement=agreement)
        raise
