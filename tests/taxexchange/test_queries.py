"""The months of many persons are read in the same number of queries whatever their number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from socsec.registry.models import Person
from socsec.taxexchange.selectors import employer_months_on_record_many, paid_employer_months_many
from tests.world import World

from .helpers import exchange, fetch, lines, send


def _count(persons) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as seen:
        paid_employer_months_many(persons)
        employer_months_on_record_many(persons, until=dt.date(2026, 12, 31))
    return len(seen.captured_queries)


def test_the_same_queries_for_one_person_and_for_three(world: World, tmp_path: Path) -> None:
    ex = exchange(tmp_path)
    for month in ("2026-08", "2026-09"):
        due = [
            line
            for p in (world.employee, world.rider, world.freelancer)
            for line in lines(world.employer.pk, p.pk, month)
        ]
        send(month, due, ex)
    fetch(ex)
    one = Person.objects.filter(pk=world.employee.pk)
    three = Person.objects.filter(pk__in=[world.employee.pk, world.rider.pk, world.freelancer.pk])
    assert paid_employer_months_many(three) == {
        p.pk: ["2026-08", "2026-09"] for p in (world.employee, world.rider, world.freelancer)
    }
    assert _count(one) == _count(three) == 3
