"""Supervision tasks, run by django-tasks' database backend (``socsec manage db_worker``, or the worker
thread ``socsec serve --worker`` starts)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task

from socsec.audit.services import Actor

from .alerts import fund_alerts_evaluate
from .coverage_store import coverage_cells_refresh


@task()
def evaluate_fund_alerts(month: str) -> dict[str, Any]:
    """Check every fund's thresholds against its figures of ``month`` (YYYY-MM)."""
    made = fund_alerts_evaluate(actor=Actor.system("supervision"), month=month)
    return {"month": month, "alerts": [a.pk for a in made]}


def fund_alerts_request(*, month: str) -> None:
    """Queue the evaluation of ``month`` on the task worker, after the caller's transaction commits."""
    transaction.on_commit(lambda: evaluate_fund_alerts.enqueue(month))


@task()
def refresh_coverage_cells(month: str) -> dict[str, Any]:
    """Count ``month`` (YYYY-MM) of the effective coverage statistics over everyone and keep it."""
    snapshot = coverage_cells_refresh(month=month)
    return {"month": month, "cells": len(snapshot.cells), "duration_ms": snapshot.duration_ms}
