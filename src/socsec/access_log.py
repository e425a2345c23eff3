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
    """Wraps a WSGI application. A response whose body is in memory (Django's ``HttpResponse``; not a
    file or a stream) is logged and closed as it is handed to the server, and handed over as one piece:
    a server writes that at once, where it would take a generator's chunks one by one, each with the
    interpreter's lock. A streamed body is logged when it has been sent (or the send failed)."""

    def __init__(self, app: WSGIApp, log: logging.Logger = logger) -> None:
        self.app = app
        self.log = log

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, exc_info)

        body = self.app(environ, recording_start)
        if getattr(body, "streaming", None) is not False:
            return self._streamed(body, environ, status, started)
        logged, size = "500", 0  # what raises here, the server answers with a 500
        try:
            try:
                content: bytes = body.content  # type: ignore[attr-defined]  # an HttpResponse's, joined
            finally:
                body.close()  # type: ignore[attr-defined]
            logged, size = status[0], len(content)
        finally:
            self._line(environ, logged, size, started)
        return [content]

    def _streamed(
        self, body: Iterable[bytes], environ: dict[str, Any], status: list[str], started: float
    ) -> Iterator[bytes]:
        size = 0
        try:
            for chunk in body:
                size += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            self._line(environ, status[0], size, started)

    def _line(self, environ: dict[str, Any], status: str, size: int, started: float) -> None:
        self.log.info(
            '%s "%s %s" %s %d %.1fms',
            environ.get("REMOTE_ADDR", "-"),
            environ.get("REQUEST_METHOD", "-"),
            _printable(environ.get("PATH_INFO", "") or "/"),
            status,
            size,
            (time.perf_counter() - started) * 1000,
        )
