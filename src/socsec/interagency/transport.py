"""How documents reach a peer: ``PeerTransport``, and its HTTP implementation posting to the peer's
published endpoint (``POST {base_url}/api/interagency/documents``, see ``socsec.api.interagency``).
A test or another network (a message queue between agencies) fits a class with the same method."""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from .models import Peer

DOCUMENTS_PATH = "/api/interagency/documents"


class PeerUnreachable(Exception):
    """The peer did not answer with acknowledgements (down, unreachable, timed out, an error status):
    worth trying again later."""


class PeerTransport(Protocol):
    def post_documents(self, peer: Peer, documents: list[dict[str, Any]]) -> list[Any]:
        """The peer's signed acknowledgements of ``documents``, in their order."""
        ...


class HttpTransport:
    def __init__(self, *, timeout_seconds: float) -> None:
        self.client = httpx.Client(timeout=timeout_seconds, headers={"User-Agent": "socsec-agency/1"})

    def post_documents(self, peer: Peer, documents: list[dict[str, Any]]) -> list[Any]:
        url = peer.base_url.rstrip("/") + DOCUMENTS_PATH
        try:
            response = self.client.post(url, json={"documents": documents})
        except httpx.HTTPError as exc:
            raise PeerUnreachable(f"{url}: {type(exc).__name__}: {exc}") from None
        if response.status_code != 200:
            raise PeerUnreachable(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
        try:
            acks = response.json()["acknowledgements"]
        except (ValueError, KeyError, TypeError):
            raise PeerUnreachable(f"{url}: the answer is not a list of acknowledgements") from None
        if not isinstance(acks, list):
            raise PeerUnreachable(f"{url}: the answer is not a list of acknowledgements")
        return acks


def transport_configured() -> PeerTransport:
    from django.conf import settings

    return HttpTransport(timeout_seconds=settings.SOCSEC_INTERAGENCY["timeout_seconds"])
