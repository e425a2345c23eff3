"""Coverage tasks, run by django-tasks' database backend (``socsec manage db_worker``, or the worker
thread ``socsec serve --worker`` starts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .counts import coverage_date_check
from .overview import coverage_counts_refresh


@task()
def refresh_coverage_counts(on: str, requested_at: str) -> dict[str, Any]:
    """Count everyone's coverage on ``on`` (ISO date) unless a count since ``requested_at`` answers it."""
    snapshot = coverage_counts_refresh(
        on=dt.date.fromisoformat(on), requested_at=dt.datetime.fromisoformat(requested_at)
    )
    return {"on": on, "persons": snapshot.persons, "computed_at": snapshot.computed_at.isoformat()}


def coverage_counts_request(*, on: dt.date) -> None:
    """Queue a count of ``on`` on the task worker (after the caller's transaction commits). A date the
    rules cannot decide is refused here, before anything is queued."""
    coverage_date_check(on)
    requested_at = timezone.now().isoformat()
    transaction.on_commit(lambda: refresh_coverage_counts.enqueue(on.isoformat(), requested_at))
