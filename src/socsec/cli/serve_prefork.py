"""``socsec serve --processes N``: the site and the API on gunicorn's pre-fork server (Linux and other
Unix systems): N worker processes of ``--threads`` threads each, with keep-alive connections. Waitress,
one process whose threads share one interpreter lock, uses one core whatever the machine; the worker
processes use them all. Each process has its own database connections and its own memory cache: the API's
rate limits then count per process unless ``CACHES`` names a shared cache.

Behind a TLS proxy, ``--trusted-proxy`` works as with waitress: from that address only, the client's
address is taken from the last entry of ``X-Forwarded-For`` and the scheme from ``X-Forwarded-Proto``;
from anyone else both headers are dropped."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def warm_up() -> None:
    """What the first request of a process would otherwise pay (seconds): the URLconf with the API's
    schemas, and the rules' parameters."""
    from django.urls import get_resolver

    from socsec.rules.parameters import load_parameters

    get_resolver().url_patterns  # noqa: B018  # imported and built on first access
    load_parameters()


def serve_prefork(*, host: str, port: int, processes: int, threads: int, trusted_proxy: str) -> None:
    """Runs gunicorn in this process (its master) until it is stopped; each worker imports the site."""
    from gunicorn.app.base import BaseApplication

    class Site(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": processes,
                "worker_class": "gthread",
                "threads": threads,
                "keepalive": 5,
                "proc_name": "socsec",
                "accesslog": None,  # socsec.access_log writes the access log, as under waitress
                "forwarded_allow_ips": "",  # the scheme is set by TrustedProxy, from the proxy only
                "control_socket_disable": True,  # no socket under $HOME; signals manage the processes
            }
            for key, value in options.items():
                if key in self.cfg.settings:  # the control socket is gunicorn 25's and later's
                    self.cfg.set(key, value)

        def load(self) -> WSGIApp:
            from socsec.access_log import AccessLog
            from socsec.wsgi import application

            warm_up()
            site: WSGIApp = AccessLog(application)
            return TrustedProxy(site, trusted_proxy)

    Site().run()
