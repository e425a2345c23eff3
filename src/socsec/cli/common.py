"""What the command's Django-backed subcommands share: starting Django, migrating the database, and
amounts in yuan for printing. Django is imported only when a command calls these."""

from __future__ import annotations

import os


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
