"""Telling the worker of each step of their pension transfer, in the transaction of the step: asked for
(and checked), document issued, received and credited, done, refused. One notice per step and transfer
(the document id is the key), so a step replayed is not told twice. Places are given in both languages."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from socsec.core.errors import kept_reason_text
from socsec.core.money import format_yuan
from socsec.notifications import recipients
from socsec.notifications.services import notify
from socsec.registry.models import Region

from .models import IncomingTransfer, OutgoingTransfer


def _place(name: str, place: Region | str) -> dict[str, str]:
    """The place's name in each language, from the region read with the transfer or else by its code (a code
    no region has stays a code)."""
    region = place if isinstance(place, Region) else Region.objects.filter(code=place).first()
    code = place.code if isinstance(place, Region) else place
    return {
        f"{name}@en": region.name if region else code,
        f"{name}@zh-hans": (region.name_zh or region.name) if region else code,
    }


def transfer_tell(transfer: OutgoingTransfer | IncomingTransfer, event: str, **extra: Any) -> None:
    """Tell the transfer's person of ``event`` (``transfer.requested``, ``.issued``, ``.credited``,
    ``.completed``, ``.refused``). A transfer that opens a temporary account moves nothing: its person is told
    once, when it is asked for, that the relation stays and a temporary account is opened
    (``transfer.temporary_account``), and of a refusal."""
    kept = _kept_at(transfer)
    if kept and event != "transfer.refused":
        if event != "transfer.requested":
            return
        event = "transfer.temporary_account"
    context: dict[str, Any] = {
        "amount": format_yuan(transfer.individual_account_cents),
        "pooled": format_yuan(transfer.pooled_cents),
        **_place("to", transfer.to_region),
        **extra,
    }
    if isinstance(transfer, IncomingTransfer):
        context.update(_place("from", transfer.from_region))
    else:
        context.update(_place("from", transfer.from_region))
    if kept:
        context.update(_place("kept", kept))
    notify(
        event=event,
        recipient=recipients.person(transfer.person_id),
        context=context,
        dedupe_key=transfer.document_id,
    )


def _kept_at(transfer: OutgoingTransfer | IncomingTransfer) -> str:
    """Where the relation stays when the transfer opens a temporary account, else ""."""
    if isinstance(transfer, IncomingTransfer):
        return ""  # the receiver opens the account without a notice of its own: the sender told the person
    if not (transfer.explanation.get("temporary_account") or {}).get("value"):
        return ""
    return str(transfer.explanation.get("relation_kept_at") or transfer.from_region.code)


def refusal_values(transfer: OutgoingTransfer) -> dict[str, str]:
    """The refusal's reason for a notice, in each language a notice is written in (``reason@zh-hans``,
    ``reason@en``): from its template where the catalogue holds it, else the English words."""
    values = {"reason": transfer.refusal_reason}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            text, _in_language = kept_reason_text(
                transfer.refusal_reason, transfer.refusal_template, transfer.refusal_params or {}
            )
        values[f"reason@{language}"] = text
    return values
