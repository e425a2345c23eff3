"""The screening as a background task (django-tasks' database backend: ``socsec manage db_worker``, or the
worker thread ``socsec serve --worker`` starts), queued by an officer's page or a schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django_tasks import task

from socsec.audit.services import Actor

from .services import quality_check_run


@task()
def quality_check(on: str, started_by: str = "quality") -> dict[str, Any]:
    """Screen the whole database with every data-quality rule as on ``on`` (YYYY-MM-DD)."""
    run = quality_check_run(actor=Actor.system(started_by), on=dt.date.fromisoformat(on))
    return {"run": run.pk, "on": on, "findings": run.findings}


def quality_check_request(*, on: dt.date, started_by: str) -> None:
    """Queue a screening on the task worker, after the caller's transaction commits."""
    transaction.on_commit(lambda: quality_check.enqueue(on.isoformat(), started_by))
