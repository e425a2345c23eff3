"""``socsec serve``: the site and the API on waitress, with an access log (``socsec.access_log``); with
``--processes N``, on Granian's worker processes instead (``socsec.cli.serve_prefork``, Unix only), which
uses every core where waitress's one process uses one.

Behind a TLS proxy, ``--trusted-proxy`` (or ``SOCSEC_TRUSTED_PROXY``) names the proxy's address: waitress
then takes the client's address from its ``X-Forwarded-For`` (used by the login lockout, the rate limits
and the logs) and the scheme from ``X-Forwarded-Proto``."""

from __future__ import annotations

import argparse
import os

from .common import django_setup


def cmd_serve(args: argparse.Namespace) -> int:
    django_setup()
    processes = int(getattr(args, "processes", 0) or 0)
    if processes:
        if args.worker:
            print("error: --worker runs in one process; with --processes run `socsec manage db_worker` apart")
            return 2
        from .serve_prefork import serve_prefork

        print(f"SocSec serving on http://{args.host}:{args.port} with {processes} processes", flush=True)
        serve_prefork(
            host=args.host, port=args.port, processes=processes, threads=args.threads, trusted_proxy=args.trusted_proxy
        )
        return 0
    from waitress import serve

    from socsec.access_log import AccessLog
    from socsec.wsgi import application

    from .serve_prefork import warm_up

    warm_up()

    proxy: dict[str, object] = {}
    if args.trusted_proxy:
        proxy = {
            "trusted_proxy": args.trusted_proxy,
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
            "clear_untrusted_proxy_headers": True,
        }
    if args.worker:  # the background jobs' worker, as a thread of this process (the demo's way)
        from socsec.jobs.worker import start_worker_thread
        from socsec.notifications.worker import start_delivery_thread

        start_worker_thread()
        start_delivery_thread()
        print("Background jobs: a worker thread runs them; another delivers the notifications", flush=True)
    print(f"SocSec serving on http://{args.host}:{args.port}  (Ctrl+C stops)", flush=True)
    serve(AccessLog(application), host=args.host, port=args.port, threads=args.threads, ident="socsec", **proxy)
    return 0


def serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8, help="threads (per process with --processes)")
    p.add_argument(
        "--trusted-proxy",
        default=os.environ.get("SOCSEC_TRUSTED_PROXY", ""),
        help="address of the TLS proxy in front (its X-Forwarded-For/-Proto are trusted)",
    )
    p.add_argument(
        "--worker",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the background jobs' worker as a thread of this process (the demo's default; in production "
        "run `socsec manage db_worker` as a process of its own)",
    )


def add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="serve the site and the API")
    serve_options(serve)
    serve.add_argument(
        "--processes",
        type=int,
        default=0,
        help="serve with N worker processes on Granian (Unix; uses every core) instead of waitress's one",
    )
    serve.set_defaults(func=cmd_serve)
