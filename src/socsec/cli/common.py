"""What the command's Django-backed subcommands share: starting Django, migrating the database, amounts
in yuan for printing, and one line on stderr (exit 2) for any failure of the disk, the database or a
file, never a traceback. Django is imported only when a command calls these."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from socsec.core.errors import DomainError

# the batch commands: they refuse to run while the application's clock and the database's disagree
CLOCKED_COMMANDS = {"ingest", "assess", "pay", "credit-interest", "tax"}


def run_guarded(args: argparse.Namespace) -> int:
    """Run the subcommand; a failure of the disk, the database or a file, or a domain error nobody caught,
    is one line ``error: ...`` on stderr and exit code 2."""
    try:
        if args.command in CLOCKED_COMMANDS:
            django_setup()
            from socsec.core.clock import clock_check

            clock_check()
        return int(args.func(args) or 0)
    except Exception as exc:
        line = failure_line(exc)
        if line is None:
            raise
        print(f"error: {line}", file=sys.stderr)
        return 2


def domain_line(exc: DomainError) -> str:
    """A domain error's message on one line, with the stored files it names (``details["damaged"]``)."""
    damaged = exc.details.get("damaged") or []
    named = ", ".join(f"{d['path']} ({d['reason']})" for d in damaged)
    return (exc.message + (f": {named}" if named else "")).replace("\n", " ")


def failure_line(exc: BaseException) -> str | None:
    """The one line that tells what failed, or None for an error that is a defect (a traceback then)."""
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}".replace("\n", " ")
    if "django" not in sys.modules:
        return None
    from django.db import DatabaseError

    from socsec.core.errors import DomainError

    if isinstance(exc, DomainError):
        return domain_line(exc)
    if isinstance(exc, DatabaseError):
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"database: {first}"
    return None


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socsec.settings")
    import django

    django.setup()


def migrate_database(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def yuan(cents: int) -> str:
    from socsec.core.money import format_yuan

    return format_yuan(cents)


def report_cases(outcomes: Iterable[tuple[str, bool, Sequence[str]]], *, verbose: bool) -> int:
    """Print each YAML case's outcome (``where``, passed, failures) as ``ok``/``FAIL`` lines and a count;
    exit 1 when any failed. Shared by ``socsec rules test`` and ``socsec risk test``."""
    failed = passed = 0
    for where, ok, failures in outcomes:
        if ok:
            passed += 1
            if verbose:
                print(f"ok    {where}")
        else:
            failed += 1
            print(f"FAIL  {where}")
            for failure in failures:
                print(f"        {failure}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
