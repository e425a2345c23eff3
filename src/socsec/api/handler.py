"""The API's token requests skip the middleware only a browser's session needs.

A request under ``/api/`` that carries ``Authorization: Bearer ...`` and no cookie has no session to load, no
CSRF cookie to set, no messages and no second factor to ask for, and is not a static file: it is answered by
a handler whose middleware is ``settings.MIDDLEWARE`` without those (``SESSION_ONLY``), with an anonymous
``request.user`` in their place (what the session's middleware would have found without a cookie). Every
other middleware runs as for any request, in the same order: the API's JSON errors, the security headers,
the language, the rate limits, the refusals. Every other request goes to Django's handler with the whole
list. A token request with a cookie goes there too, so a session is never ignored."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse

SESSION_ONLY = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "socsec.accounts.sessions.IdleTimeoutMiddleware",
        "socsec.accounts.second_factor.SecondFactorMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    }
)
_AUTHENTICATION = (
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "socsec.accounts.session_auth.SessionAuthenticationMiddleware",  # Django's, the user read with the session
)
_ANONYMOUS = "socsec.api.handler.AnonymousUserMiddleware"

StartResponse = Callable[..., Any]


def token_request_middleware(middleware: list[str]) -> list[str]:
    """``middleware`` without what only a session needs, the anonymous user in the authentication's place."""
    return [_ANONYMOUS if m in _AUTHENTICATION else m for m in middleware if m not in SESSION_ONLY]


class AnonymousUserMiddleware:
    """``request.user`` as Django's authentication sets it for a request without a session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = AnonymousUser()
        return self.get_response(request)


class TokenMiddleware(BaseHandler):
    """A handler that loads ``token_request_middleware(settings.MIDDLEWARE)``."""

    def load_middleware(self, is_async: bool = False) -> None:
        whole = settings.MIDDLEWARE
        settings.MIDDLEWARE = token_request_middleware(list(whole))
        try:  # once, when the server loads the site, before any request
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = whole


class TokenRequestHandler(TokenMiddleware, WSGIHandler):
    """Django's WSGI handler with the token requests' middleware."""


def is_token_request(environ: dict[str, Any]) -> bool:
    path = str(environ.get("PATH_INFO", ""))
    authorization = str(environ.get("HTTP_AUTHORIZATION", ""))
    return path.startswith("/api/") and authorization[:7].lower() == "bearer " and not environ.get("HTTP_COOKIE")


class ApiRouter:
    """The WSGI application: token requests to ``tokens``, the rest to ``site``."""

    def __init__(self, site: Callable[..., Iterable[bytes]], tokens: Callable[..., Iterable[bytes]]) -> None:
        self.site = site
        self.tokens = tokens

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        app = self.tokens if is_token_request(environ) else self.site
        return app(environ, start_response)
