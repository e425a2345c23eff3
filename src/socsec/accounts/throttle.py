"""Rate limits on the API: a fixed window per token (the bearer key's digest) or, without one, per client
address, counted in Django's cache. Over the limit the answer is 429 with ``Retry-After``.

The default cache is in the process's memory: ``socsec serve`` is one process (threads share it). Several
processes need a shared cache (``CACHES``) for the limits to hold across them."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from .errors import AccountErrorCode


def _client_key(request: HttpRequest) -> tuple[str, int]:
    """The counter's key and its limit: per token when a bearer key is sent, else per address."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        digest = hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
        return f"token:{digest}", settings.API_RATE_LIMIT_PER_TOKEN
    return f"ip:{request.META.get('REMOTE_ADDR', '')}", settings.API_RATE_LIMIT_PER_IP


def rate_limit_hit(request: HttpRequest, *, now: float | None = None) -> int | None:
    """Counts the request; the seconds until the window ends when it is over the limit, else None.
    A limit of 0 turns the limit off."""
    key, limit = _client_key(request)
    if limit <= 0:
        return None
    window = settings.API_RATE_WINDOW_SECONDS
    moment = time.time() if now is None else now
    start = int(moment // window) * window
    counter = f"socsec:rate:{key}:{start}"
    cache.add(counter, 0, timeout=window + 1)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int(start + window - moment + 0.999))


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            retry_after = rate_limit_hit(request)
            if retry_after is not None:
                body = {
                    "code": AccountErrorCode.RATE_LIMITED.value,
                    "message": f"Too many requests: try again in {retry_after} s.",
                    "details": {"retry_after": retry_after, "window_seconds": settings.API_RATE_WINDOW_SECONDS},
                }
                response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
                response["Retry-After"] = str(retry_after)
                return response
        return self.get_response(request)
