"""Two agencies in one test database: this one (``DEV``, the settings' identity) and ``PEER``, with its own
key. ``InProcessTransport`` delivers to PEER through Django's test client with PEER's identity in force, so
the real endpoint and services answer; ``note`` is a small kind the tests plug in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.test import Client, override_settings

from socsec.audit.services import Actor
from socsec.core.errors import ValidationFailed
from socsec.interagency.kinds import DocumentKind, Outcome, Received
from socsec.interagency.models import Peer
from socsec.interagency.peers import peer_register
from socsec.interagency.signing import AgencyIdentity, development_key
from socsec.interagency.transport import PeerUnreachable

PEER = AgencyIdentity(
    "PEER", "510100", "http://peer.test", Ed25519PrivateKey.from_private_bytes(development_key("PEER"))
)
STRANGER = AgencyIdentity("STRANGER", "110000", "http://x.test", Ed25519PrivateKey.from_private_bytes(b"s" * 32))
ACTOR = Actor.system("test")


def register_both() -> tuple[Peer, Peer]:
    """PEER registered here, and this agency registered (in the same table) as PEER's peer."""
    me = settings.SOCSEC_AGENCY
    peer, _ = peer_register(
        actor=ACTOR, code=PEER.code, region=PEER.region, base_url=PEER.base_url, public_key=PEER.public_key
    )
    mine, _ = peer_register(actor=ACTOR, code=me.code, region=me.region, base_url=me.base_url, public_key=me.public_key)
    return peer, mine


class InProcessTransport:
    """Posts to the endpoint through the test client, as PEER; ``down`` makes the next posts fail."""

    def __init__(self) -> None:
        self.client = Client()
        self.down = 0
        self.posts = 0

    def post_documents(self, peer: Peer, documents: list[dict[str, Any]]) -> list[Any]:
        self.posts += 1
        if self.down:
            self.down -= 1
            raise PeerUnreachable(f"{peer.code}: connection refused")
        with override_settings(SOCSEC_AGENCY=PEER, SOCSEC_AGENCY_CODE=PEER.code):
            response = self.client.post(
                "/api/interagency/documents", {"documents": documents}, content_type="application/json"
            )
        if response.status_code != 200:
            raise PeerUnreachable(f"HTTP {response.status_code}: {response.content[:300]!r}")
        acks: list[Any] = response.json()["acknowledgements"]
        return acks


SETTLED: list[Outcome] = []


def _validate(document: Received) -> None:
    if document.body.get("refuse"):
        raise ValidationFailed("The note is refused: %(why)s.", params={"why": document.body["refuse"]})


def _apply(documents: Sequence[Received]) -> list[Mapping[str, Any]]:
    return [{"noted": d.document_id, "from": d.sender} for d in documents]


NOTE = DocumentKind(name="test.note", validate=_validate, apply=_apply, settle=SETTLED.extend)
