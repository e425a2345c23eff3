"""``socsec serve --processes N``: the site and the API on Granian (Linux and other Unix systems): N worker
processes of ``--threads`` threads each. Granian's HTTP (keep-alive connections, parsing, writing) is native
code that runs beside the interpreter instead of taking its time: an API read costs 0.3-0.8 ms less of the
server's CPU than on gunicorn, which parsed HTTP in Python (``bench/api.py``, 2 cores). Waitress,
one process whose threads share one interpreter lock, uses one core whatever the machine; the worker
processes use them all. Each process has its own database connections and its own memory cache: the API's
rate limits then count per process unless ``CACHES`` names a shared cache.

Behind a TLS proxy, ``--trusted-proxy`` works as with waitress: from that address only, the client's
address is taken from the last entry of ``X-Forwarded-For`` and the scheme from ``X-Forwarded-Proto``;
from anyone else both headers are dropped."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class TrustedProxy:
    """Takes the client's address and scheme from the one trusted proxy's headers, and drops them from
    every other peer (so no client can forge its address)."""

    def __init__(self, app: WSGIApp, proxy: str) -> None:
        self.app = app
        self.proxy = proxy

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        forwarded_for = environ.pop("HTTP_X_FORWARDED_FOR", "")
        forwarded_proto = environ.pop("HTTP_X_FORWARDED_PROTO", "")
        if self.proxy and environ.get("REMOTE_ADDR") == self.proxy:
            client = forwarded_for.split(",")[-1].strip()
            if client:
                environ["REMOTE_ADDR"] = client
            if forwarded_proto.strip().lower() in ("http", "https"):
                environ["wsgi.url_scheme"] = forwarded_proto.strip().lower()
        return self.app(environ, start_response)


# a request's own names in CGI and WSGI: never dropped from a request; removed from a worker's environment instead
REQUEST_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "QUERY_STRING",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "SERVER_SOFTWARE",
        "GATEWAY_INTERFACE",
        "REMOTE_ADDR",
    }
)


class ProcessVariablesDropped:
    """Granian puts every environment variable of the server's process into each request's environ (CGI's
    way, which PEP 3333 allows; gunicorn and waitress do not). They would be read as the request's: the
    database's URL and the keys in ``request.META`` (and in any report of an error that lists it), and a
    variable named like a header (``HTTP_PROXY``, ``HTTP_X_FORWARDED_FOR``) as a header the client sent.
    Dropped before the site sees the request; a header the client did send under such a name goes too."""

    def __init__(self, app: WSGIApp, variables: Iterable[str]) -> None:
        self.app = app
        self.names = tuple(name for name in variables if name not in REQUEST_KEYS)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        for name in self.names:
            environ.pop(name, None)
        return self.app(environ, start_response)


def warm_up() -> None:
    """What the first request of a process would otherwise pay (seconds): the URLconf with the API's
    schemas, and the rules' parameters."""
    from django.urls import get_resolver

    from socsec.rules.parameters import load_parameters

    get_resolver().url_patterns  # noqa: B018  # imported and built on first access
    load_parameters()


def site(trusted_proxy: str) -> WSGIApp:
    """The application each worker process serves: the site with its access log, behind ``TrustedProxy``."""
    from socsec.access_log import AccessLog
    from socsec.wsgi import application

    warm_up()
    for name in REQUEST_KEYS:  # a request's own names, never this process's to pass on (Granian would)
        os.environ.pop(name, None)
    return ProcessVariablesDropped(TrustedProxy(AccessLog(application), trusted_proxy), os.environ)


def _load_site(_target: str, trusted_proxy: str) -> WSGIApp:
    _stop_with_the_watcher(os.getppid())
    return site(trusted_proxy)


def _stop_with_the_watcher(watcher: int, every: float = 1.0) -> None:
    """A worker whose watching process has died (killed, or gone out of memory) stops, as gunicorn's
    did: Granian's workers would go on serving the port with nothing to stop or replace them. The
    worker is sent the stop signal, so requests in flight are finished first."""

    def watch() -> None:
        while os.getppid() == watcher:
            time.sleep(every)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="socsec-watcher-alive", daemon=True).start()


# A worker process is forked from the one that watches them, and has that one's handlers of the stop
# signals until Granian sets the worker's own, once the worker has loaded the site (a second or two). Those
# handlers only set a flag of the watcher's copy: a stop that came then was lost, and the worker ran on
# until killed 30 s later. So the stop signals are held (blocked) while a worker is forked and, in the new
# worker, are given back their default (stop at once) before they are let through: a stop sent from the
# first instant on ends a worker that is still loading.
_STOPS = {signal.SIGTERM, signal.SIGINT}


def _hold_stops() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)


def _let_stops_through() -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)


def _stop_at_once_until_serving() -> None:
    for stop in _STOPS:
        signal.signal(stop, signal.SIG_DFL)
    _let_stops_through()


def serve_prefork(*, host: str, port: int, processes: int, threads: int, trusted_proxy: str) -> None:
    """Runs Granian in this process (the one that watches the workers) until it is stopped; each worker
    process builds the site and runs it on ``threads`` threads."""
    from granian.constants import HTTPModes, Interfaces
    from granian.server import Server

    server = Server(
        "socsec.wsgi:application",  # named in Granian's log; the workers load ``site`` below
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=processes,
        blocking_threads=threads,
        http=HTTPModes.http1,  # what a TLS proxy in front speaks to its upstream
        websockets=False,
        log_access=False,  # socsec.access_log writes the access log, as under waitress
        respawn_failed_workers=True,  # a worker that dies is replaced, not left missing
        workers_kill_timeout=30,  # on stop, a worker finishing its requests is given 30 s
    )
    os.register_at_fork(
        before=_hold_stops, after_in_parent=_let_stops_through, after_in_child=_stop_at_once_until_serving
    )
    server.serve(target_loader=partial(_load_site, trusted_proxy=trusted_proxy))
