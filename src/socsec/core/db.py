"""Row locks for services."""

from __future__ import annotations

from typing import TypeVar

from django.db import connection
from django.db.models import Manager, Model, QuerySet

M = TypeVar("M", bound=Model)


def lock(queryset: QuerySet[M] | Manager[M]) -> QuerySet[M]:
    """SELECT ... FOR NO KEY UPDATE on PostgreSQL: serialises the services that lock the same row (a
    person, a platform) without blocking inserts that merely refer to it by foreign key. SQLite runs
    every write transaction alone (IMMEDIATE), so there it changes nothing. Takes a queryset or a model's
    manager (``lock(Person.objects)``)."""
    return queryset.select_for_update(no_key=connection.vendor == "postgresql")
