"""The effective coverage counts kept per month: counting everyone takes minutes at a million persons, so
a job counts a month and keeps its cells (``coverage_cells_refresh``) and the report reads them; a month
never counted is counted live (the same query, the same figures) until a job keeps it."""

from __future__ import annotations

import datetime as dt
import time

from django.utils import timezone

from .coverage_stats import Cell, coverage_cells
from .models import CoverageCellsSnapshot


def coverage_cells_refresh(*, month: str) -> CoverageCellsSnapshot:
    """Count ``month`` (YYYY-MM) again over everyone and keep its cells (replacing those kept before)."""
    read_at = timezone.now()
    started = time.perf_counter()
    cells = coverage_cells(month)
    duration_ms = int((time.perf_counter() - started) * 1000)
    snapshot, _created = CoverageCellsSnapshot.objects.update_or_create(
        month=month,
        defaults={
            "cells": [[*c.key, c.persons, c.legal, c.contributing, c.receiving] for c in cells],
            "computed_at": read_at,
            "duration_ms": duration_ms,
        },
    )
    return snapshot


def coverage_cells_kept(month: str) -> tuple[list[Cell], dt.datetime | None]:
    """The month's cells as last kept, with when they were counted; counted live (None) when never kept."""
    snapshot = CoverageCellsSnapshot.objects.filter(month=month).first()
    if snapshot is None:
        return coverage_cells(month), None
    cells = [Cell(tuple(str(v) for v in row[:6]), *(int(v) for v in row[6:])) for row in snapshot.cells]
    return cells, snapshot.computed_at
