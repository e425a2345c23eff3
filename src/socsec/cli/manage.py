"""Administration: ``socsec migrate``, ``socsec create-officer`` and ``socsec manage`` (any Django
management command)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from .common import django_setup, migrate_database


def cmd_migrate(args: argparse.Namespace) -> int:
    django_setup()
    migrate_database(verbosity=1)
    return 0


def cmd_create_officer(args: argparse.Namespace) -> int:
    django_setup()
    from socsec.accounts.services import user_create
    from socsec.audit.services import Actor
    from socsec.core.errors import DomainError

    password = os.environ.get("SOCSEC_PASSWORD") or getpass.getpass("Password: ")
    try:
        user = user_create(actor=Actor.system("cli"), username=args.username, password=password, role=args.role.upper())
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(f"created {user.role.lower()} {user.username}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["socsec manage", *args.rest])
    return 0


def add_migrate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("migrate", help="create or update the database tables").set_defaults(func=cmd_migrate)


def add_create_officer(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    officer = sub.add_parser(
        "create-officer", help="create an agency account (password from SOCSEC_PASSWORD or a prompt)"
    )
    officer.add_argument("username")
    officer.add_argument("--role", choices=["officer", "supervisor", "auditor"], default="officer")
    officer.set_defaults(func=cmd_create_officer)


def add_manage(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
