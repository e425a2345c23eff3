"""Writing a job's progress where the page can read it while the job runs.

A run is one transaction. On PostgreSQL the progress goes through a connection of its own, committed at
once, so the page sees each step as it starts; the job's row is never touched by the run's transaction,
so the two never wait on each other. SQLite has one writer at a time and the run holds it (immediate
transactions): there the progress is written in the run's transaction and seen when the run commits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from .models import Job

Writer = Callable[[int, int, str], None]  # steps done, steps total, the step under way


@contextmanager
def progress_writer(job_id: int) -> Iterator[Writer]:
    if connection.vendor != "postgresql":

        def same(done: int, total: int, step: str) -> None:
            Job.objects.filter(pk=job_id).update(
                steps_done=done, steps_total=total, step=step, heartbeat_at=timezone.now()
            )

        yield same
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = connection.ops.quote_name(Job._meta.db_table)

    def apart(done: int, total: int, step: str) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET steps_done = %s, steps_total = %s, step = %s, heartbeat_at = %s "  # noqa: S608
                "WHERE id = %s",
                [done, total, step, timezone.now(), job_id],
            )

    try:
        yield apart
    finally:
        side.close()
