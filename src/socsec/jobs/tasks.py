"""The jobs' tasks, run by django-tasks' database backend (``socsec manage db_worker``, or the worker
thread ``socsec serve --worker`` starts)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from .runs import job_run


@task()
def run_job(job_id: int) -> dict[str, Any]:
    return job_run(job_id=job_id)
