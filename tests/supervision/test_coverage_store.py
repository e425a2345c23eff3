"""The effective coverage counts kept per month by a job: the same figures as counting live, read by the
report (and so the pages and the API) until the job counts the month again; a month never kept is counted
live."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.contributions.models import LastOrder
from socsec.supervision.coverage_stats import coverage_cells
from socsec.supervision.coverage_store import coverage_cells_kept, coverage_cells_refresh
from socsec.supervision.models import CoverageCellsSnapshot
from socsec.supervision.statistics import coverage_report

from .test_coverage_stats import active  # noqa: F401  (the fixture)

D = dt.date


def _sorted(cells):
    return sorted(cells, key=lambda c: c.key)


def test_the_kept_cells_are_the_live_ones_and_the_report_reads_them(active):  # noqa: F811
    live = coverage_cells("2026-06")
    assert coverage_cells_kept("2026-06") == (live, None)  # never kept: counted live
    snapshot = coverage_cells_refresh(month="2026-06")
    assert CoverageCellsSnapshot.objects.count() == 1 and len(snapshot.cells) == 3
    kept, at = coverage_cells_kept("2026-06")
    assert _sorted(kept) == _sorted(live) and at == snapshot.computed_at
    before = coverage_report(month="2026-06", threshold=1, months=1)
    assert before.counted_at == snapshot.computed_at
    assert (before.tables[0].total.persons, before.tables[0].total.contributing) == (3, 2)

    # the rider stops taking orders in June: the kept month stands until the job counts it again
    LastOrder.objects.filter(person_id=active.rider.pk).update(last_order_on=D(2026, 5, 20))
    with CaptureQueriesContext(connection) as read:
        kept_report = coverage_report(month="2026-06", threshold=1, months=1)
    assert len(read.captured_queries) == 1  # the kept row, no count over everyone
    assert kept_report.tables[0].total.contributing == 2
    again = coverage_cells_refresh(month="2026-06")
    assert CoverageCellsSnapshot.objects.count() == 1 and again.pk == snapshot.pk
    assert coverage_report(month="2026-06", threshold=1, months=1).tables[0].total.contributing == 1
    assert _sorted(coverage_cells_kept("2026-06")[0]) == _sorted(coverage_cells("2026-06"))
