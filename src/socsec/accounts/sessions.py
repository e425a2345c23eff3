"""Idle sessions end: a session unused for ``settings.SESSION_IDLE_SECONDS`` is logged out. The session's
own expiry (``SESSION_COOKIE_AGE``, the same length) is renewed at most once a minute while it is used,
so reading pages does not write the session on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SEEN_KEY = "socsec_seen"
RENEW_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            if isinstance(seen, int) and now - seen > settings.SESSION_IDLE_SECONDS:
                logout(request)  # the pages then ask to log in again; the API answers 401
            elif not isinstance(seen, int) or now - seen >= RENEW_SECONDS:
                request.session[SEEN_KEY] = now
        return self.get_response(request)
