"""A worker's contribution record a page at a time: the months are read a few at a time, from the first
month the page starts in, until the page is full, so a page reads the lines files and own contributions
of its own months, not the whole record. A page ends at a place in the record: the month and the number
of that month's lines already shown (``RecordPlace``), which the next page starts from."""

from __future__ import annotations

from dataclasses import dataclass

from socsec.core.months import month_index, month_of

from .models import AssessmentRun, OwnContribution
from .statements import RecordLine, contribution_record

MONTHS_READ = 12  # months of the record read at once
PLACE_BASE = 1_000_000  # a place is month x PLACE_BASE + lines shown of it: more lines than a month has


@dataclass(frozen=True)
class RecordPage:
    lines: list[RecordLine]
    next_place: int | None  # where the next page starts; None at the end


def contribution_record_page(*, person_id: int, after: int | None, limit: int) -> RecordPage:
    """The ``limit`` lines of ``contribution_record`` after the place ``after`` (from the start when None),
    in the record's order, and the place the next page starts at."""
    start_month, shown = divmod(after, PLACE_BASE) if after is not None else (0, 0)
    own = OwnContribution.objects.filter(person_id=person_id).values_list("period_start", flat=True).distinct()
    runs = AssessmentRun.objects.values_list("month", flat=True).distinct()
    months = sorted({*runs, *(month_of(day) for day in own)})
    months = [m for m in months if month_index(m) >= start_month]
    out: list[tuple[int, RecordLine]] = []  # (the line's place, the line)
    for first in range(0, len(months), MONTHS_READ):
        counted: dict[str, int] = {}
        for line in contribution_record(person_id=person_id, months=months[first : first + MONTHS_READ]):
            place = counted.get(line.month, 0)
            counted[line.month] = place + 1
            index = month_index(line.month)
            if index == start_month and place < shown:
                continue
            out.append((index * PLACE_BASE + place + 1, line))
        if len(out) > limit:
            break
    more = len(out) > limit
    return RecordPage([line for _, line in out[:limit]], out[limit - 1][0] if more else None)
