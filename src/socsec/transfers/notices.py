"""Telling the worker of each step of their pension transfer, in the transaction of the step: asked for
(and checked), document issued, received and credited, done, refused. One notice per step and transfer
(the document id is the key), so a step replayed is not told twice. Places are given in both languages."""

from __future__ import annotations

from typing import Any

from socsec.core.money import format_yuan
from socsec.notifications import recipients
from socsec.notifications.services import notify
from socsec.registry.models import Region

from .models import IncomingTransfer, OutgoingTransfer


def _place(name: str, code: str) -> dict[str, str]:
    region = Region.objects.filter(code=code).first()
    return {
        f"{name}@en": region.name if region else code,
        f"{name}@zh-hans": (region.name_zh or region.name) if region else code,
    }


def transfer_tell(transfer: OutgoingTransfer | IncomingTransfer, event: str, **extra: Any) -> None:
    """Tell the transfer's person of ``event`` (``transfer.requested``, ``.issued``, ``.credited``,
    ``.completed``, ``.refused``)."""
    context: dict[str, Any] = {
        "amount": format_yuan(transfer.individual_account_cents),
        "pooled": format_yuan(transfer.pooled_cents),
        **_place("to", transfer.to_region.code),
        **extra,
    }
    if isinstance(transfer, IncomingTransfer):
        context.update(_place("from", transfer.from_region))
    else:
        context.update(_place("from", transfer.from_region.code))
    notify(
        event=event,
        recipient=recipients.person(transfer.person_id),
        context=context,
        dedupe_key=transfer.document_id,
    )
