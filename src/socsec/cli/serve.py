"""``socsec serve``: the site and the API on waitress."""

from __future__ import annotations

import argparse

from .common import django_setup


def cmd_serve(args: argparse.Namespace) -> int:
    django_setup()
    from waitress import serve

    from socsec.wsgi import application

    print(f"SocSec serving on http://{args.host}:{args.port}  (Ctrl+C stops)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="socsec")
    return 0


def serve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--threads", type=int, default=8)


def add_serve(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="serve the site and the API")
    serve_options(serve)
    serve.set_defaults(func=cmd_serve)
