"""An access log for ``socsec serve`` (waitress writes none): one line per request on the logger
``socsec.access`` with the client address, method, path, status, response size and duration. The query
string is left out (it may carry a search for a person or a secret), and so is every header."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

logger = logging.getLogger("socsec.access")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _printable(text: str) -> str:
    """Control characters escaped, so a crafted path cannot forge a log line."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


class AccessLog:
    """Wraps a WSGI application; the line is written when the body has been sent (or the send failed)."""

    def __init__(self, app: WSGIApp, log: logging.Logger = logger) -> None:
        self.app = app
        self.log = log

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterator[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, exc_info)

        size = 0
        body = self.app(environ, recording_start)
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            self.log.info(
                '%s "%s %s" %s %d %.1fms',
                environ.get("REMOTE_ADDR", "-"),
                environ.get("REQUEST_METHOD", "-"),
                _printable(environ.get("PATH_INFO", "") or "/"),
                status[0],
                size,
                (time.perf_counter() - started) * 1000,
            )
