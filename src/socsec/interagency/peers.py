"""Registering the agencies this one exchanges documents with."""

from __future__ import annotations

from django.db import transaction

from socsec.audit.services import Actor, audit_record, snapshot
from socsec.core.errors import Conflict, ValidationFailed

from .errors import InterAgencyErrorCode as Code
from .models import Peer
from .signing import AGENCY_CODE, REGION_CODE, public_key_of


def peer_register(
    *, actor: Actor, code: str, region: str, base_url: str, public_key: str, replace: bool = False
) -> tuple[Peer, bool]:
    """The peer, registered (or already so: unchanged); ``(peer, changed)``. A peer registered with other
    details is changed only with ``replace`` (a key rotated by the peer, a new address)."""
    if not AGENCY_CODE.match(code):
        raise ValidationFailed("code: 2 to 32 capital letters, digits or hyphens.", field="code")
    if not REGION_CODE.match(region):
        raise ValidationFailed("region: a six-digit administrative region code.", field="region")
    if not base_url.startswith(("http://", "https://")):
        raise ValidationFailed("base_url: an http:// or https:// address.", field="base_url")
    try:
        public_key_of(public_key)
    except ValueError as exc:
        raise ValidationFailed("public_key: %(reason)s.", field="public_key", params={"reason": str(exc)}) from None
    wanted = {"region": region, "base_url": base_url.rstrip("/"), "public_key": public_key.strip(), "active": True}
    with transaction.atomic():
        peer = Peer.objects.select_for_update().filter(code=code).first()
        if peer is None:
            peer = Peer.objects.create(code=code, **wanted)
            audit_record(actor=actor, action="interagency.peer_registered", instance=peer)
            return peer, True
        if all(getattr(peer, name) == value for name, value in wanted.items()):
            return peer, False
        if not replace:
            raise Conflict(
                "The agency %(code)s is registered already with other details.",
                code=Code.PEER_EXISTS,
                params={"code": code},
            )
        before = snapshot(peer)
        for name, value in wanted.items():
            setattr(peer, name, value)
        peer.save(update_fields=list(wanted))
        audit_record(actor=actor, action="interagency.peer_changed", instance=peer, before=before)
        return peer, True
