"""Where an API read's time goes: the bench's endpoints (``bench/api.py``) called in this process through the
whole WSGI application (access log, middleware, ninja, the database), with no server and no client, so the
CPU per request is the site's alone. Prints one JSON line: per endpoint the CPU milliseconds per request and,
with ``--top N``, the N functions with the most cumulative time under cProfile (milliseconds per request).

    .venv/bin/python bench/api_profile.py [--requests 300] [--top 25] [--only coverage_explained]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api import Target, seed  # noqa: E402


def environ_of(target: Target) -> dict[str, Any]:
    path, _, query = target.path.partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    for line in target.headers.split("\r\n"):
        name, _, value = line.partition(":")
        if name:
            environ["HTTP_" + name.strip().upper().replace("-", "_")] = value.strip()
    return environ


def call(app: Callable[..., Any], target: Target) -> int:
    status = [""]

    def start_response(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status[0] = code

    body = app(environ_of(target), start_response)
    for _chunk in body:
        pass
    getattr(body, "close", lambda: None)()
    return int(status[0].split(" ", 1)[0])


def profile(app: Callable[..., Any], target: Target, requests: int, top: int) -> dict[str, Any]:
    for _ in range(20):  # warm: the token remembered, the connection open, the caches filled
        assert call(app, target) == 200, target
    started = time.process_time()
    for _ in range(requests):
        call(app, target)
    cpu_ms = (time.process_time() - started) * 1000 / requests
    figures: dict[str, Any] = {"cpu_ms": round(cpu_ms, 3)}
    if top:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits on the database
        profiler.enable()
        for _ in range(requests):
            call(app, target)
        profiler.disable()
        stats = pstats.Stats(profiler)
        rows = sorted(stats.stats.items(), key=lambda kv: kv[1][3], reverse=True)  # type: ignore[attr-defined]
        figures["cumulative_ms"] = [
            [f"{Path(f).name}:{line}:{name}", round(cum * 1000 / requests, 3)]
            for (f, line, name), (_cc, _nc, _tt, cum, _callers) in rows[:top]
        ]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=0, help="functions to list per endpoint (0: none)")
    parser.add_argument("--only", default="", help="one endpoint's name")
    args = parser.parse_args()
    var = os.environ.setdefault("SOCSEC_VAR_DIR", tempfile.mkdtemp(prefix="socsec-bench-api-"))
    Path(var).mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "socsec.settings"
    os.environ["SOCSEC_API_RATE_PER_TOKEN"] = "0"
    os.environ["SOCSEC_API_RATE_PER_IP"] = "0"
    targets, database = seed()
    from socsec.access_log import AccessLog
    from socsec.cli.serve_prefork import warm_up
    from socsec.wsgi import application

    warm_up()
    app = AccessLog(application)
    results = {t.name: profile(app, t, args.requests, args.top) for t in targets if args.only in ("", t.name)}
    print(json.dumps({"bench": "api_profile", "database": database, "endpoints": results}))


if __name__ == "__main__":
    main()
