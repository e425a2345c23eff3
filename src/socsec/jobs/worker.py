"""Running the database backend's worker inside a process: a thread beside the web server (the demo's
``socsec serve --worker``), or until the queue is empty (``batch``). Production runs the backend's
own command, ``socsec manage db_worker``, as a process of its own."""

from __future__ import annotations

import threading

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from .runs import worker_name
from .services import jobs_recover_interrupted


def worker(*, batch: bool, interval: float) -> Worker:
    return Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=interval,
        batch=batch,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_name(),
        excluded_queue_names=[],
    )


def start_worker_thread(interval: float = 1.0) -> threading.Thread:
    """A daemon thread polling the queue every ``interval`` seconds, after marking as interrupted the jobs
    an earlier process of this host left running."""
    jobs_recover_interrupted()
    thread = threading.Thread(target=worker(batch=False, interval=interval).run, name="socsec-jobs", daemon=True)
    thread.start()
    return thread
