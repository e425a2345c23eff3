"""Every API test's client answers as the server does: a token request (``Authorization: Bearer``, no
cookie) goes through the token requests' middleware (``socsec.api.handler``), every other request through
the whole list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import client as test_client

from socsec.api.handler import TokenMiddleware, is_token_request


class _TokenClientHandler(TokenMiddleware, test_client.ClientHandler):
    pass


class RoutingClientHandler(test_client.ClientHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tokens = _TokenClientHandler(*args, **kwargs)

    def __call__(self, environ: dict[str, Any]) -> Any:
        if is_token_request(environ):
            return self.tokens(environ)
        return super().__call__(environ)


@pytest.fixture(autouse=True)
def _server_routing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(test_client, "ClientHandler", RoutingClientHandler)
    yield
