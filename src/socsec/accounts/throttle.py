"""Rate limits on the API, each a fixed window counted in Django's cache; over a limit the answer is 429
with ``Retry-After``:

- every request counts against the client's address (``API_RATE_LIMIT_PER_IP``);
- a request whose bearer token authenticated also counts against that token (``API_RATE_LIMIT_PER_TOKEN``).
  A token's counter is created only once the token has authenticated, so a made-up bearer key neither has
  a counter of its own nor escapes the address's;
- a bearer key that fails to authenticate (401) counts as a failure of the address, and an address with
  ``API_TOKEN_FAILURES_PER_IP`` failures in the window is refused every API request until it ends, which
  stops the guessing of keys.

The address is ``REMOTE_ADDR``: behind a TLS proxy, ``socsec serve --trusted-proxy`` has waitress put the
client's address there from the proxy's ``X-Forwarded-For`` (and from no one else's), as for the access
log and the login lockout. A limit of 0 turns that limit off.

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
from .permissions import Principal

_TOKEN_COUNTED = "_socsec_token_counted"  # on the request: its token was counted before the answer
_DIGEST = "_socsec_bearer_digest"  # on the request: its bearer key's digest, or None


def _window(now: float | None) -> tuple[int, int, float]:
    window = int(settings.API_RATE_WINDOW_SECONDS)
    moment = time.time() if now is None else now
    return int(moment // window) * window, window, moment


def _counter(kind: str, who: str, start: int) -> str:
    return f"socsec:rate:{kind}:{who}:{start}"


def _count(counter: str, window: int) -> int:
    cache.add(counter, 0, timeout=window + 1)
    try:
        return int(cache.incr(counter))
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=window + 1)
        return 1


def _retry_after(start: int, window: int, moment: float) -> int:
    return max(1, int(start + window - moment + 0.999))


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _bearer_digest(request: HttpRequest) -> str | None:
    """The bearer key's digest (None without one), worked out once per request: before and after the answer."""
    if hasattr(request, _DIGEST):
        return getattr(request, _DIGEST)  # type: ignore[no-any-return]
    header = request.headers.get("Authorization", "")
    key = header[7:].strip() if header[:7].lower() == "bearer " else ""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32] if key else None
    setattr(request, _DIGEST, digest)
    return digest


def rate_limit_hit(request: HttpRequest, *, now: float | None = None) -> int | None:
    """Counts the request before it is answered: the seconds until the window ends when the address is
    over its limit or its failures', or the (already authenticated) token over its limit; else None."""
    start, window, moment = _window(now)
    address = _address(request)
    per_ip = int(settings.API_RATE_LIMIT_PER_IP)
    if per_ip > 0 and _count(_counter("ip", address, start), window) > per_ip:
        return _retry_after(start, window, moment)
    failures_limit = int(settings.API_TOKEN_FAILURES_PER_IP)
    if failures_limit > 0 and int(cache.get(_counter("fail", address, start), 0)) >= failures_limit:
        return _retry_after(start, window, moment)
    digest = _bearer_digest(request)
    per_token = int(settings.API_RATE_LIMIT_PER_TOKEN)
    if digest is not None and per_token > 0:
        try:  # only a token that authenticated in this window has a counter
            used = int(cache.incr(_counter("token", digest, start)))
        except ValueError:
            return None
        setattr(request, _TOKEN_COUNTED, True)
        if used > per_token:
            return _retry_after(start, window, moment)
    return None


def rate_limit_answered(request: HttpRequest, response: HttpResponse, *, now: float | None = None) -> None:
    """Counts what authentication decided: the first request of an authenticated token in the window
    starts its counter; a bearer key refused with 401 is a failure of the address."""
    digest = _bearer_digest(request)
    if digest is None:
        return
    start, window, _ = _window(now)
    auth = getattr(request, "auth", None)
    if isinstance(auth, Principal) and auth.actor.token_id is not None:
        if int(settings.API_RATE_LIMIT_PER_TOKEN) > 0 and not getattr(request, _TOKEN_COUNTED, False):
            _count(_counter("token", digest, start), window)  # no counter kept for a limit that is off
    elif response.status_code == 401:
        _count(_counter("fail", _address(request), start), window)


class ApiRateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        retry_after = rate_limit_hit(request)
        if retry_after is not None:
            return _refused(retry_after)
        response = self.get_response(request)
        rate_limit_answered(request, response)
        return response


def _refused(retry_after: int) -> HttpResponse:
    body = {
        "code": AccountErrorCode.RATE_LIMITED.value,
        "message": f"Too many requests: try again in {retry_after} s.",
        "details": {"retry_after": retry_after, "window_seconds": settings.API_RATE_WINDOW_SECONDS},
    }
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    response["Retry-After"] = str(retry_after)
    return response
