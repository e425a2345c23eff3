"""Running the database backend's worker in the test's own thread until no task waits."""

from __future__ import annotations

from unittest import mock

from socsec.jobs.worker import worker


def run_pending() -> None:
    """The worker checks its connection between tasks (``close_old_connections``), which closes one in a
    transaction: the test's. Django's test cases keep the connection open the same way for requests."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker(batch=True, interval=0).run()
