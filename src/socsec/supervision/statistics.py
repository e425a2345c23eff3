"""The effective coverage report: a month's tables by dimension, small rows withheld, and the totals of
the months before it; the threshold a caller asks for checked first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from socsec.core.errors import ValidationFailed
from socsec.core.months import month_index, month_name

from .coverage_store import coverage_cells_kept
from .suppression import Row, Table, publish

DEFAULT_THRESHOLD = 10  # persons: a row with fewer is withheld
THRESHOLD_RANGE = (1, 1000)
MONTHS_SHOWN = 6


@dataclass(frozen=True)
class CoverageReport:
    month: str
    threshold: int
    tables: list[Table]
    over_time: list[tuple[str, Row]]  # (month, its total row), oldest first
    counted_at: dt.datetime | None = None  # when the month's kept counts were counted; None: counted now


def check_threshold(raw: object) -> int:
    """The suppression threshold asked for, or the default when none; refused unless a whole number in
    ``THRESHOLD_RANGE``."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return DEFAULT_THRESHOLD
    low, high = THRESHOLD_RANGE
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        raise ValidationFailed(
            "threshold: must be a whole number of persons from %(low)s to %(high)s, not %(value)s.",
            field="threshold",
            params={"low": low, "high": high, "value": text},
        )
    return int(text)


def coverage_report(*, month: str, threshold: int, months: int = MONTHS_SHOWN) -> CoverageReport:
    """The month's tables and the totals of the ``months`` months to it: each month's kept counts, or one
    counting query for a month never kept."""
    index = month_index(month)
    over_time: list[tuple[str, Row]] = []
    tables: list[Table] = []
    counted_at = None
    for back in range(months - 1, -1, -1):
        name = month_name(index - back)
        cells, counted_at = coverage_cells_kept(name)
        published = publish(cells, threshold=threshold)
        over_time.append((name, published[0].total))
        if back == 0:
            tables = published
    return CoverageReport(month, threshold, tables, over_time, counted_at)
