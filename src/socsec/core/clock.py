"""The application's clock against the database's. Batch commands refuse to run, and officer pages warn,
when the two disagree by more than ``SOCSEC_CLOCK_SKEW_SECONDS``; dates that decide money (which month
has ended) are read from the database's clock."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .errors import DomainError, ErrorCode


class ClockSkew(DomainError):
    status = 503
    code = ErrorCode.CLOCK_SKEW


def database_now() -> dt.datetime:
    """The database server's current time (aware, UTC)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clock_timestamp()")
            value: dt.datetime = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT strftime('%Y-%m-%dT%H:%M:%f', 'now')")
            value = dt.datetime.fromisoformat(cursor.fetchone()[0]).replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def database_today() -> dt.date:
    """Today's date by the database's clock, in the project's time zone."""
    return timezone.localtime(database_now()).date()


def clock_skew() -> dt.timedelta:
    """How far the application's clock is ahead of the database's (negative: behind)."""
    return timezone.now() - database_now()


def max_skew() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SOCSEC_CLOCK_SKEW_SECONDS)


def clock_check() -> None:
    """Raise ``ClockSkew`` when the application's clock and the database's differ by more than allowed."""
    skew = clock_skew()
    if abs(skew) > max_skew():
        raise ClockSkew(
            "the application's clock (%(app)s) and the database's (%(db)s) differ by %(seconds)d s, more than"
            " the %(allowed)d s allowed (SOCSEC_CLOCK_SKEW_SECONDS); set the clocks right before running this",
            params={
                "app": timezone.now().isoformat(timespec="seconds"),
                "db": database_now().isoformat(timespec="seconds"),
                "seconds": abs(skew.total_seconds()),
                "allowed": max_skew().total_seconds(),
            },
        )
