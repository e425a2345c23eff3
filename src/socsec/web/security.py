"""Headers on every answer: the Content-Security-Policy (``settings.CONTENT_SECURITY_POLICY``: scripts
only from our own static files, no inline script; inline style attributes are allowed for the bars'
widths), and ``Cache-Control: no-store`` on what a logged-in person reads and on the API (personal data
must not stay in a shared or browser cache)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def is_personal(request: HttpRequest) -> bool:
    """An answer that may hold personal data: any page of a logged-in person, and the API."""
    if request.path.startswith(("/static/", "/healthz")):
        return False
    user = getattr(request, "user", None)
    return request.path.startswith("/api/") or bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        if is_personal(request):
            response["Cache-Control"] = "no-store"
            patch_vary_headers(response, ("Cookie",))
        return response
