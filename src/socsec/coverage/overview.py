"""The officer overview's figures: everyone's coverage per scheme on a date, read from a kept snapshot
(``CoverageCountsSnapshot``), never decided for the whole register while a page waits.

Why a snapshot refreshed by a job, not counts kept by every write: a person's coverage on a date depends
on the date itself (ages cross the retirement ages, pilots and rules start and end), so figures kept up to
date by the writes would still go wrong overnight without one; and every registration, engagement and
activation would contend for the same counter rows. A snapshot is exact as of the time it shows, and is
counted again on request (the overview's button, which queues ``refresh_coverage_counts``) or on a
schedule (``socsec coverage refresh-counts``, e.g. nightly for today and after a bulk load)."""

from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.utils import timezone

from socsec.rules.coverage import Scheme, Status

from .counts import CoverageCounts, coverage_counts, coverage_date_check
from .models import CoverageCountsSnapshot


def coverage_counts_refresh(*, on: dt.date, requested_at: dt.datetime | None = None) -> CoverageCountsSnapshot:
    """Count everyone's coverage on ``on`` again and keep it. With ``requested_at`` (a queued request), a
    snapshot counted after the request already answers it and is returned as it is: repeated requests
    coalesce into one count. A date the rules cannot decide is refused, even on an empty register."""
    coverage_date_check(on)
    if requested_at is not None:
        kept = CoverageCountsSnapshot.objects.filter(on=on, computed_at__gte=requested_at).first()
        if kept is not None:
            return kept
    started, clock = timezone.now(), time.perf_counter()
    counts = coverage_counts(on)
    elapsed_ms = round((time.perf_counter() - clock) * 1000)
    with transaction.atomic():
        snapshot, _created = CoverageCountsSnapshot.objects.update_or_create(
            on=on,
            defaults={
                "persons": counts.persons,
                "engagements": counts.engagements,
                "counts": {s.value: {st.name: n for st, n in by.items()} for s, by in counts.by_scheme.items()},
                "computed_at": started,
                "duration_ms": elapsed_ms,
            },
        )
    return snapshot


def coverage_overview(on: dt.date) -> tuple[CoverageCounts | None, dt.datetime | None]:
    """The kept counts of ``on`` and when they were counted, or ``(None, None)`` when they never were. A
    date the rules cannot decide is refused as ``coverage_counts`` refuses it. One indexed read."""
    coverage_date_check(on)
    snapshot = CoverageCountsSnapshot.objects.filter(on=on).first()
    if snapshot is None:
        return None, None
    return counts_of(snapshot), snapshot.computed_at


def counts_of(snapshot: CoverageCountsSnapshot) -> CoverageCounts:
    by_scheme = {
        scheme: {status: int(snapshot.counts.get(scheme.value, {}).get(status.name, 0)) for status in Status}
        for scheme in Scheme
    }
    return CoverageCounts(snapshot.on, snapshot.persons, snapshot.engagements, by_scheme)
